import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Model, Service } from '../../model/types.js';
import { outsideSchema, referencedSchemas } from '../plan/guard.js';
import { contained } from './drizzle-kit.js';
import { drizzleKitApi } from './drizzle-kit-api.js';
import { phaseOneModel, type SchemaNames } from './phase-one.js';
import { buildRuntimeTables } from './runtime-tables.js';

import type { Db } from '../connect/queryable.js';
import { touchFunction, triggerDefinition } from '../compare/triggers.js';
import { writeFileAtomic } from '../../shared/atomic-write.js';
import { constraintNames, MIGRATIONS_SCHEMA, migrationsFolder, migrationsTable } from '../../shared/conventions.js';
import { qualified, quoteIdent } from '../../shared/sql-quote.js';
import { commentOn } from '../plan/ddl.js';

/**
 * Per-service SQL migrations in drizzle-kit's folder format (`migrations/<service>/NNNN_tag.sql`,
 * `meta/_journal.json`, `meta/NNNN_snapshot.json`), so drizzle-kit and drizzle-orm's migrator read them.
 */
export const migrationsDir = (root: string, service: string) => join(root, migrationsFolder(service));
const BREAKPOINT = '\n--> statement-breakpoint\n';

interface Journal {
  version: string;
  dialect: string;
  entries: { idx: number; version: string; when: number; tag: string; breakpoints: boolean }[];
}

type Snapshot = Record<string, unknown> & {
  id: string;
  tables: Record<string, { name: string; columns: Record<string, unknown> }>;
  enums: Record<string, { name: string }>;
};
type Comments = Record<string, string>;

function readJson<T>(path: string): T | undefined {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : undefined;
}

export interface GeneratedMigration {
  /** the migrations written (two when enum values are added and used: see below); none when nothing changed */
  readonly tags?: readonly string[];
  readonly statements: readonly string[];
}

/** Writes the next migration of `service`, or returns no tag when nothing changed. */
export async function generateMigrationFor(
  model: Model,
  service: Service,
  root: string,
  now: number,
): Promise<GeneratedMigration> {
  const { generateDrizzleJson, generateMigration } = drizzleKitApi();
  const dir = migrationsDir(root, service.name);
  const journal = readJson<Journal>(join(dir, 'meta', '_journal.json')) ?? {
    version: '7',
    dialect: 'postgresql',
    entries: [],
  };
  const last = journal.entries.at(-1);
  const prefix = (idx: number) => String(idx).padStart(4, '0');
  const snapshotFor = (m: Model, prevId?: string) =>
    generateDrizzleJson(buildRuntimeTables(m, service.name).get(service.name)!.exports, prevId, [
      service.schema,
    ]) as unknown as Snapshot;
  const current = snapshotFor(model);
  const previous = last
    ? readJson<Snapshot>(join(dir, 'meta', `${prefix(last.idx)}_snapshot.json`))!
    : {
        ...current,
        tables: {},
        enums: {},
        schemas: {},
        sequences: {},
        roles: {},
        policies: {},
        views: {},
        _meta: { schemas: {}, tables: {}, columns: {} },
      };
  const next = snapshotFor(model, last ? previous.id : undefined);
  // Never prompt for renames: plan removals first, then additions (see plan.ts).
  const phaseOne = phaseOneModel(model, service, catalogOf(previous));
  const statements: string[] = [];
  let from: Snapshot = previous;
  for (const target of phaseOne ? [snapshotFor(phaseOne, previous.id), next] : [next]) {
    statements.push(...(await contained(() => generateMigration(from as never, target as never))));
    from = target;
  }
  const comments = commentsOf(service);
  const recorded = previous['_schemagen'] as { comments?: Comments; triggers?: string[] } | undefined;
  statements.push(...commentChanges(service, recorded?.comments ?? {}, comments));
  const triggers = triggersOf(service);
  statements.push(...triggerChanges(service, recorded?.triggers ?? [], triggers));
  const refused = statements.flatMap(
    (s) => outsideSchema(s, service.schema, new Set([...referencedSchemas(service), MIGRATIONS_SCHEMA])) ?? [],
  );
  if (refused.length > 0) throw new Error(`migration for ${service.name} would ${refused[0]}`);
  if (statements.length === 0) return { statements };
  // A value added to an enum cannot be used before its transaction commits (55P04), and a migrator
  // applies a migration in one transaction: the additions go in a migration of their own first.
  const additions = statements.filter(isEnumAddition);
  const parts =
    additions.length > 0 && additions.length < statements.length
      ? [additions.map(ifNotExists), statements.filter((s) => !isEnumAddition(s))]
      : [statements];
  mkdirSync(join(dir, 'meta'), { recursive: true });
  let idx = last ? last.idx + 1 : 0;
  let prevId = previous.id;
  let when = Math.max(now, (last?.when ?? 0) + 1);
  const tags: string[] = [];
  for (const [i, part] of parts.entries()) {
    const tag = `${prefix(idx)}_${service.name}${i === 0 && parts.length > 1 ? ENUM_VALUES_SUFFIX : ''}`;
    const snapshot = i === parts.length - 1 ? next : snapshotFor(model, prevId);
    writeFileAtomic(join(dir, `${tag}.sql`), `${part.map((s) => s.trim()).join(BREAKPOINT)}\n`);
    writeFileAtomic(
      join(dir, 'meta', `${prefix(idx)}_snapshot.json`),
      `${JSON.stringify({ ...snapshot, prevId, _schemagen: { comments, triggers } }, null, 2)}\n`,
    );
    journal.entries.push({ idx, version: '7', when, tag, breakpoints: true });
    tags.push(tag);
    prevId = snapshot.id;
    idx++;
    when++;
  }
  writeFileAtomic(join(dir, 'meta', '_journal.json'), `${JSON.stringify(journal, null, 2)}\n`);
  return { tags, statements };
}

const ENUM_VALUES_SUFFIX = '_enum_values';
const isEnumAddition = (s: string) => /^ALTER TYPE .* ADD VALUE /is.test(s.trim());
const ifNotExists = (s: string) => s.replace(/\bADD VALUE\s+(?!IF NOT EXISTS)/i, 'ADD VALUE IF NOT EXISTS ');

/**
 * The migrator applies every pending migration in one transaction, so a migration that only adds
 * enum values must end a run of its own before the next one uses them: `apply` runs on copies of the
 * folder whose journal ends at such a migration, then on the folder itself.
 */
export async function inMigrationSteps(folder: string, apply: (folder: string) => Promise<void>): Promise<void> {
  const journal = readJson<Journal>(join(folder, 'meta', '_journal.json'));
  const entries = journal?.entries ?? [];
  const cuts = entries.flatMap((e, i) => (e.tag.endsWith(ENUM_VALUES_SUFFIX) && i < entries.length - 1 ? [i + 1] : []));
  const base = cuts.length > 0 ? mkdtempSync(join(tmpdir(), 'schemagen-migrate-')) : undefined;
  try {
    for (const [k, n] of cuts.entries()) {
      const step = join(base!, String(k));
      mkdirSync(join(step, 'meta'), { recursive: true });
      for (const e of entries.slice(0, n)) copyFileSync(join(folder, `${e.tag}.sql`), join(step, `${e.tag}.sql`));
      writeFileSync(join(step, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries: entries.slice(0, n) }));
      await apply(step);
    }
    await apply(folder);
  } finally {
    if (base) rmSync(base, { recursive: true, force: true });
  }
}

/**
 * Applies the service's pending migrations from `folder` (in steps, see above) under a per-schema
 * lock, recording them in its own history table; returns how many were applied.
 */
export async function applyMigrations(db: Db, folder: string, service: Service): Promise<number> {
  const table = migrationsTable(service.name);
  const history = `select count(*) as n from ${qualified(MIGRATIONS_SCHEMA, table)}`;
  // before the first migration the history table does not exist yet
  const count = async () => Number((await db.query<{ n: string }>(history).catch(() => [{ n: '0' }]))[0]?.n ?? 0);
  const before = await count();
  const lockKey = `schemagen migrate ${service.schema}`;
  await inMigrationSteps(folder, (step) =>
    db.migrate({ migrationsFolder: step, migrationsSchema: MIGRATIONS_SCHEMA, migrationsTable: table, lockKey }),
  );
  return (await count()) - before;
}

/** The names phase planning needs, taken from a snapshot instead of a live catalog. */
function catalogOf(snapshot: Snapshot): SchemaNames {
  return {
    tables: Object.values(snapshot.tables).map((t) => ({
      name: t.name,
      columns: Object.keys(t.columns).map((name) => ({ name })),
    })),
    enums: Object.values(snapshot.enums).map((e) => ({ name: e.name })),
  };
}

function commentsOf(service: Service): Comments {
  const out: Comments = {};
  for (const t of service.tables) {
    if (t.comment !== undefined) out[t.name] = t.comment;
    for (const c of t.columns) if (c.comment !== undefined) out[`${t.name}.${c.name}`] = c.comment;
  }
  return out;
}

/** drizzle-kit does not manage comments; migrations carry them as COMMENT statements. */
/** `table.column` of every column the database refreshes on update (`enforce: database`). */
function triggersOf(service: Service): string[] {
  return service.tables.flatMap((t) => t.columns.filter((c) => c.onUpdateTrigger).map((c) => `${t.name}.${c.name}`));
}

/** drizzle-kit knows no triggers; migrations carry ours as statements, like comments. */
function triggerChanges(service: Service, before: readonly string[], after: readonly string[]): string[] {
  const split = (key: string) => key.split('.') as [string, string];
  const added = after.filter((k) => !before.includes(k)).map((k) => triggerDefinition(service.schema, ...split(k)));
  const dropped = before
    .filter((k) => !after.includes(k) && service.tables.some((t) => t.name === split(k)[0]))
    .map(
      (k) =>
        `DROP TRIGGER IF EXISTS ` +
        `${quoteIdent(constraintNames.onUpdateTrigger(...split(k)))} ON ` +
        `${quoteIdent(service.schema)}.${quoteIdent(split(k)[0])}`,
    );
  return [...dropped, ...(added.length > 0 ? [touchFunction(service.schema), ...added] : [])].map((s) => `${s};`);
}

function commentChanges(service: Service, before: Comments, after: Comments): string[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys.flatMap((key) => {
    if (before[key] === after[key]) return [];
    const [table, column] = key.split('.') as [string, string | undefined];
    if (!service.tables.some((t) => t.name === table && (!column || t.columns.some((c) => c.name === column))))
      return [];
    return [`${commentOn(service.schema, table, column, after[key])};`];
  });
}
