import { TABLE_PRIVILEGES } from '../../manifest/schema.js';
import type {
  CatalogColumn,
  CatalogConstraint,
  CatalogGrant,
  CatalogIndex,
  CatalogPolicy,
  CatalogTable,
  CatalogTrigger,
} from './types.js';
import {
  COLUMNS,
  CONSTRAINTS,
  GRANTS,
  INDEXES,
  OWNED_SEQUENCES,
  IDENTITY_SEQUENCES,
  TABLES,
  TRIGGERS,
  POLICIES,
  TYPES,
  type CatalogStatement,
} from './query.js';

/** A table's privileges in the order GRANT's documentation lists them (MAINTAIN from PostgreSQL 17). */
const PRIVILEGES: readonly string[] = [...TABLE_PRIVILEGES, 'maintain'];

export const inPrivilegeOrder = (privileges: string[]) =>
  privileges.sort((a, b) => PRIVILEGES.indexOf(a) - PRIVILEGES.indexOf(b));

/** Sends one catalog statement with the read's parameters. */
export type Read = <T>(s: CatalogStatement) => Promise<T[]>;

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer E)[] ? E[] : T[K] };

/** A JSON field arrives parsed from the driver, as text from some PGlite paths. */
export const parsedJson = <T>(value: T | string): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);

/**
 * A row's fields past its links, as a new object: built key by key in one order, so every object of
 * a list shares one shape (a spread of the driver's row would copy its links and cost more).
 */
export function objectOf<T>(s: CatalogStatement, row: Record<string, unknown>): Mutable<T> {
  const out: Record<string, unknown> = {};
  for (const key of s.keys) out[key] = row[key];
  return out as Mutable<T>;
}

/** The links of every list (catalog-query.ts), each row holding its own. */
type Row = Record<string, unknown> & {
  oid: number;
  table: number;
  number: number;
  typeOid: number;
  column: number;
  columnNumbers: number[] | null;
  refTableOid: number;
  refNumbers: number[] | null;
  expressions: string[] | string | null;
};

interface Placed {
  readonly byOid: ReadonlyMap<number, Mutable<CatalogTable>>;
  readonly bySchema: Map<string, CatalogTable[]>;
}

/**
 * The tables of the schemas read, by schema, each with its columns (in number order), constraints,
 * indexes and triggers. Each list goes into the tables as soon as it and those it refers to have
 * arrived: the largest, columns, while the server is still reading the rest.
 */
export async function readTables(read: Read): Promise<Map<string, CatalogTable[]>> {
  // Sent in this order: over two connections (Db.readOnly) each takes the next when it is free.
  const tableRows = read<Row>(TABLES);
  const typeRows = read<Row>(TYPES);
  const ownedRows = read<Row>(OWNED_SEQUENCES);
  const identityRows = read<Row>(IDENTITY_SEQUENCES);
  const columnRows = read<Row>(COLUMNS);
  const indexRows = read<Row>(INDEXES);
  const constraintRows = read<Row>(CONSTRAINTS);
  const triggerRows = read<Row>(TRIGGERS);
  const policyRows = read<Row>(POLICIES);
  const grantRows = read<Row>(GRANTS);
  const tables = tableRows.then(placeTables);
  const nameOf = Promise.all([tables, columnRows, typeRows, ownedRows, identityRows]).then(([t, ...rows]) =>
    placeColumns(t, ...rows),
  );
  await Promise.all([
    Promise.all([tables, nameOf, constraintRows]).then(([t, names, rows]) => placeConstraints(t, names, rows)),
    Promise.all([tables, nameOf, indexRows]).then(([t, names, rows]) => placeIndexes(t, names, rows)),
    Promise.all([tables, triggerRows]).then(([t, rows]) => {
      for (const row of rows) {
        const trigger = objectOf<CatalogTrigger>(TRIGGERS, row);
        t.byOid
          .get(row.table)!
          .triggers.push({ ...trigger, columns: parsedJson<readonly string[]>(trigger.columns as unknown as string) });
      }
    }),
    Promise.all([tables, policyRows]).then(([t, rows]) => {
      for (const row of rows) {
        const policy = objectOf<CatalogPolicy>(POLICIES, row);
        t.byOid
          .get(row.table)!
          .policies.push({ ...policy, to: parsedJson<readonly string[]>(policy.to as unknown as string) });
      }
    }),
    Promise.all([tables, grantRows]).then(([t, rows]) => {
      for (const row of rows) {
        const grant = objectOf<CatalogGrant>(GRANTS, row);
        grant.privileges = inPrivilegeOrder(parsedJson(grant.privileges));
        t.byOid.get(row.table)!.grants.push(grant);
      }
    }),
  ]);
  return (await tables).bySchema;
}

function placeTables(rows: readonly Row[]): Placed {
  const byOid = new Map<number, Mutable<CatalogTable>>();
  const bySchema = new Map<string, CatalogTable[]>();
  for (const row of rows) {
    const table = objectOf<CatalogTable>(TABLES, row);
    Object.assign(table, { columns: [], constraints: [], indexes: [], triggers: [], policies: [], grants: [] });
    byOid.set(row.oid, table);
    if (!bySchema.has(table.schema)) bySchema.set(table.schema, []);
    bySchema.get(table.schema)!.push(table);
  }
  return { byOid, bySchema };
}

type NameOf = (table: number, n: number) => string | undefined;

/** Places the columns; returns the name of a column by table and number. */
function placeColumns(
  t: Placed,
  rows: readonly Row[],
  types: readonly Row[],
  owned: readonly Row[],
  identities: readonly Row[],
): NameOf {
  const typeOf = new Map(
    types.map((type) => [type.oid, type as unknown as { name: string; schema: string; kind: string }]),
  );
  // A column as one number (oid × 2048 + attnum; attnum stays below 1,600), so lookups hash no string.
  const columnKey = (table: number, n: number) => table * 2048 + n;
  const ownedSequence = new Map(owned.map((o) => [columnKey(o.table, o.column), o.sequence as string] as const));
  const identitySequence = new Map(
    identities.map(({ table, column, ...sequence }) => [columnKey(table, column), sequence] as const),
  );
  // Each table's columns at their numbers: rows come unordered (sorting them on the server costs more).
  const numbered = new Map<number, CatalogColumn[]>();
  for (const row of rows) {
    const column = objectOf<CatalogColumn>(COLUMNS, row);
    // TYPES leaves out the row types of tables (catalog-query.ts): a column of one is a composite.
    const type = typeOf.get(row.typeOid) ?? { name: column.type, schema: '', kind: 'c' };
    column.typeName = type.name;
    column.typeSchema = type.schema;
    column.typeKind = type.kind;
    column.ownedSequence =
      column.identity === '' ? (ownedSequence.get(columnKey(row.table, row.number)) ?? null) : null;
    const identity = column.identity === '' ? undefined : identitySequence.get(columnKey(row.table, row.number));
    if (identity) column.identitySequence = identity as unknown as CatalogColumn['identitySequence'];
    let slots = numbered.get(row.table);
    if (!slots) numbered.set(row.table, (slots = []));
    slots[row.number] = column;
  }
  for (const [oid, slots] of numbered) t.byOid.get(oid)!.columns = slots.filter((c) => c !== undefined);
  return (table, n) => numbered.get(table)?.[n]?.name;
}

function placeConstraints(t: Placed, nameOf: NameOf, rows: readonly Row[]): void {
  for (const row of rows) {
    const k = objectOf<CatalogConstraint>(CONSTRAINTS, row);
    k.columns = (row.columnNumbers ?? []).flatMap((n) => nameOf(row.table, n) ?? []);
    // Only keys into tables outside the read bring their referenced names (catalog-query.ts).
    k.refColumns =
      k.type === 'f' && k.refColumns === null
        ? row.refNumbers!.map((n) => nameOf(row.refTableOid, n)!)
        : parsedJson(k.refColumns);
    t.byOid.get(row.table)!.constraints.push(k);
  }
}

function placeIndexes(t: Placed, nameOf: NameOf, rows: readonly Row[]): void {
  for (const row of rows) {
    const ix = objectOf<CatalogIndex>(INDEXES, row);
    const texts = parsedJson(row.expressions) as string[] | null;
    ix.keys = row.columnNumbers!.map((n, i) => (n === 0 ? { sql: texts![i]! } : { column: nameOf(row.table, n)! }));
    ix.columns = ix.keys.map((k) => ('column' in k ? k.column : k.sql));
    t.byOid.get(row.table)!.indexes.push(ix);
  }
}
