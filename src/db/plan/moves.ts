import type { Model, Service } from '../../model/types.js';
import type { CatalogSchema } from '../catalog/types.js';
import type { Queryable } from '../connect/queryable.js';
import { qualified, quoteIdent } from '../../shared/sql-quote.js';
import { plural } from '../../shared/plural.js';
import { fromPath, missingSource, undeclaredTables, unmovedSource, type Candidate } from './move-sources.js';
import { functionMoves } from './function-moves.js';
import { partitionMoves, strayPartitions } from './partitions.js';
import { inTransaction, type Step } from './steps.js';

/**
 * Moves and renames run before planning, so drizzle-kit plans against a schema where existing data
 * already sits under the manifest's names: a table declared `from:` another place is moved (`SET
 * SCHEMA`) and renamed, keeping its rows, sequences, indexes, constraints and the foreign keys that
 * point at it; columns, enums and enum values declared `renamedFrom` are renamed; constraints and
 * indexes that match the manifest's in all but name get the manifest's name; enums, functions and
 * sequences no column owns move with the tables of their schema. Each step applies only while its
 * source exists and its target does not, so a declaration that happened does nothing.
 */
export interface Moves {
  readonly steps: readonly Step[];
  /** why the push must stop: a move with both ends present, or with neither (move-sources.ts) */
  readonly refusals: readonly string[];
}

/** A declared move or rename: catalog-only, under a brief ACCESS EXCLUSIVE lock on what it renames. */
export const declared = (kind: 'move table' | 'rename', object: string, sql: string, table?: string): Step =>
  inTransaction(kind, object, sql, table ? 'ACCESS EXCLUSIVE' : 'none', table ? { table } : {}, { declared: true });

const exists = async (tx: Queryable, schema: string, table: string) =>
  (await tx.query<{ ok: boolean }>('select to_regclass($1) is not null as ok', [qualified(schema, table)]))[0]!.ok;

/** Tables moved into the schema or renamed in it (`from:`); needs the live state of each source. */
export async function tableMoves(
  tx: Queryable,
  model: Model,
  service: Service,
  catalog: CatalogSchema,
): Promise<Moves> {
  const steps: Step[] = [];
  const refusals: string[] = [];
  const present = new Set(catalog.tables.map((t) => t.name));
  let undeclared: Promise<Candidate[]> | undefined;
  for (const table of service.tables.filter((t) => t.from)) {
    const from = table.from!;
    if (!(await exists(tx, from.schema, from.table))) {
      // Neither end: a misspelt source would leave its rows behind an empty new table.
      const why = present.has(table.name)
        ? undefined
        : await missingSource(tx, service, table, await (undeclared ??= undeclaredTables(tx, model)));
      if (why) refusals.push(why);
      continue;
    }
    const source = `${from.schema}.${from.table}`;
    if (present.has(table.name)) {
      refusals.push(
        `${service.schema}.${table.name} exists and so does ${source}, which it is ` +
          `declared from: move the rows by hand and drop one of them, or remove the from:`,
      );
      continue;
    }
    const moved = `${service.schema}.${table.name}`;
    const partitions =
      from.schema !== service.schema && table.partitioning
        ? await partitionMoves(tx, from, service.schema, present)
        : { steps: [], refusals: [] };
    refusals.push(...partitions.refusals);
    if (from.schema !== service.schema)
      steps.push(
        declared(
          'move table',
          moved,
          `ALTER TABLE ${qualified(from.schema, from.table)} SET SCHEMA ${quoteIdent(service.schema)}`,
          source,
        ),
      );
    if (from.table !== table.name)
      steps.push(
        declared(
          'move table',
          moved,
          `ALTER TABLE ${qualified(service.schema, from.table)} RENAME TO ${quoteIdent(table.name)}`,
          `${service.schema}.${from.table}`,
        ),
      );
    steps.push(...partitions.steps);
  }
  steps.push(...(await strayPartitions(tx, service, present)));
  // An enum the moved tables use moves with them when it sits in a schema they come from.
  const sources = [
    ...new Set(service.tables.flatMap((t) => (t.from && t.from.schema !== service.schema ? [t.from.schema] : []))),
  ];
  for (const e of service.enums.filter((x) => !catalog.enums.some((live) => live.name === x.name)))
    steps.push(...(await movedWith(tx, sources, service.schema, 'enum', e.renamedFrom ?? e.name)));
  // So do its declared domains, composite types, sequences no column owns and views: the columns,
  // defaults and views using them hold them, not their names.
  const lacking = (declared: readonly { name: string }[], live: readonly { name: string }[]) =>
    declared.filter((x) => !live.some((l) => l.name === x.name)).map((x) => x.name);
  const views = lacking(service.views, catalog.views);
  const materialized = new Set(service.views.filter((v) => v.materialized).map((v) => v.name));
  for (const [kind, names] of [
    ['domain', lacking(service.domains, catalog.domains)],
    ['composite', lacking(service.composites, catalog.composites)],
    ['sequence', lacking(service.sequences, catalog.sequences)],
    ['view', views.filter((v) => !materialized.has(v))],
    ['materialized view', views.filter((v) => materialized.has(v))],
  ] as const)
    for (const name of names) steps.push(...(await movedWith(tx, sources, service.schema, kind, name)));
  const functions = await functionMoves(tx, service, catalog, sources);
  steps.unshift(...functions.moves);
  steps.push(...functions.bodies);
  if (steps.length > 0 && !catalog.exists)
    steps.unshift(
      inTransaction(
        'create schema',
        service.schema,
        `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(service.schema)}`,
        'none',
        {},
      ),
    );
  return { steps, refusals };
}

const typeIn = (where: string) =>
  `select from pg_type t join pg_namespace n on n.oid = t.typnamespace
    where t.typname = $2 and n.nspname = $1 and ${where}`;
const relationIn = (where: string) =>
  `select from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relname = $2 and n.nspname = $1 and ${where}`;

/** How each kind of object moved with the tables is found in a schema, and the ALTER that moves it. */
const MOVED_WITH = {
  enum: { alter: 'TYPE', found: typeIn(`t.typtype = 'e'`) },
  domain: { alter: 'DOMAIN', found: typeIn(`t.typtype = 'd'`) },
  composite: { alter: 'TYPE', found: typeIn(`(select relkind from pg_class where oid = t.typrelid) = 'c'`) },
  view: { alter: 'VIEW', found: relationIn(`c.relkind = 'v'`) },
  'materialized view': { alter: 'MATERIALIZED VIEW', found: relationIn(`c.relkind = 'm'`) },
  // A sequence a column owns (serial, identity) moves with its table already.
  sequence: {
    alter: 'SEQUENCE',
    found: relationIn(`c.relkind = 'S' and not exists (select from pg_depend d
      where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype in ('a', 'i'))`),
  },
} as const;

/** The step moving the object `name` of `kind` into `schema` from the first of `sources` holding it. */
async function movedWith(
  tx: Queryable,
  sources: readonly string[],
  schema: string,
  kind: keyof typeof MOVED_WITH,
  name: string,
): Promise<Step[]> {
  for (const source of sources) {
    if ((await tx.query(MOVED_WITH[kind].found, [source, name])).length === 0) continue;
    const sql = `ALTER ${MOVED_WITH[kind].alter} ${qualified(source, name)} SET SCHEMA ${quoteIdent(schema)}`;
    return [declared('move table', `${schema}.${name}`, sql)];
  }
  return [];
}

/**
 * Declarations that have happened (the source is gone, the target exists): verify says they can go.
 * A `from:` whose source looks misspelt (a similar name still holds rows) never moved: verify says that instead.
 */
export async function appliedDeclarations(
  tx: Queryable,
  model: Model,
  service: Service,
  catalog: CatalogSchema,
): Promise<string[]> {
  const out: string[] = [];
  const at = (table: string) => `services.${service.name}.tables.${table}`;
  let undeclared: Promise<Candidate[]> | undefined;
  for (const table of service.tables) {
    const live = catalog.tables.find((t) => t.name === table.name);
    if (!live) continue;
    if (table.from && !(await exists(tx, table.from.schema, table.from.table))) {
      const unmoved = await unmovedSource(tx, service, table, await (undeclared ??= undeclaredTables(tx, model)));
      out.push(
        unmoved ??
          `${fromPath(service, table)}: ${table.from.schema}.${table.from.table} has moved ` +
            `here; the declaration can be removed`,
      );
    }
    for (const c of table.columns) {
      if (c.renamedFrom && !live.columns.some((x) => x.name === c.renamedFrom))
        out.push(
          `${at(table.name)}.columns.${c.name}.renamedFrom: ${c.renamedFrom} was renamed; ` +
            `the declaration can be removed`,
        );
    }
  }
  for (const e of service.enums) {
    if (e.renamedFrom && !catalog.enums.some((x) => x.name === e.renamedFrom))
      out.push(
        `services.${service.name}.enums.${e.name}.renamedFrom: ${e.renamedFrom} was ` +
          `renamed; the declaration can be removed`,
      );
  }
  return out;
}

const SAME_NAMES_ELSEWHERE = `
select n.nspname as schema, c.relname as table from pg_class c join pg_namespace n on n.oid = c.relnamespace
 where c.relkind in ('r', 'p') and c.relname in (select json_array_elements_text(($1::text)::json))
   and n.nspname not in (select json_array_elements_text(($2::text)::json))
   and not exists (select from json_array_elements_text(($3::text)::json) as p(pattern) where n.nspname like p.pattern)
   and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'
 order by 1, 2`;

/**
 * Tables push is about to create while a table of that name already holds data in public or in a
 * schema no service owns: creating an empty twin would leave the data behind silently.
 */
export async function silentSplits(
  tx: Queryable,
  service: Service,
  catalog: CatalogSchema,
  owned: readonly string[],
  /** LIKE patterns of owned schemas: every per-tenant service's tenants (tenants.ts) */
  ownedLike: readonly string[] = [],
): Promise<string[]> {
  const missing = service.tables.filter((t) => !catalog.tables.some((x) => x.name === t.name)).map((t) => t.name);
  if (missing.length === 0) return [];
  const found = await tx.query<{ schema: string; table: string }>(SAME_NAMES_ELSEWHERE, [
    JSON.stringify(missing),
    JSON.stringify(owned),
    JSON.stringify(ownedLike),
  ]);
  const out: string[] = [];
  for (const { schema, table } of found) {
    const [row] = await tx.query<{ n: string | number }>(`select count(*) as n from ${qualified(schema, table)}`);
    const rows = Number(row?.n ?? 0);
    out.push(
      `would create ${service.schema}.${table} while ${schema}.${table} exists with ` +
        `${plural(rows, 'row')}: ` +
        (`adopt it with from: ${schema}.${table} on the table, or push with ` +
          `--allow-duplicate to create an empty one beside it`),
    );
  }
  return out;
}
