import type { Queryable } from '../db/connection.js';

/**
 * Everything import reads from a live database, in one catalog query over the chosen schemas, plus
 * the objects the manifest cannot express (so the report can name each of them).
 */
export interface LiveColumn {
  readonly name: string;
  /** format_type() spelling, schema-qualified where the search path needs it */
  readonly type: string;
  /** the type's own name and schema, and for arrays the element's (the enum behind `role[]`) */
  readonly typeName: string;
  readonly typeSchema: string;
  /** pg_type.typtype of the scalar type: b base, e enum, d domain, c composite, r range, m multirange */
  readonly typeKind: string;
  readonly notNull: boolean;
  readonly default: string | null;
  readonly identity: '' | 'a' | 'd';
  readonly generated: boolean;
  /** the column owns the sequence its default draws from (serial) */
  readonly ownsSequence: boolean;
  readonly comment: string | null;
}

export interface LiveConstraint {
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
}

export interface LiveIndex {
  readonly name: string;
  readonly unique: boolean;
  readonly method: string;
  /** null for an expression */
  readonly columns: readonly (string | null)[];
  readonly predicate: string | null;
  /** DESC, NULLS FIRST, INCLUDE columns or a non-default operator class */
  readonly special: boolean;
  readonly definition: string;
}

export interface LiveTable {
  readonly schema: string;
  readonly name: string;
  /** true for a partitioned parent */
  readonly partitioned: boolean;
  readonly comment: string | null;
  readonly columns: readonly LiveColumn[];
  readonly constraints: readonly LiveConstraint[];
  readonly indexes: readonly LiveIndex[];
}

export interface LiveEnum {
  readonly schema: string;
  readonly name: string;
  readonly values: readonly string[];
}

/** An object outside what the manifest expresses: kind and full name. */
export interface LiveOther {
  readonly kind: string;
  readonly name: string;
}

export interface LiveDatabase {
  readonly tables: readonly LiveTable[];
  readonly enums: readonly LiveEnum[];
  readonly others: readonly LiveOther[];
}

const SYSTEM = `n.nspname not in ('information_schema', 'drizzle') and n.nspname not like 'pg\\_%'`;

const READ = `
with ns as (select n.oid, n.nspname from pg_namespace n
             where ${SYSTEM} and ($1::text is null or n.nspname = any(string_to_array($1, ',')))),
rel as (select c.oid, c.relname, c.relkind, ns.nspname from pg_class c join ns on ns.oid = c.relnamespace
         where c.relkind in ('r', 'p') and not c.relispartition)
select json_build_object(
  'tables', coalesce((select json_agg(json_build_object(
    'schema', rel.nspname, 'name', rel.relname, 'partitioned', rel.relkind = 'p',
    'comment', obj_description(rel.oid, 'pg_class'),
    'columns', coalesce((select json_agg(json_build_object(
        'name', a.attname, 'type', format_type(a.atttypid, a.atttypmod),
        'typeName', st.typname, 'typeSchema', stn.nspname, 'typeKind', st.typtype::text,
        'notNull', a.attnotnull, 'default', pg_get_expr(d.adbin, d.adrelid), 'identity', a.attidentity::text,
        'generated', a.attgenerated <> '', 'comment', col_description(rel.oid, a.attnum),
        'ownsSequence', a.attidentity = '' and exists(select 1 from pg_depend dep join pg_class sq on sq.oid = dep.objid
            where dep.refclassid = 'pg_class'::regclass and dep.refobjid = rel.oid and dep.refobjsubid = a.attnum
              and dep.classid = 'pg_class'::regclass and dep.deptype = 'a' and sq.relkind = 'S'))
        order by a.attnum)
      from pg_attribute a
      join pg_type t on t.oid = a.atttypid
      join pg_type st on st.oid = case when t.typelem <> 0 and t.typlen = -1 and t.typcategory = 'A' then t.typelem else t.oid end
      join pg_namespace stn on stn.oid = st.typnamespace
      left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
      where a.attrelid = rel.oid and a.attnum > 0 and not a.attisdropped), '[]'),
    'constraints', coalesce((select json_agg(json_build_object(
        'name', k.conname, 'type', k.contype::text, 'definition', pg_get_constraintdef(k.oid, true), 'deferrable', k.condeferrable,
        'columns', (select coalesce(json_agg(a.attname order by u.ord), '[]') from unnest(k.conkey) with ordinality u(n, ord)
                    join pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.n),
        'refSchema', (select n.nspname from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.oid = k.confrelid),
        'refTable', (select c.relname from pg_class c where c.oid = k.confrelid),
        'refColumns', (select json_agg(a.attname order by u.ord) from unnest(k.confkey) with ordinality u(n, ord)
                       join pg_attribute a on a.attrelid = k.confrelid and a.attnum = u.n),
        'onDelete', nullif(k.confdeltype::text, ' '), 'onUpdate', nullif(k.confupdtype::text, ' ')) order by k.conname)
      from pg_constraint k where k.conrelid = rel.oid and k.contype in ('p', 'u', 'f', 'c', 'x')), '[]'),
    'indexes', coalesce((select json_agg(json_build_object(
        'name', ic.relname, 'unique', i.indisunique, 'method', am.amname, 'definition', pg_get_indexdef(i.indexrelid),
        'columns', (select coalesce(json_agg(a.attname order by u.ord), '[]')
                    from unnest(i.indkey) with ordinality u(n, ord) left join pg_attribute a on a.attrelid = i.indrelid and a.attnum = u.n),
        'special', i.indnkeyatts <> i.indnatts or exists(select 1 from unnest(i.indoption) o where o <> 0)
                   or exists(select 1 from unnest(i.indclass) oc join pg_opclass opc on opc.oid = oc where not opc.opcdefault),
        'predicate', pg_get_expr(i.indpred, i.indrelid)) order by ic.relname)
      from pg_index i join pg_class ic on ic.oid = i.indexrelid join pg_am am on am.oid = ic.relam
      where i.indrelid = rel.oid and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid and k.conrelid = rel.oid)), '[]')
  ) order by rel.nspname, rel.relname) from rel), '[]'),
  'enums', coalesce((select json_agg(json_build_object('schema', n.nspname, 'name', t.typname,
      'values', (select json_agg(e.enumlabel order by e.enumsortorder) from pg_enum e where e.enumtypid = t.oid)) order by n.nspname, t.typname)
    from pg_type t join pg_namespace n on n.oid = t.typnamespace where t.typtype = 'e' and ${SYSTEM}), '[]'),
  'others', coalesce((select json_agg(o order by o->>'kind', o->>'name') from (
      select json_build_object('kind', case c.relkind when 'v' then 'view' when 'm' then 'materialized view' when 'f' then 'foreign table'
               when 'S' then 'sequence not owned by a column' else 'partition' end, 'name', ns.nspname || '.' || c.relname) as o
        from pg_class c join ns on ns.oid = c.relnamespace
       where c.relkind in ('v', 'm', 'f') or (c.relkind in ('r', 'p') and c.relispartition)
          or (c.relkind = 'S' and not exists(select 1 from pg_depend dep where dep.classid = 'pg_class'::regclass and dep.objid = c.oid and dep.deptype in ('a', 'i')))
      union all select json_build_object('kind', 'partitioned table', 'name', rel.nspname || '.' || rel.relname) from rel where rel.relkind = 'p'
      union all select json_build_object('kind', 'row level security', 'name', rel.nspname || '.' || rel.relname)
        from rel join pg_class c on c.oid = rel.oid where c.relrowsecurity
      union all select json_build_object('kind', 'trigger', 'name', rel.nspname || '.' || rel.relname || '.' || tg.tgname)
        from pg_trigger tg join rel on rel.oid = tg.tgrelid where not tg.tgisinternal
      union all select json_build_object('kind', 'policy', 'name', rel.nspname || '.' || rel.relname || '.' || p.polname)
        from pg_policy p join rel on rel.oid = p.polrelid
      union all select json_build_object('kind', 'rule', 'name', rel.nspname || '.' || rel.relname || '.' || r.rulename)
        from pg_rewrite r join rel on rel.oid = r.ev_class
      union all select json_build_object('kind', case t.typtype when 'd' then 'domain' when 'r' then 'range type' else 'composite type' end,
               'name', ns.nspname || '.' || t.typname)
        from pg_type t join ns on ns.oid = t.typnamespace
       where t.typtype in ('d', 'r') or (t.typtype = 'c' and exists(select 1 from pg_class c where c.oid = t.typrelid and c.relkind = 'c'))
      union all select json_build_object('kind', case p.prokind when 'p' then 'procedure' else 'function' end,
               'name', ns.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')')
        from pg_proc p join ns on ns.oid = p.pronamespace
       where not exists(select 1 from pg_depend dep where dep.classid = 'pg_proc'::regclass and dep.objid = p.oid and dep.deptype = 'e')
    ) others), '[]')
) as live`;

/** Reads the chosen schemas (all non-system ones when `schemas` is undefined) in one query. */
export async function readLiveDatabase(db: Queryable, schemas?: readonly string[]): Promise<LiveDatabase> {
  const rows = await db.query<{ live: LiveDatabase | string }>(READ, [schemas ? schemas.join(',') : null]);
  const raw = rows[0]!.live;
  return typeof raw === 'string' ? (JSON.parse(raw) as LiveDatabase) : raw;
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Exact row counts of the given tables, in one query. */
export async function countRows(
  db: Queryable,
  tables: readonly { schema: string; name: string }[],
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (tables.length === 0) return out;
  const parts = tables.map(
    (t, i) => `select ${i} as i, count(*)::int as n from ${quoteIdent(t.schema)}.${quoteIdent(t.name)}`,
  );
  for (const row of await db.query<{ i: number; n: number }>(parts.join(' union all '))) {
    const t = tables[row.i]!;
    out.set(`${t.schema}.${t.name}`, row.n);
  }
  return out;
}
