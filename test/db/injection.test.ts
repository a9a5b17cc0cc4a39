import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { cli } from '../support/cli.js';
import { freshDatabase, withSql } from '../support/databases.js';
import { BOTH, POSTGRES, project, type Project, type TargetKind } from '../support/project.js';

// injection.test.ts covers quotes, backticks, ${...}, */, // and a classic '); drop.
// This file adds what PostgreSQL's lexer treats specially beyond '' (dollar quotes, E'' escapes,
// backslashes, format and psql placeholders), line and paragraph separators, arrays, JSON, raw SQL
// whose string literals hold -- /* $$, and a server whose standard_conforming_strings is off.

const NASTY = [
  `it's`,
  `'); drop table shop.victim; --`,
  `back\\slash \\' and \\\\`,
  `$$ dollar $$`,
  `$do$ tag $do$ $a1$`,
  `E'\\x41' U&'\\0041'`,
  `%s %L %I :'var' :"v" ? $1`,
  'back`tick ${process.exit(1)} */ // <!-- -->',
  'line one\nline two',
  'crlf\r\nend\ttab',
  'separators\u2028and\u2029\u0085',
  'ünïcødé ✓ 🚀 \u200b\ufeff',
  '{a,b} NULL "q"',
  ' padded ',
];

/** A YAML double-quoted scalar; everything outside printable ASCII escaped, so YAML cannot fold it. */
const yamlString = (s: string) =>
  `"${[...s]
    .map((c) => {
      if (c === '"' || c === '\\') return `\\${c}`;
      if (/^[\x20-\x7e]$/.test(c)) return c;
      const code = c.codePointAt(0)!;
      return code > 0xffff ? `\\U${code.toString(16).padStart(8, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
    })
    .join('')}"`;
const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** A literal holding what raw SQL must not contain outside quotes: legal inside them (; is not: see below). */
const INSIDE = `dash -- x /* star */ $$ dollar $tag$ back\\slash it's`;
const ARRAY = ['{a,b}', 'NULL', '"', '\\', ',', '', ' padded ', `it's`, '$$'];
const JSON_VALUE = { "k'ey": 'v"al\\ue', nested: ['$$', '*/', '\u0001', '🚀'], 'a b': { '': null } };

const manifest = `version: 1
services:
  victim:
    tables:
      victim:
        columns:
          v: { type: integer }
  shop:
    enums:
      label: [${NASTY.map(yamlString).join(', ')}]
    tables:
      items:
        comment: ${yamlString(NASTY.join(' | '))}
        columns:
${NASTY.map((s, i) => `          text_${i}: { type: text, default: ${yamlString(s)}, comment: ${yamlString(s)} }`).join('\n')}
          short: { type: varchar(40), default: ${yamlString(NASTY[1]!)} }
          tag: { type: label, default: ${yamlString(NASTY[3]!)} }
          tags: { type: "text[]", default: [${ARRAY.map(yamlString).join(', ')}] }
          doc: { type: jsonb, default: { value: ${JSON.stringify(JSON_VALUE)} } }
          note: { type: text, nullable: true }
        checks:
          note_ok: { sql: ${yamlString(`note <> ${sqlString(INSIDE)}`)} }
        indexes:
          - { columns: [note], name: items_note_ix, where: { sql: ${yamlString(`note <> ${sqlString(INSIDE)} AND text_3 <> '$$'`)} } }
`;

async function expectRoundTrip(p: Project) {
  // One query per read: on PGlite each opens the database folder.
  const [read] = await p.sql<{
    labels: string[];
    table: string;
    columns: string[];
    row: Record<string, unknown>;
    predicate: string;
  }>(`
    with inserted as (insert into shop.items default values returning *)
    select
      (select json_agg(enumlabel order by enumsortorder) from pg_enum e join pg_type t on t.oid = e.enumtypid where t.typname = 'label') as labels,
      obj_description('shop.items'::regclass, 'pg_class') as table,
      (select json_agg(col_description(attrelid, attnum) order by attnum) from pg_attribute where attrelid = 'shop.items'::regclass and attname like 'text_%') as columns,
      (select row_to_json(i) from inserted i) as row,
      (select pg_get_expr(indpred, indrelid) from pg_index where indexrelid = 'shop.items_note_ix'::regclass) as predicate`);
  expect(read!.labels).toEqual(NASTY);
  expect(read!.table).toBe(NASTY.join(' | '));
  expect(read!.columns).toEqual(NASTY);
  NASTY.forEach((s, i) => expect(read!.row[`text_${i}`], `text_${i}`).toBe(s));
  expect(read!.row['short']).toBe(NASTY[1]);
  expect(read!.row['tag']).toBe(NASTY[3]);
  expect(read!.row['tags']).toEqual(ARRAY);
  expect(read!.row['doc']).toEqual(JSON_VALUE);
  // Displayed per the reading session's standard_conforming_strings (\ doubled when off); exactness is checked by the insert below and by verify.
  expect(read!.predicate).toContain(`'dash -- x /* star */ $$ dollar $tag$ back`);

  // The check holds exactly INSIDE: that text is refused, a neighbour is not.
  await expect(p.sql(`insert into shop.items (note) values (${sqlString(INSIDE)})`)).rejects.toThrow(
    /violates check constraint "items_note_ok_check"/,
  );
  await p.sql(`insert into shop.items (note) values (${sqlString(`${INSIDE} `)})`);
  // Nothing ran but the intended statements.
  expect(await p.sql(`select count(*)::int as n from pg_tables where schemaname in ('shop', 'victim')`)).toEqual([
    { n: 2 },
  ]);

  const verified = await p.run(['verify']);
  expect(verified.stderr).toBe('');
  expect(verified.code).toBe(0);
  expect((await p.run(['push'])).stdout).toMatch(/shop → .*: unchanged/);
}

describe.each(BOTH)('on $name', (kind: TargetKind) => {
  test('lexer-sensitive text in comments, enum labels, defaults, arrays, JSON and raw SQL arrives as data', async () => {
    const p = await project(kind, manifest);
    const pushed = await p.run(['push']);
    expect(pushed.stderr).toBe('');
    expect(pushed.code).toBe(0);
    await expectRoundTrip(p);
    // Handlebars runs with noEscape: nothing is HTML-escaped in generated code.
    expect(readFileSync(join(p.dir, 'generated/shop/schema.ts'), 'utf8')).not.toMatch(
      /&#x27;|&quot;|&amp;|&#x60;|&#x3D;/,
    );
  }, 120_000);
});

test('a database with standard_conforming_strings off reads backslashes the same way', async () => {
  const p = await project(POSTGRES, manifest);
  // project() made a fresh database; switch it before anything is pushed.
  const url = (await p.run(['verify', '--json'])).stdout.match(/"target":"([^"]+)"/)![1]!;
  const name = new URL(url).pathname.slice(1);
  await p.sql(
    `alter database "${name}" set standard_conforming_strings = off; alter database "${name}" set escape_string_warning = off`,
  );
  const pushed = await p.run(['push']);
  expect(pushed.stderr).toBe('');
  expect(pushed.code).toBe(0);
  await expectRoundTrip(p);
});

/** Raw SQL that PostgreSQL's lexer would read differently from a quote-doubling scan. */
const REFUSED: readonly [string, RegExp][] = [
  [`{ sql: "$a1$'$a1$); DROP TABLE victim.victim; SELECT (1 --'" }`, /dollar-quoted string/],
  [`{ sql: "$é$'$é$); DROP TABLE victim.victim; SELECT (1 --'" }`, /dollar-quoted string/],
  [`{ sql: "$$'$$); DROP TABLE victim.victim; SELECT (1 --'" }`, /dollar-quoted string/],
  [`{ sql: "E'\\\\''); DROP TABLE victim.victim; SELECT (1 --'" }`, /backslash in an E'...' string/],
  [`{ sql: "e'\\\\'' || 'x'" }`, /backslash in an E'...' string/],
  [`{ sql: "'a\\0b'" }`, /NUL character/],
  [`{ sql: "'a'; drop table victim.victim" }`, /semicolon/],
  [`{ sql: "now() -- x" }`, /comment/],
  [`{ sql: "'x' || $1" }`, /dollar-quoted string/],
  [`"a\\0b"`, /NUL character/],
];

test.each(REFUSED)('validate, generate and push refuse default %s', async (value, message) => {
  const dir = mkdtempSync(join(tmpdir(), 'schemagen-injection-'));
  const url = await freshDatabase('inj');
  await withSql(url, (sql) => sql.unsafe('create schema victim; create table victim.victim (v int)'));
  writeFileSync(
    join(dir, 'schema.yaml'),
    `version: 1\nservices:\n  shop:\n    tables:\n      items:\n        columns:\n          c: { type: text, default: ${value} }\n`,
  );
  for (const command of ['validate', 'generate', 'push']) {
    const result = await cli([command], { cwd: dir, env: { DATABASE_URL: url } });
    expect(result.code, command).toBe(1);
    expect(result.stderr, command).toMatch(message);
    expect(result.stderr, command).toMatch(/^schema\.yaml:7:\d+: services\.shop\.tables\.items\.columns\.c\.default: /);
  }
  expect(
    await withSql(
      url,
      (sql) =>
        sql`select to_regclass('victim.victim') is not null as kept, to_regnamespace('shop') is null as untouched`,
    ),
  ).toEqual([{ kept: true, untouched: true }]);
});

test('the same tricks, and ; even inside quotes, are refused in checks and index predicates', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'schemagen-injection-'));
  writeFileSync(
    join(dir, 'schema.yaml'),
    `version: 1
services:
  shop:
    tables:
      items:
        columns:
          c: { type: text }
        checks:
          a: { sql: "c <> $t1$'$t1$) NOT VALID; DROP TABLE x; SELECT (1 --'" }
          b: { sql: "c <> E'\\\\'') IS NULL OR (c = 'x' --'" }
          c: { sql: "c <> 'x;y'" }
        indexes:
          - { columns: [c], where: { sql: "c <> $$'$$" } }
`,
  );
  const result = await cli(['validate'], { cwd: dir });
  expect(result.code).toBe(1);
  expect(result.stderr.trim().split('\n')).toEqual([
    expect.stringMatching(/^schema\.yaml:9:\d+: services\.shop\.tables\.items\.checks\.a\.sql: dollar-quoted string/),
    expect.stringMatching(
      /^schema\.yaml:10:\d+: services\.shop\.tables\.items\.checks\.b\.sql: backslash in an E'...' string/,
    ),
    // drizzle-kit cuts checks and index definitions at the first ';', even inside quotes.
    expect.stringMatching(
      /^schema\.yaml:11:\d+: services\.shop\.tables\.items\.checks\.c\.sql: semicolon inside quotes/,
    ),
    expect.stringMatching(
      /^schema\.yaml:13:\d+: services\.shop\.tables\.items\.indexes\[0\]\.where\.sql: dollar-quoted string/,
    ),
    '4 errors in schema.yaml; nothing was written',
  ]);
});
