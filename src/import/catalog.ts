import { readCatalogs } from '../db/catalog/read.js';
import type { CatalogEnum, CatalogTable } from '../db/catalog/types.js';
import { SYSTEM_SCHEMA } from '../db/catalog/query.js';
import { parsedJson } from '../db/catalog/rows.js';
import type { Db, Queryable } from '../db/connect/queryable.js';
import { MIGRATIONS_SCHEMA } from '../shared/conventions.js';
import { qualified } from '../shared/sql-quote.js';

/**
 * Everything import reads from a live database: the catalog push and verify read too (db/catalog.ts,
 * with each index's definition for the report), plus the objects the manifest cannot express, so
 * the report can name each of them.
 */
export interface LiveDatabase {
  /** tables in name order, partitions left out (they are listed among `others`) */
  readonly tables: readonly CatalogTable[];
  /** the enums of every non-system schema: a column's type may live in a schema not imported */
  readonly enums: readonly CatalogEnum[];
  readonly others: readonly LiveOther[];
}

/** An object outside what the manifest expresses: kind and full name. */
export interface LiveOther {
  readonly kind: string;
  readonly name: string;
}

const OTHERS = `
with ns as (select n.oid, n.nspname from pg_namespace n
             where ${SYSTEM_SCHEMA} and n.nspname <> '${MIGRATIONS_SCHEMA}'
               and ($1::text is null or n.nspname = any(string_to_array($1, ',')))),
rel as (select c.oid, c.relname, c.relkind, ns.nspname
          from pg_class c join ns on ns.oid = c.relnamespace
         where c.relkind in ('r', 'p') and not c.relispartition)
select coalesce((select json_agg(o order by o->>'kind', o->>'name') from (
      select json_build_object('kind', case c.relkind when 'v' then 'view' when 'm' then 'materialized view'
               when 'f' then 'foreign table' when 'S' then 'sequence not owned by a column' else 'partition' end,
               'name', ns.nspname || '.' || c.relname) as o
        from pg_class c join ns on ns.oid = c.relnamespace
       where c.relkind in ('v', 'm', 'f') or (c.relkind in ('r', 'p') and c.relispartition)
          or (c.relkind = 'S' and not exists(select 1 from pg_depend dep
                where dep.classid = 'pg_class'::regclass and dep.objid = c.oid and dep.deptype in ('a', 'i')))
      union all select json_build_object('kind', 'partitioned table', 'name', rel.nspname || '.' || rel.relname)
        from rel where rel.relkind = 'p'
      union all select json_build_object('kind', 'row level security', 'name', rel.nspname || '.' || rel.relname)
        from rel join pg_class c on c.oid = rel.oid where c.relrowsecurity
      union all select json_build_object('kind', 'trigger',
               'name', rel.nspname || '.' || rel.relname || '.' || tg.tgname)
        from pg_trigger tg join rel on rel.oid = tg.tgrelid where not tg.tgisinternal
      union all select json_build_object('kind', 'policy',
               'name', rel.nspname || '.' || rel.relname || '.' || p.polname)
        from pg_policy p join rel on rel.oid = p.polrelid
      union all select json_build_object('kind', 'rule', 'name', rel.nspname || '.' || rel.relname || '.' || r.rulename)
        from pg_rewrite r join rel on rel.oid = r.ev_class
      union all select json_build_object('kind',
               case t.typtype when 'd' then 'domain' when 'r' then 'range type' else 'composite type' end,
               'name', ns.nspname || '.' || t.typname)
        from pg_type t join ns on ns.oid = t.typnamespace
       where t.typtype in ('d', 'r')
          or (t.typtype = 'c' and exists(select 1 from pg_class c where c.oid = t.typrelid and c.relkind = 'c'))
      union all select json_build_object('kind', case p.prokind when 'p' then 'procedure' else 'function' end,
               'name', ns.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')')
        from pg_proc p join ns on ns.oid = p.pronamespace
       where not exists(select 1 from pg_depend dep
               where dep.classid = 'pg_proc'::regclass and dep.objid = p.oid and dep.deptype = 'e')
    ) others), '[]') as others`;

/** Reads the chosen schemas (all non-system ones when `schemas` is undefined). */
export async function readLiveDatabase(db: Db, schemas?: readonly string[]): Promise<LiveDatabase> {
  const requests = schemas ? schemas.map((schema) => ({ schema })) : 'every schema';
  const [catalog, [row]] = await db.readOnly((q) =>
    Promise.all([
      readCatalogs(q, requests, { forImport: true }),
      q.query<{ others: LiveOther[] | string }>(OTHERS, [schemas ? schemas.join(',') : null]),
    ]),
  );
  const others = parsedJson(row!.others);
  const tables = [...catalog.schemas.values()].flatMap((s) => s.tables).filter((t) => !t.partition);
  return { tables, enums: catalog.enums, others };
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
