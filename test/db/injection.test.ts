import { join } from 'node:path';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, test } from 'vitest';
import { cli } from '../support/cli.js';
import { BOTH, project } from '../support/project.js';

// Values that would break out of a string, a template literal, a comment or an SQL literal if
// they were pasted rather than escaped. Each must arrive in the database as the same text.
const NASTY = [
  `it's`,
  `say "hi"`,
  'back`tick',
  '${process.exit(1)}',
  'ends */ here',
  '// not a comment',
  "'); drop table shop.items; --",
  'line one\nline two',
  'back\\slash \\n',
  'ünïcødé ✓ 🚀',
];
const yamlString = (s: string) => JSON.stringify(s);

const manifest = `version: 1
services:
  shop:
    enums:
      label: [${NASTY.map(yamlString).join(', ')}]
    tables:
      items:
        comment: ${yamlString(NASTY.join(' | '))}
        columns:
${NASTY.map((s, i) => `          text_${i}: { type: text, default: ${yamlString(s)}, comment: ${yamlString(s)} }`).join('\n')}
          tag: { type: label, default: ${yamlString(NASTY[6]!)} }
        checks:
          quoted: { sql: "text_0 <> 'x''y' AND text_2 <> '\`' AND text_3 <> '\${x}'" }
`;

describe.each(BOTH)('on $name', (kind) => {
  test('comments, enum values, string defaults and checks round-trip as inert data', async () => {
    const p = await project(kind, manifest);
    const pushed = await p.run(['push']);
    expect(pushed.stderr).toBe('');
    expect(pushed.code).toBe(0);

    const labels = await p.sql<{ label: string }>(`select enumlabel as label from pg_enum e join pg_type t on t.oid = e.enumtypid where t.typname = 'label' order by e.enumsortorder`);
    expect(labels.map((l) => l.label)).toEqual(NASTY);
    const [table] = await p.sql<{ comment: string }>(`select obj_description('shop.items'::regclass, 'pg_class') as comment`);
    expect(table!.comment).toBe(NASTY.join(' | '));
    const comments = await p.sql<{ name: string; comment: string }>(
      `select attname as name, col_description(attrelid, attnum) as comment from pg_attribute where attrelid = 'shop.items'::regclass and attname like 'text_%' order by attnum`,
    );
    expect(comments.map((c) => c.comment)).toEqual(NASTY);

    await p.sql(`insert into shop.items default values`);
    const [row] = await p.sql<Record<string, string>>(`select * from shop.items`);
    NASTY.forEach((s, i) => expect(row![`text_${i}`]).toBe(s));
    expect(row!['tag']).toBe(NASTY[6]);
    expect(await p.sql(`select count(*)::int as n from pg_tables where schemaname = 'shop'`)).toEqual([{ n: 1 }]);
    const verified = await p.run(['verify']);
    expect(verified.stderr).toBe('');
    expect((await p.run(['push'])).stdout).toMatch(/shop → .*: unchanged/);

    const schemaTs = readFileSync(join(p.dir, 'generated/shop/schema.ts'), 'utf8');
    expect(schemaTs).not.toMatch(/&#x27;|&quot;|&amp;|&#x60;|&#x3D;/);
  });
});

test('NUL characters and raw SQL that could end a statement are refused by validate', async () => {
  for (const bad of ['comment: "a\\0b"', `default: { sql: "'a'); drop table x; --" }`, 'default: { sql: "now() /* x */" }']) {
    const dir = mkdtempSync(join(tmpdir(), 'schemagen-injection-'));
    writeFileSync(join(dir, 'schema.yaml'), `version: 1\nservices: { s: { tables: { t: { columns: { c: { type: text, ${bad} } } } } } }\n`);
    const result = await cli(['validate'], { cwd: dir });
    expect(result.code, bad).toBe(1);
    expect(result.stderr).toMatch(/^schema\.yaml:2:\d+: services\.s\.tables\.t\.columns\.c\.(comment|default): /m);
  }
});
