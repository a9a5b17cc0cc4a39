import type { Queryable } from './connection.js';

/** What one schema holds, read from the catalogs in a single round trip. */
export interface CatalogColumn {
  readonly name: string;
  readonly type: string;
  readonly notNull: boolean;
  readonly default: string | null;
  readonly identity: '' | 'a' | 'd';
  readonly comment: string | null;
}

export interface CatalogConstraint {
  readonly name: string;
  /** p primary, u unique, f foreign, c check */
  readonly type: 'p' | 'u' | 'f' | 'c';
  readonly columns: readonly string[];
  readonly definition: string;
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
  readonly columns: readonly string[];
  readonly predicate: string | null;
  /** false when a concurrent build failed or was interrupted: the index is not used */
  readonly valid: boolean;
}

export interface CatalogTable {
  readonly name: string;
  readonly comment: string | null;
  readonly columns: readonly CatalogColumn[];
  readonly constraints: readonly CatalogConstraint[];
  /** indexes that do not back a constraint */
  readonly indexes: readonly CatalogIndex[];
  readonly triggers: readonly { readonly name: string; readonly definition: string }[];
}

export interface CatalogSchema {
  readonly exists: boolean;
  readonly tables: readonly CatalogTable[];
  readonly enums: readonly { readonly name: string; readonly values: readonly string[] }[];
  /** tables with one of `lookFor`'s names in other non-system schemas not owned by another service: where misrouted tables land */
  readonly elsewhere: readonly { readonly schema: string; readonly table: string }[];
}

const INTROSPECT = `
with s as (select oid from pg_namespace where nspname = $1),
rel as (select c.oid, c.relname from pg_class c join s on c.relnamespace = s.oid where c.relkind in ('r', 'p'))
select json_build_object(
  'exists', exists(select 1 from s),
  'tables', coalesce((select json_agg(json_build_object(
    'name', rel.relname,
    'comment', obj_description(rel.oid, 'pg_class'),
    'columns', coalesce((select json_agg(json_build_object(
        'name', a.attname, 'type', format_type(a.atttypid, a.atttypmod), 'notNull', a.attnotnull,
        'default', pg_get_expr(d.adbin, d.adrelid), 'identity', a.attidentity::text,
        'comment', col_description(rel.oid, a.attnum)) order by a.attnum)
      from pg_attribute a left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
      where a.attrelid = rel.oid and a.attnum > 0 and not a.attisdropped), '[]'),
    'constraints', coalesce((select json_agg(json_build_object(
        'name', k.conname, 'type', k.contype::text, 'definition', pg_get_constraintdef(k.oid, true),
        'columns', (select coalesce(json_agg(a.attname order by u.ord), '[]') from unnest(k.conkey) with ordinality u(n, ord)
                    join pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.n),
        'refSchema', (select n.nspname from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.oid = k.confrelid),
        'refTable', (select c.relname from pg_class c where c.oid = k.confrelid),
        'refColumns', (select json_agg(a.attname order by u.ord) from unnest(k.confkey) with ordinality u(n, ord)
                       join pg_attribute a on a.attrelid = k.confrelid and a.attnum = u.n),
        'onDelete', nullif(k.confdeltype::text, ' '), 'onUpdate', nullif(k.confupdtype::text, ' '), 'validated', k.convalidated) order by k.conname)
      from pg_constraint k where k.conrelid = rel.oid and k.contype in ('p', 'u', 'f', 'c')), '[]'),
    'indexes', coalesce((select json_agg(json_build_object(
        'name', ic.relname, 'unique', i.indisunique, 'method', am.amname,
        'columns', (select coalesce(json_agg(coalesce(a.attname, pg_get_indexdef(i.indexrelid, u.ord::int, true)) order by u.ord), '[]')
                    from unnest(i.indkey) with ordinality u(n, ord) left join pg_attribute a on a.attrelid = i.indrelid and a.attnum = u.n),
        'predicate', pg_get_expr(i.indpred, i.indrelid), 'valid', i.indisvalid) order by ic.relname)
      from pg_index i join pg_class ic on ic.oid = i.indexrelid join pg_am am on am.oid = ic.relam
      where i.indrelid = rel.oid and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid and k.conrelid = rel.oid)), '[]'),
    'triggers', coalesce((select json_agg(json_build_object('name', tg.tgname, 'definition', pg_get_triggerdef(tg.oid)) order by tg.tgname)
      from pg_trigger tg where tg.tgrelid = rel.oid and not tg.tgisinternal), '[]')
  ) order by rel.relname) from rel), '[]'),
  'enums', coalesce((select json_agg(json_build_object('name', t.typname,
      'values', (select json_agg(e.enumlabel order by e.enumsortorder) from pg_enum e where e.enumtypid = t.oid)) order by t.typname)
    from pg_type t join s on t.typnamespace = s.oid where t.typtype = 'e'), '[]'),
  'elsewhere', coalesce((select json_agg(json_build_object('schema', n.nspname, 'table', c.relname) order by n.nspname, c.relname)
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r', 'p') and c.relname in (select json_array_elements_text(($2::text)::json)) and n.nspname <> $1
      and n.nspname not in (select json_array_elements_text(($3::text)::json))
      and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'), '[]')
) as catalog`;

/**
 * `lookFor`: table names to search for in other schemas; `otherServices`: schemas of the other
 * services, whose own verify reports tables that do not belong there.
 */
export async function readCatalog(
  db: Queryable,
  schema: string,
  lookFor: readonly string[] = [],
  otherServices: readonly string[] = [],
): Promise<CatalogSchema> {
  const rows = await db.query<{ catalog: CatalogSchema | string }>(INTROSPECT, [
    schema,
    JSON.stringify(lookFor),
    JSON.stringify(otherServices),
  ]);
  const raw = rows[0]!.catalog;
  return typeof raw === 'string' ? (JSON.parse(raw) as CatalogSchema) : raw;
}
