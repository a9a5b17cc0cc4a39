import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { expect } from 'vitest';
import { parse } from 'yaml';
import { pgliteExtensions } from '../../src/db/connect/pglite-extensions.js';
import { cli, type CliResult } from './cli.js';
import { freshDatabase, withSql } from './databases.js';

/** A throwaway project folder with a manifest, driven through the CLI like a user would. */
export interface Project {
  readonly dir: string;
  /** the environment commands run with (DATABASE_URL on PostgreSQL) */
  readonly env: Readonly<Record<string, string>>;
  /** rewrites schema.yaml and regenerates */
  write(manifest: string): Promise<void>;
  run(args: readonly string[]): Promise<CliResult>;
  /** runs SQL on the project's database and returns rows */
  sql<T = Record<string, unknown>>(text: string): Promise<T[]>;
}

export interface TargetKind {
  readonly name: 'postgres' | 'pglite';
  /** environment and extra flags for a fresh database of this kind, for a project in `dir` */
  readonly setup: (dir: string) => Promise<{ env: Record<string, string>; flags: string[] }>;
}

/**
 * PGlite's first open of a folder runs initdb (several seconds); an empty, closed data folder made
 * once per worker and copied into each project starts it like any later open.
 */
let pgliteTemplate: Promise<string> | undefined;
const emptyPglite = () =>
  (pgliteTemplate ??= (async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'schemagen-pglite-template-')), 'pglite');
    await (await PGlite.create(dir)).close();
    return dir;
  })());

export const POSTGRES: TargetKind = {
  name: 'postgres',
  setup: async () => ({ env: { DATABASE_URL: await freshDatabase() }, flags: [] }),
};
export const PGLITE: TargetKind = {
  name: 'pglite',
  setup: async (dir) => {
    cpSync(await emptyPglite(), join(dir, '.schemagen', 'pglite'), { recursive: true });
    return { env: {}, flags: ['--embedded'] };
  },
};
export const BOTH = [POSTGRES, PGLITE];

/** The smallest useful manifest: one service, one table, one column; tests append to it. */
export const ORDERS_MANIFEST = `version: 1
services:
  shop:
    tables:
      orders:
        columns:
          total: { type: integer }
`;

const DB_COMMANDS = new Set(['push', 'verify', 'migrate', 'up', 'roles']);

export async function project(kind: TargetKind, manifest: string): Promise<Project> {
  const dir = mkdtempSync(join(tmpdir(), `schemagen-${kind.name}-`));
  const { env, flags } = await kind.setup(dir);
  const run = (args: readonly string[]) =>
    cli([...args, ...(DB_COMMANDS.has(args[0] ?? '') ? flags : [])], { cwd: dir, env });
  const p: Project = {
    dir,
    env,
    run,
    async write(text) {
      writeFileSync(join(dir, 'schema.yaml'), text);
      const generated = await run(['generate']);
      expect(generated.stderr).toBe('');
    },
    async sql<T>(text: string) {
      if (kind.name === 'postgres')
        return withSql(env['DATABASE_URL']!, async (sql) => (await sql.unsafe(text)) as unknown as T[]);
      // Started, like the CLI starts it, with the manifest's extensions, which the database may use.
      const written = readFileSync(join(dir, 'schema.yaml'), 'utf8');
      const declared = (parse(written) as { extensions?: string[] } | null)?.extensions ?? [];
      const db = await PGlite.create(join(dir, '.schemagen', 'pglite'), {
        extensions: await pgliteExtensions(declared),
      });
      try {
        return (await db.exec(text)).at(-1)?.rows as T[];
      } finally {
        await db.close();
      }
    },
  };
  await p.write(manifest);
  return p;
}

/** Columns, constraints (of tables and domains), indexes, enums and domains of a schema, one `line` each, unordered. */
const catalogLines = (schema: string) => `
    select format('column %s.%s %s %s default %s dims %s', c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
                  case when a.attnotnull then 'not null' else 'null' end, coalesce(pg_get_expr(d.adbin, d.adrelid), '-'),
                  a.attndims) as line
      from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
      left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
     where n.nspname = '${schema}' and c.relkind = 'r' and a.attnum > 0 and not a.attisdropped
    union all
    select format('constraint %s %s', k.conname, pg_get_constraintdef(k.oid)) from pg_constraint k
      join pg_namespace n on n.oid = k.connamespace where n.nspname = '${schema}'
    union all
    select format('index %s', pg_get_indexdef(i.indexrelid)) from pg_index i join pg_class c on c.oid = i.indexrelid
      join pg_namespace n on n.oid = c.relnamespace where n.nspname = '${schema}'
    union all
    select format('enum %s %s', t.typname, (select string_agg(e.enumlabel, ',' order by e.enumsortorder) from pg_enum e where e.enumtypid = t.oid))
      from pg_type t join pg_namespace n on n.oid = t.typnamespace where n.nspname = '${schema}' and t.typtype = 'e'
    union all
    select format('domain %s %s %s default %s', t.typname, format_type(t.typbasetype, t.typtypmod),
                  case when t.typnotnull then 'not null' else 'null' end, coalesce(pg_get_expr(t.typdefaultbin, 0), '-'))
      from pg_type t join pg_namespace n on n.oid = t.typnamespace where n.nspname = '${schema}' and t.typtype = 'd'`;

/** A stable text form of a schema's catalog: columns, constraints, indexes and enums. */
export async function catalogText(p: Project, schema: string): Promise<string> {
  const rows = await p.sql<{ line: string }>(`${catalogLines(schema)} order by 1`);
  return rows.map((r) => r.line).join('\n');
}

/**
 * The catalog text and the rows of `rowsQuery` (as JSON values) in one query: on PGlite each query
 * opens the database folder, which costs most of a second.
 */
export async function snapshot(
  p: Project,
  schema: string,
  rowsQuery: string,
): Promise<{ catalog: string; rows: unknown[] }> {
  const lines = await p.sql<{ k: number; line: string }>(`
    select 0 as k, line from (${catalogLines(schema)}) c
    union all select 1, coalesce(json_agg(r), '[]')::text from (${rowsQuery}) r
    order by k, line`);
  return {
    catalog: lines
      .filter((l) => l.k === 0)
      .map((l) => l.line)
      .join('\n'),
    rows: JSON.parse(lines.find((l) => l.k === 1)!.line) as unknown[],
  };
}
