import { readCatalogs } from '../db/catalog/read.js';
import type {
  CatalogComposite,
  CatalogDomain,
  CatalogEnum,
  CatalogFunction,
  CatalogSequence,
  CatalogTable,
  CatalogView,
} from '../db/catalog/types.js';
import type { Db, Queryable } from '../db/connect/queryable.js';
import { qualified } from '../shared/sql-quote.js';

/**
 * Everything import reads from a live database: the catalog push and verify read too (db/catalog.ts,
 * with each index's definition for the report), plus the objects the manifest cannot express, so
 * the report can name each of them.
 */
export interface LiveDatabase {
  /** tables in name order, partitions left out (their parents declare them, or they are listed among `others`) */
  readonly tables: readonly CatalogTable[];
  /** the partitions, for their parents */
  readonly partitions: readonly CatalogTable[];
  /** the enums of every non-system schema: a column's type may live in a schema not imported */
  readonly enums: readonly CatalogEnum[];
  /** the domains and composite types of the schemas read */
  readonly domains: readonly CatalogDomain[];
  readonly composites: readonly CatalogComposite[];
  readonly others: readonly LiveOther[];
  /** the views and materialized views of the schemas read */
  readonly views: readonly CatalogView[];
  /** the functions and procedures of the schemas read */
  readonly functions: readonly CatalogFunction[];
  /** the extensions of the database, plpgsql aside */
  readonly extensions: readonly string[];
  /** the sequences no column owns, of the schemas read */
  readonly sequences: readonly CatalogSequence[];
}

/** An object outside what the manifest expresses: kind and full name. */
export interface LiveOther {
  readonly kind: string;
  readonly name: string;
}

/** Reads the chosen schemas (all non-system ones when `schemas` is undefined). */
export async function readLiveDatabase(db: Db, schemas?: readonly string[]): Promise<LiveDatabase> {
  const requests = schemas ? schemas.map((schema) => ({ schema })) : 'every schema';
  const catalog = await db.readOnly((q) => readCatalogs(q, requests, { forImport: true, unmanaged: true }));
  const read = [...catalog.schemas.values()];
  const others = read
    .flatMap((s) => s.unmanaged ?? [])
    .map((u) => ({ kind: u.kind, name: `${u.schema}.${u.name}` }))
    .sort((a, b) => (a.kind === b.kind ? (a.name < b.name ? -1 : 1) : a.kind < b.kind ? -1 : 1));
  const all = read.flatMap((s) => s.tables);
  const tables = all.filter((t) => !t.partition);
  const views = read.flatMap((s) => s.views);
  const domains = read.flatMap((s) => s.domains);
  const functions = read.flatMap((s) => s.functions);
  const composites = read.flatMap((s) => s.composites);
  return {
    tables,
    partitions: all.filter((t) => t.partition),
    enums: catalog.enums,
    domains,
    composites,
    others,
    views,
    functions,
    extensions: catalog.extensions,
    sequences: read.flatMap((s) => s.sequences),
  };
}

/**
 * The queries of `views` (by `schema.name`) as the server prints them with every name qualified (an
 * empty search path): a view moving with its tables is written naming where they go, which a name
 * printed bare (of `public`, on the search path) cannot say.
 */
export async function qualifiedDefinitions(db: Db, views: readonly CatalogView[]): Promise<Map<string, string>> {
  if (views.length === 0) return new Map();
  const rows = await db.transaction(async (tx) => {
    await tx.query(`select set_config('search_path', '', true)`);
    return tx.query<{ name: string; definition: string }>(
      `select format('%s.%s', n.nspname, c.relname) as "name", pg_get_viewdef(c.oid, true) as "definition"
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('v', 'm')
          and format('%s.%s', n.nspname, c.relname) in (select json_array_elements_text(($1::text)::json))`,
      [JSON.stringify(views.map((v) => `${v.schema}.${v.name}`))],
    );
  });
  return new Map(rows.map((r) => [r.name, r.definition]));
}

/**
 * The grants on the sequences of `schemas` (owned by a column or not) to roles other than their
 * owner (PUBLIC as `public`), one per sequence and role: the manifest has no form for them, so
 * import names them.
 */
export async function sequenceGrants(
  db: Queryable,
  schemas: readonly string[],
): Promise<{ readonly sequence: string; readonly role: string }[]> {
  if (schemas.length === 0) return [];
  return db.query(
    `select distinct format('%s.%s', n.nspname, c.relname) as "sequence", coalesce(r.rolname, 'public') as "role"
       from pg_class c join pg_namespace n on n.oid = c.relnamespace cross join lateral aclexplode(c.relacl) a
       left join pg_roles r on r.oid = a.grantee
      where c.relkind = 'S' and a.grantee <> c.relowner
        and n.nspname in (select json_array_elements_text(($1::text)::json))
      order by 1, 2`,
    [JSON.stringify(schemas)],
  );
}

/** Exact row counts of the given tables, in one query. */
export async function countRows(
  db: Queryable,
  tables: readonly { schema: string; name: string }[],
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (tables.length === 0) return out;
  const parts = tables.map((t, i) => `select ${i} as i, count(*)::int as n from ${qualified(t.schema, t.name)}`);
  for (const row of await db.query<{ i: number; n: number }>(parts.join(' union all '))) {
    const t = tables[row.i]!;
    out.set(`${t.schema}.${t.name}`, row.n);
  }
  return out;
}
