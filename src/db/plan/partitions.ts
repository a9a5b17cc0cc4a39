import type { Index, Partition, Service, Table } from '../../model/types.js';
import { plural } from '../../shared/plural.js';
import { qualified, quoteIdent } from '../../shared/sql-quote.js';
import type { CatalogTable } from '../catalog/types.js';
import type { Queryable } from '../connect/queryable.js';
import type { TableFacts } from './facts.js';
import { constraintNames } from '../../shared/conventions.js';
import { createIndex } from './ddl.js';
import { helperName, placeOf, type On } from './online.js';
import { inTransaction, online, type Step } from './steps.js';

/**
 * The steps of partitioned tables (docs/push.md, Partitioned tables). A declared partition is
 * created with its table, or attached to a live one; an index of a live partitioned table is built
 * partition by partition without holding writes; a partition the manifest does not declare is never
 * touched. What push cannot do in place (another key, other bounds) is refused with the reason.
 */

/** `CREATE TABLE … PARTITION OF …`: for a parent created in the same push, or one holding no rows (a brief lock). */
export function createPartition(on: On, partition: Partition, defaultPartition?: string): Step {
  const sql = `CREATE TABLE ${qualified(on.schema, partition.name)} PARTITION OF ${parent(on)} ${partition.bound}`;
  return inTransaction(
    'create partition',
    `${on.schema}.${partition.name}`,
    sql,
    on.exists ? 'ACCESS EXCLUSIVE' : 'none',
    placeOf(on),
    {
      scans: defaultPartition !== undefined,
      ...(defaultPartition && on.busy && { hazard: defaultScan(on, defaultPartition) }),
    },
  );
}

/**
 * A partition added to a live parent holding rows: an empty table of the parent's columns, attached
 * under SHARE UPDATE EXCLUSIVE, which lets reads and writes of the parent go on (CREATE … PARTITION
 * OF would hold ACCESS EXCLUSIVE on it). Attaching builds the parent's indexes and foreign keys on
 * the new, empty table.
 */
export function attachPartition(on: On, partition: Partition, defaultPartition?: string): Step[] {
  const object = `${on.schema}.${partition.name}`;
  const table = qualified(on.schema, partition.name);
  return [
    inTransaction(
      'create table',
      object,
      `CREATE TABLE ${table} (LIKE ${parent(on)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED)`,
      'none',
      {},
    ),
    inTransaction(
      'attach partition',
      object,
      `ALTER TABLE ${parent(on)} ATTACH PARTITION ${table} ${partition.bound}`,
      'SHARE UPDATE EXCLUSIVE',
      placeOf(on),
      { scans: defaultPartition !== undefined, ...(defaultPartition && { hazard: defaultScan(on, defaultPartition) }) },
    ),
  ];
}

/**
 * An index of a live partitioned table holding rows: made on the parent alone (invalid until every
 * partition has its own), each partition's built CONCURRENTLY after the commit, then attached; the
 * parent's index turns valid with the last one.
 */
export function partitionedIndex(on: On, ix: Index, partitions: readonly CatalogTable[]): Step[] {
  const object = `${on.schema}.${on.table}.${ix.name}`;
  const onOnly = createIndex(on.schema, on.table, ix).replace(` ON ${parent(on)}`, ` ON ONLY ${parent(on)}`);
  const steps: Step[] = [inTransaction('create index', object, onOnly, 'SHARE', placeOf(on))];
  for (const p of partitions) {
    // The name PostgreSQL gives the index of a partition when it builds the parent's itself.
    const name = helperName(p.name, constraintNames.index('', ix.keys));
    const where = { table: `${on.schema}.${p.name}` };
    steps.push(
      online(
        'create index',
        `${on.schema}.${p.name}.${name}`,
        createIndex(on.schema, p.name, { ...ix, name }, { concurrently: true }),
        'SHARE UPDATE EXCLUSIVE',
        where,
        { scans: true, undo: `DROP INDEX CONCURRENTLY IF EXISTS ${qualified(on.schema, name)}` },
      ),
      online(
        'attach index',
        `${on.schema}.${p.name}.${name}`,
        `ALTER INDEX ${qualified(on.schema, ix.name)} ATTACH PARTITION ${qualified(on.schema, name)}`,
        'SHARE UPDATE EXCLUSIVE',
        where,
      ),
    );
  }
  return steps;
}

/** The live partitions of `table` in `schema`, whether the manifest declares them or not. */
export const partitionsOf = (schema: string, table: string, tables: readonly CatalogTable[]): CatalogTable[] =>
  tables.filter((t) => t.partition && t.parentSchema === schema && t.parentName === table);

/**
 * A table partitioned otherwise than declared: PostgreSQL cannot change a table's partitioning, and
 * push does not copy rows into a new table (nor drops an empty one to make it again: it may be
 * referenced, and is somebody's table).
 */
export function keyRefusal(schema: string, table: Table, live: string | null, facts?: TableFacts): string {
  const what = `${schema}.${table.name}`;
  const is = live === null ? 'is not partitioned' : `is partitioned by ${live}`;
  const want = table.partitioning ? 'partitioned as the manifest declares' : 'a plain table';
  if (facts && !facts.populated)
    return (
      `${what} ${is} and holds no rows: PostgreSQL cannot make a table ${want} in place; drop it ` +
      `(DROP TABLE ${qualified(schema, table.name)}) and push again to create it as declared`
    );
  const held = facts?.rows === undefined ? 'holds rows' : `holds about ${plural(facts.rows, 'row')}`;
  return (
    `${what} ${is} and ${held}: making it ${want} needs a new table and the rows copied over, which push ` +
    'does not do; create the new table beside it, copy the rows, swap the names, or keep its partitioning in the ' +
    'manifest'
  );
}

/** A declared partition with other bounds, or not attached to its table: push moves no rows between partitions. */
export function boundRefusal(schema: string, table: Table, partition: Partition, live: string | null): string {
  const what = `partition ${schema}.${partition.name} of ${schema}.${table.name}`;
  return live === null
    ? `${what} exists but is not attached to it: attach it by hand (ALTER TABLE … ATTACH PARTITION), or rename it`
    : `${what} has bounds ${live}; expected ${partition.bound}: push moves no rows between partitions; ` +
        'detach it and attach it again with the new bounds by hand, or declare the bounds it has';
}

const parent = (on: On) => qualified(on.schema, on.table);

const defaultScan = (on: On, name: string) =>
  `scans the default partition ${on.schema}.${name} for rows of the new bounds under ACCESS EXCLUSIVE: ` +
  `its reads and writes wait until it ends`;

const PARTITIONS_ELSEWHERE = `
select n.nspname as schema, c.relname as name, pc.relname as parent from pg_inherits i
  join pg_class pc on pc.oid = i.inhparent join pg_namespace pn on pn.oid = pc.relnamespace
  join pg_class c on c.oid = i.inhrelid join pg_namespace n on n.oid = c.relnamespace
 where pn.nspname = $1 and n.nspname <> $1 and c.relispartition order by 1, 2`;

/**
 * Declared partitions of the service's tables that sit in another schema (a table moved by a
 * version of push that left its partitions behind): moved into the service's schema, where the
 * manifest declares them. Read only for a service that declares partitions.
 */
export async function strayPartitions(tx: Queryable, service: Service, present: ReadonlySet<string>): Promise<Step[]> {
  const declared = new Map(
    service.tables.flatMap((t) => t.partitioning?.partitions.map((p) => [p.name, t.name] as const) ?? []),
  );
  if (declared.size === 0) return [];
  const rows = await tx.query<{ schema: string; name: string; parent: string }>(PARTITIONS_ELSEWHERE, [service.schema]);
  return rows
    .filter((r) => declared.get(r.name) === r.parent && !present.has(r.name))
    .map((r) => moveStep(r.schema, r.name, service.schema));
}

const moveStep = (from: string, name: string, schema: string): Step =>
  inTransaction(
    'move table',
    `${schema}.${name}`,
    `ALTER TABLE ${qualified(from, name)} SET SCHEMA ${quoteIdent(schema)}`,
    'ACCESS EXCLUSIVE',
    { table: `${from}.${name}` },
    { declared: true },
  );

const PARTITIONS_IN = `
select c.relname as name from pg_partition_tree(to_regclass($1)) t join pg_class c on c.oid = t.relid
  join pg_namespace n on n.oid = c.relnamespace
 where t.level > 0 and n.nspname = $2 order by t.level, c.relname`;

/**
 * A partitioned table moved into the service's schema takes its partitions (and theirs) along from
 * the schema it comes from: SET SCHEMA moves one table only. Refused when a name is taken there.
 */
export async function partitionMoves(
  tx: Queryable,
  from: { readonly schema: string; readonly table: string },
  schema: string,
  present: ReadonlySet<string>,
): Promise<{ steps: Step[]; refusals: string[] }> {
  const rows = await tx.query<{ name: string }>(PARTITIONS_IN, [qualified(from.schema, from.table), from.schema]);
  const taken = rows.filter((r) => present.has(r.name));
  if (taken.length > 0)
    return {
      steps: [],
      refusals: taken.map(
        (r) =>
          `${from.schema}.${r.name}, a partition of ${from.schema}.${from.table}, moves with it into ${schema}, ` +
          `where ${schema}.${r.name} exists: rename one of them by hand`,
      ),
    };
  return { steps: rows.map((r) => moveStep(from.schema, r.name, schema)), refusals: [] };
}
