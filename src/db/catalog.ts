import {
  CATALOG_QUERY,
  COLUMN,
  CONSTRAINT,
  ELSEWHERE,
  ENUM,
  INDEX,
  TABLE,
  TRIGGER,
  type RowKind,
} from './catalog-query.js';
import type { Queryable } from './connection.js';

/** What one schema holds, read from the catalogs in a single round trip. */
export interface CatalogColumn {
  readonly name: string;
  /** format_type() spelling, schema-qualified where the search path needs it */
  readonly type: string;
  readonly notNull: boolean;
  readonly default: string | null;
  readonly identity: '' | 'a' | 'd';
  readonly comment: string | null;
  /** the type's own name and schema, and for arrays the element's (the enum behind `role[]`) */
  readonly typeName: string;
  readonly typeSchema: string;
  /** pg_type.typtype of the scalar type: b base, e enum, d domain, c composite, r range, m multirange */
  readonly typeKind: string;
  readonly generated: boolean;
  /** the column owns the sequence its default draws from (serial) */
  readonly ownsSequence: boolean;
}

export interface CatalogConstraint {
  readonly name: string;
  /** p primary, u unique, f foreign, c check, x exclusion */
  readonly type: 'p' | 'u' | 'f' | 'c' | 'x';
  readonly columns: readonly string[];
  readonly definition: string;
  readonly deferrable: boolean;
  readonly refSchema: string | null;
  readonly refTable: string | null;
  readonly refColumns: readonly string[] | null;
  /** a no action, r restrict, c cascade, n set null, d set default */
  readonly onDelete: string | null;
  readonly onUpdate: string | null;
  /** false for a constraint added NOT VALID whose validation has not run */
  readonly validated: boolean;
}

export interface CatalogIndex {
  readonly name: string;
  readonly unique: boolean;
  readonly method: string;
  /** column names; an expression stands as its text */
  readonly columns: readonly string[];
  /** some key column is an expression */
  readonly hasExpression: boolean;
  readonly predicate: string | null;
  /** false when a concurrent build failed or was interrupted: the index is not used */
  readonly valid: boolean;
  /** DESC, NULLS FIRST, INCLUDE columns or a non-default operator class */
  readonly special: boolean;
  /** pg_get_indexdef(), the whole CREATE INDEX statement: read for import only, null otherwise */
  readonly definition: string | null;
}

export interface CatalogTable {
  readonly schema: string;
  readonly name: string;
  /** a partitioned parent */
  readonly partitioned: boolean;
  /** a partition of another table */
  readonly partition: boolean;
  readonly comment: string | null;
  readonly columns: readonly CatalogColumn[];
  readonly constraints: readonly CatalogConstraint[];
  /** indexes that do not back a constraint */
  readonly indexes: readonly CatalogIndex[];
  readonly triggers: readonly { readonly name: string; readonly definition: string }[];
}

export interface CatalogEnum {
  readonly schema: string;
  readonly name: string;
  readonly values: readonly string[];
}

export interface CatalogSchema {
  readonly exists: boolean;
  readonly tables: readonly CatalogTable[];
  readonly enums: readonly CatalogEnum[];
  /**
   * tables with one of `lookFor`'s names in other non-system schemas not owned by another service:
   * where misrouted tables land
   */
  readonly elsewhere: readonly { readonly schema: string; readonly table: string }[];
}

/** A schema to read; `lookFor` and `otherServices` are for `elsewhere` (see CatalogSchema). */
export interface CatalogRequest {
  readonly schema: string;
  readonly lookFor?: readonly string[];
  /** schemas of the other services, whose own verify reports tables that do not belong there */
  readonly otherServices?: readonly string[];
}

export interface DatabaseCatalog {
  /** by schema: every schema asked for (`exists: false` when it is not there), in name order */
  readonly schemas: ReadonlyMap<string, CatalogSchema>;
  /** the enums of every schema but the system ones: a column's type may live in a schema not read */
  readonly enums: readonly CatalogEnum[];
}

/** Reads one schema: one query, one snapshot. */
export async function readCatalog(
  db: Queryable,
  schema: string,
  lookFor: readonly string[] = [],
  otherServices: readonly string[] = [],
): Promise<CatalogSchema> {
  return (await readCatalogs(db, [{ schema, lookFor, otherServices }])).schemas.get(schema)!;
}

/**
 * Reads several schemas (or every schema but PostgreSQL's own and `drizzle`) in one query: a
 * database holding many services pays for one read, not one per service.
 */
export async function readCatalogs(
  db: Queryable,
  requests: readonly CatalogRequest[] | 'every schema',
  options: { readonly indexDefinitions?: boolean } = {},
): Promise<DatabaseCatalog> {
  const asked = requests === 'every schema' ? undefined : requests;
  const lookFor = [...new Set(asked?.flatMap((r) => r.lookFor ?? []) ?? [])];
  // Schemas no request looks in, left out by the query already; each request then drops its own.
  const skipped = asked?.map((r) => new Set([r.schema, ...(r.otherServices ?? [])]));
  const skippedByAll = skipped?.length ? [...skipped[0]!].filter((s) => skipped.every((x) => x.has(s))) : [];
  const [raw] = await db.query<Record<string, unknown>>(CATALOG_QUERY, [
    asked ? JSON.stringify(asked.map((r) => r.schema)) : null,
    JSON.stringify(lookFor),
    JSON.stringify(skippedByAll),
    options.indexDefinitions ?? false,
  ]);
  const got = (key: string) => {
    const value = raw![key];
    return (typeof value === 'string' ? JSON.parse(value) : value) as Row[];
  };
  const tables = assembleTables(got);
  const elsewhere = got('elsewhere').map((row) => objectOf<{ schema: string; table: string }>(ELSEWHERE, row));
  const enums = got('enums').map((row) => objectOf<CatalogEnum>(ENUM, row));
  const schemas = new Map<string, CatalogSchema>();
  const present = got('schemas') as unknown as string[];
  const names = [...present, ...(asked ?? []).map((r) => r.schema).filter((s) => !present.includes(s))];
  for (const schema of names) {
    const request = asked?.find((r) => r.schema === schema);
    const skip = new Set([schema, ...(request?.otherServices ?? [])]);
    schemas.set(schema, {
      exists: present.includes(schema),
      tables: tables.get(schema) ?? [],
      enums: enums.filter((e) => e.schema === schema),
      elsewhere: elsewhere.filter((e) => request?.lookFor?.includes(e.table) && !skip.has(e.schema)),
    });
  }
  return { schemas, enums };
}

/** A row's fields after its links, as an object (see RowKind). */
function objectOf<T>(kind: RowKind, row: readonly unknown[]): T {
  const out: Record<string, unknown> = {};
  for (let i = kind.links; i < kind.keys.length; i++) out[kind.keys[i]!] = row[i];
  return out as T;
}

type Row = readonly unknown[];
type Mutable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer E)[] ? E[] : T[K] };

/** Tables by schema, each with its columns, constraints, indexes and triggers, in the query's order. */
function assembleTables(got: (key: string) => Row[]): Map<string, CatalogTable[]> {
  const byOid = new Map<number, Mutable<CatalogTable>>();
  const bySchema = new Map<string, CatalogTable[]>();
  for (const row of got('tables')) {
    const table = objectOf<Mutable<CatalogTable>>(TABLE, row);
    Object.assign(table, { columns: [], constraints: [], indexes: [], triggers: [] });
    byOid.set(row[0] as number, table);
    if (!bySchema.has(table.schema)) bySchema.set(table.schema, []);
    bySchema.get(table.schema)!.push(table);
  }
  const owned = new Set(got('owned_sequences').map(([table, column]) => `${table}.${column}`));
  const columnNames = new Map<number, Map<number, string>>();
  for (const row of got('columns')) {
    const [table, number] = row as [number, number];
    const column = objectOf<Mutable<CatalogColumn>>(COLUMN, row);
    column.ownsSequence = column.identity === '' && owned.has(`${table}.${number}`);
    byOid.get(table)!.columns.push(column);
    if (!columnNames.has(table)) columnNames.set(table, new Map());
    columnNames.get(table)!.set(number, column.name);
  }
  const nameOf = (table: number, n: number) => columnNames.get(table)?.get(n);
  for (const row of got('constraints')) {
    const [table, numbers, refTable, refNumbers] = row as [number, number[] | null, number, number[] | null];
    const k = objectOf<Mutable<CatalogConstraint>>(CONSTRAINT, row);
    k.columns = (numbers ?? []).flatMap((n) => nameOf(table, n) ?? []);
    if (k.type === 'f' && k.refColumns === null) k.refColumns = refNumbers!.map((n) => nameOf(refTable, n)!);
    byOid.get(table)!.constraints.push(k);
  }
  for (const row of got('indexes')) {
    const [table, numbers, expressions] = row as [number, number[], string[] | null];
    const ix = objectOf<Mutable<CatalogIndex>>(INDEX, row);
    ix.columns = numbers.map((n, i) => (n === 0 ? expressions![i]! : nameOf(table, n)!));
    ix.hasExpression = expressions !== null;
    byOid.get(table)!.indexes.push(ix);
  }
  for (const row of got('triggers')) byOid.get(row[0] as number)!.triggers.push(objectOf(TRIGGER, row));
  return bySchema;
}
