import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { cli } from '../support/cli.js';
import { freshDatabase, withSql } from '../support/databases.js';
import { FIXTURES } from '../support/fixtures.js';

const ROOT = join(FIXTURES, '..', '..');
const SERVICES = ['auth', 'user', 'institution', 'internship', 'application', 'notification'];

/** Tables, columns, constraints, indexes and enums of our schemas, as text; comments listed apart. */
async function dump(url: string) {
  return withSql(url, async (sql) => {
    const lines = await sql.unsafe(
      `
      select format('%s.%s %s %s %s', n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
                    concat_ws(' ', case when a.attnotnull then 'not null' end, pg_get_expr(d.adbin, d.adrelid))) as line
        from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
        left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
       where n.nspname = any($1) and c.relkind = 'r' and a.attnum > 0 and not a.attisdropped
      union all select format('%s %s %s', n.nspname, k.conname, pg_get_constraintdef(k.oid)) from pg_constraint k join pg_namespace n on n.oid = k.connamespace where n.nspname = any($1)
      union all select pg_get_indexdef(i.indexrelid) from pg_index i join pg_class c on c.oid = i.indexrelid join pg_namespace n on n.oid = c.relnamespace where n.nspname = any($1)
      union all select format('enum %s.%s %s', n.nspname, t.typname, (select string_agg(enumlabel, ',' order by enumsortorder) from pg_enum where enumtypid = t.oid))
        from pg_type t join pg_namespace n on n.oid = t.typnamespace where n.nspname = any($1) and t.typtype = 'e'
      union all select 'schema ' || nspname from pg_namespace where nspname not like 'pg\\_%' and nspname <> 'information_schema'
      order by 1`,
      [SERVICES],
    );
    const comments = await sql.unsafe(
      `select count(*)::int as n from pg_description d join pg_class c on c.oid = d.objoid join pg_namespace n on n.oid = c.relnamespace where n.nspname = any($1)`,
      [SERVICES],
    );
    return { schema: lines.map((l) => l['line'] as string).join('\n'), comments: comments[0]!['n'] as number };
  });
}

// Scenario 2: the user's documented path, drizzle-kit push per generated config, gives the same database.
test('drizzle-kit push with each generated config yields the same database as schemagen push', async () => {
  const viaKit = await freshDatabase('kit');
  // Somebody else's table in public: each config filters to its own schema, so drizzle-kit (even
  // with --force, which approves drops) must leave it alone.
  const publicTable = `select c.relname, a.attname, format_type(a.atttypid, a.atttypmod) as type, (select count(*)::int from public.legacy) as n
    from pg_class c join pg_attribute a on a.attrelid = c.oid where c.oid = 'public.legacy'::regclass and a.attnum > 0 order by a.attnum`;
  const legacy = await withSql(viaKit, async (sql) => {
    await sql.unsafe(
      `create table public.legacy (id integer primary key, note text); insert into public.legacy values (1, 'keep')`,
    );
    return sql.unsafe(publicTable);
  });
  expect(legacy.length).toBe(2);
  // Freshly generated, not the committed generated/: the configs the generator writes today. Inside
  // the repository (git-ignored) so drizzle-kit resolves drizzle-orm from node_modules.
  mkdirSync(join(ROOT, 'test', '.work'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, 'test', '.work', 'parity-'));
  copyFileSync(join(ROOT, 'schema.yaml'), join(dir, 'schema.yaml'));
  expect((await cli(['generate'], { cwd: dir })).code).toBe(0);
  for (const service of SERVICES) {
    const run = spawnSync(
      process.execPath,
      [
        join(ROOT, 'node_modules/drizzle-kit/bin.cjs'),
        'push',
        '--force',
        '--config',
        `generated/${service}/drizzle.config.ts`,
      ],
      {
        cwd: dir,
        env: { ...process.env, DATABASE_URL: viaKit },
        encoding: 'utf8',
      },
    );
    // drizzle-kit exits 0 even when it fails; its output says whether it applied.
    expect(run.stdout + run.stderr, service).toMatch(/Changes applied/);
  }
  expect(await withSql(viaKit, (sql) => sql.unsafe(publicTable))).toEqual(legacy);
  expect(await withSql(viaKit, (sql) => sql`select note from public.legacy`)).toEqual([{ note: 'keep' }]);
  rmSync(dir, { recursive: true, force: true });
  const viaUs = await freshDatabase('us');
  const pushed = await cli(['push'], { cwd: ROOT, env: { DATABASE_URL: viaUs } });
  expect(pushed.code).toBe(0);

  const kit = await dump(viaKit);
  const us = await dump(viaUs);
  expect(kit.schema).toBe(us.schema);
  // The one documented difference: drizzle-kit has no COMMENT support, our push applies comments.
  expect(kit.comments).toBe(0);
  expect(us.comments).toBeGreaterThan(0);

  const verified = await cli(['verify'], { cwd: ROOT, env: { DATABASE_URL: viaKit } });
  expect(verified.code).toBe(1);
  const differences = verified.stderr.split('\n').filter((l) => l.startsWith('  '));
  expect(differences.length).toBeGreaterThan(0);
  for (const line of differences) expect(line).toMatch(/: comment is null; expected "/);
}, 120_000);
