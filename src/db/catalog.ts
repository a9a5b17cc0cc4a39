import { ELSEWHERE, ENUMS, SCHEMAS, type CatalogParams, type CatalogStatement } from './catalog-query.js';
import { objectOf, parsedJson, readTables } from './catalog-rows.js';
import type { Queryable } from './connection.js';

/** What one schema holds, read from the catalogs in one snapshot (readCatalogs). */
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
  /** pg_get_constraintdef(): of checks and exclusion constraints, of every constraint when read for import */
  readonly definition: string | null;
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

/** A check's condition: what follows CHECK, less the NOT VALID an online push leaves until it validates. */
export const checkCondition = (k: CatalogConstraint): string =>
  k.definition!.replace(/^CHECK\s*/i, '').replace(/\s+NOT VALID$/i, '');

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
  readonly elsewhere: readonly Found[];
}

/** A table of a looked-for name in another schema. */
export interface Found {
  readonly schema: string;
  readonly table: string;
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

/** Reads one schema. */
export async function readCatalog(
  db: Queryable,
  schema: string,
  lookFor: readonly string[] = [],
  otherServices: readonly string[] = [],
): Promise<CatalogSchema> {
  return (await readCatalogs(db, [{ schema, lookFor, otherServices }])).schemas.get(schema)!;
}

/**
 * Reads several schemas (or every schema but PostgreSQL's own and `drizzle`): one statement per
 * list, sent without waiting for each other, so a database holding many services pays for one read,
 * not one per service. Run it under `Db.readOnly` for one snapshot; inside a push transaction the
 * statements see what the transaction did.
 */
export async function readCatalogs(
  db: Queryable,
  requests: readonly CatalogRequest[] | 'every schema',
  options: { readonly forImport?: boolean } = {},
): Promise<DatabaseCatalog> {
  const asked = requests === 'every schema' ? undefined : requests;
  // Schemas no request looks in, left out by the query already; each request then drops its own.
  const skipped = asked?.map((r) => new Set([r.schema, ...(r.otherServices ?? [])]));
  const skippedByAll = skipped?.length ? [...skipped[0]!].filter((s) => skipped.every((x) => x.has(s))) : [];
  const params: CatalogParams = {
    schemas: asked ? JSON.stringify(asked.map((r) => r.schema)) : null,
    lookFor: JSON.stringify([...new Set(asked?.flatMap((r) => r.lookFor ?? []) ?? [])]),
    skip: JSON.stringify(skippedByAll),
    forImport: options.forImport ?? false,
  };
  const read = <T>(s: CatalogStatement) => db.query<T>(s.text, s.params(params));
  const [tables, present, elsewhere, enums] = await Promise.all([
    readTables(read),
    read<{ name: string }>(SCHEMAS).then((rows) => rows.map((r) => r.name)),
    read<Record<string, unknown>>(ELSEWHERE).then((rows) => rows.map((r) => objectOf<Found>(ELSEWHERE, r))),
    read<Record<string, unknown>>(ENUMS).then((rows) =>
      rows.map((r) => {
        const e = objectOf<CatalogEnum>(ENUMS, r);
        e.values = parsedJson(e.values);
        return e;
      }),
    ),
  ]);
  const schemas = new Map<string, CatalogSchema>();
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
