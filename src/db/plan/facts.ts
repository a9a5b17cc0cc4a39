import { parsedJson as json } from '../catalog/rows.js';
import type { Queryable } from '../connect/queryable.js';

export interface TableFacts {
  readonly rows?: number;
  readonly populated: boolean;
}

/** A view (or materialized view) that depends on a table of the schema, to drop and recreate around a change. */
export interface DependentView {
  readonly schema: string;
  readonly name: string;
  readonly materialized: boolean;
  /** pg_get_viewdef: the query after AS */
  readonly definition: string;
  /** reloptions (security_barrier, check_option, …) as `name=value` */
  readonly options: readonly string[];
  readonly comment: string | null;
  /** its privileges, to grant again: `SELECT` to a role (`PUBLIC` for everyone) */
  readonly grants: readonly { readonly privilege: string; readonly grantee: string }[];
  /** its owner, when another role than the one pushing: the recreated view is given back */
  readonly owner: string | null;
  /** a materialized view's indexes: name, uniqueness, and what follows USING in pg_get_indexdef */
  readonly indexes: readonly { readonly name: string; readonly unique: boolean; readonly using: string }[];
  /**
   * what else hangs on the view, as the statements that make it again: its column defaults
   * (ALTER VIEW … SET DEFAULT), rules and triggers (INSTEAD OF …), which a DROP VIEW takes along
   */
  readonly attached: readonly string[];
  /** the tables (`schema.table`) and columns it reads, directly or through other views */
  readonly reads: readonly string[];
  /** its position among the dependents: a view reading another comes after it */
  readonly depth: number;
}

/** What the planner needs to know about the live tables of one schema, beyond their definitions. */
export interface Facts {
  readonly tables: ReadonlyMap<string, TableFacts>;
  /** index name → the table it is on */
  readonly indexTable: ReadonlyMap<string, string>;
  /** the views that read the schema's tables, in every schema, innermost first */
  readonly dependents: readonly DependentView[];
  /**
   * `from→to` type pairs and how PostgreSQL converts them: `assignment` without being asked (an
   * implicit or assignment cast, or the same type at another length), `explicit` only when asked
   * (`::type`); a pair missing here has no cast and goes through text
   */
  readonly casts: ReadonlyMap<string, 'assignment' | 'explicit'>;
  /** the columns, in every schema, whose type is one of the schema's enums (or an array of one) */
  readonly enumColumns: readonly EnumColumn[];
}

export interface EnumColumn {
  readonly schema: string;
  readonly table: string;
  readonly column: string;
  readonly enum: string;
  readonly array: boolean;
  readonly hasDefault: boolean;
}

const ENUM_COLUMNS = `
select n.nspname as schema, c.relname as table, a.attname as column, e.typname as enum,
       t.oid <> e.oid as array, a.atthasdef as "hasDefault"
  from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
  join pg_type t on t.oid = a.atttypid
  join pg_type e on e.oid = case when t.typelem <> 0 and t.typcategory = 'A' then t.typelem else t.oid end
  join pg_namespace en on en.oid = e.typnamespace
 where e.typtype = 'e' and en.nspname = $1 and a.attnum > 0 and not a.attisdropped and c.relkind in ('r', 'p')
 order by 1, 2, 3`;

// A partitioned table holds no rows of its own: its estimate and whether it holds rows are its partitions'.
const TABLES = `
select c.relname as name, coalesce(l.estimate, c.reltuples::float8) as estimate,
       coalesce(l.populated, pg_relation_size(c.oid) > 0) as populated,
       coalesce((select json_agg(ic.relname) from pg_index i join pg_class ic on ic.oid = i.indexrelid
                  where i.indrelid = c.oid), '[]') as indexes
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
  left join lateral (select case when bool_or(lc.reltuples < 0) then -1 else sum(lc.reltuples) end::float8 as estimate,
           bool_or(pg_relation_size(lc.oid) > 0 or lc.reltuples > 0) as populated
      from pg_partition_tree(case when c.relkind = 'p' then c.oid end) pt join pg_class lc on lc.oid = pt.relid
     where pt.isleaf) l on true
 where n.nspname = $1 and c.relkind in ('r', 'p')`;

/**
 * Views reading the schema's tables, and views reading those, in every schema: a column change under
 * one fails (0A000, 2BP01) unless it is dropped first and recreated after.
 */
const DEPENDENTS = `
with recursive dep(oid, depth) as (
  select distinct r.ev_class, 1
    from pg_depend d join pg_rewrite r on r.oid = d.objid
    join pg_class t on t.oid = d.refobjid join pg_namespace tn on tn.oid = t.relnamespace
   where d.classid = 'pg_rewrite'::regclass and d.refclassid = 'pg_class'::regclass
     and tn.nspname = $1 and r.ev_class <> d.refobjid
  union
  select r.ev_class, dep.depth + 1
    from dep join pg_depend d on d.refobjid = dep.oid and d.refclassid = 'pg_class'::regclass
    join pg_rewrite r on r.oid = d.objid and d.classid = 'pg_rewrite'::regclass
   where r.ev_class <> dep.oid and dep.depth < 50
)
select n.nspname as schema, v.relname as name, v.relkind = 'm' as materialized,
       pg_get_viewdef(v.oid, true) as definition, to_json(coalesce(v.reloptions, '{}')) as options,
       obj_description(v.oid, 'pg_class') as comment, max(dep.depth) as depth,
       nullif(pg_get_userbyid(v.relowner), current_user) as owner,
       (select coalesce(json_agg(json_build_object('name', ic.relname, 'unique', i.indisunique,
                 'using', regexp_replace(pg_get_indexdef(i.indexrelid), '^.*? USING ', ''))), '[]')
          from pg_index i join pg_class ic on ic.oid = i.indexrelid where i.indrelid = v.oid) as indexes,
       (select coalesce(json_agg(json_build_object('privilege', a.privilege_type,
                 'grantee', case when a.grantee = 0 then 'PUBLIC' else pg_get_userbyid(a.grantee) end)), '[]')
          from aclexplode(v.relacl) a where a.grantee <> v.relowner) as grants,
       -- The view named "schema"."name" in each, as the statement guard reads the objects a statement touches.
       (select coalesce(json_agg(s.sql order by s.k, s.name), '[]') from (
          select 1 as k, a.attname::text as name, format('ALTER %s %s ALTER COLUMN "%s" SET DEFAULT %s',
                   case when v.relkind = 'm' then 'MATERIALIZED VIEW' else 'VIEW' end, qv.name,
                   replace(a.attname, '"', '""'), pg_get_expr(ad.adbin, ad.adrelid)) as sql
            from pg_attrdef ad join pg_attribute a on a.attrelid = ad.adrelid and a.attnum = ad.adnum
           where ad.adrelid = v.oid
          union all select 2, rw.rulename::text,
                 replace(rtrim(pg_get_ruledef(rw.oid), ';'), ' TO ' || v.oid::regclass || ' ', ' TO ' || qv.name || ' ')
            from pg_rewrite rw where rw.ev_class = v.oid and rw.rulename <> '_RETURN'
          union all select 3, tg.tgname::text,
                 replace(pg_get_triggerdef(tg.oid), ' ON ' || v.oid::regclass || ' ', ' ON ' || qv.name || ' ')
            from pg_trigger tg where tg.tgrelid = v.oid and not tg.tgisinternal) s) as attached,
       (select coalesce(json_agg(distinct format('%s.%s.%s', rn.nspname, rc.relname, ra.attname)), '[]')
          from pg_depend d join pg_rewrite r on r.oid = d.objid
          join pg_class rc on rc.oid = d.refobjid join pg_namespace rn on rn.oid = rc.relnamespace
          join pg_attribute ra on ra.attrelid = rc.oid and ra.attnum = d.refobjsubid
         where r.ev_class = v.oid and d.classid = 'pg_rewrite'::regclass and d.refobjid <> v.oid) as reads
  from dep join pg_class v on v.oid = dep.oid join pg_namespace n on n.oid = v.relnamespace
 cross join lateral (select format('"%s"."%s"', replace(n.nspname, '"', '""'),
                                   replace(v.relname, '"', '""')) as name) qv
 group by n.nspname, v.relname, v.relkind, v.oid, qv.name
 order by max(dep.depth), 1, 2`;

/** How PostgreSQL converts each type pair (`from→to`, format_type spellings), where it does. */
const CASTS = `
select p.pair, case
         when x.s = x.t or exists (select 1 from pg_cast c where c.castsource = x.s and c.casttarget = x.t
                                    and c.castcontext in ('i', 'a')) then 'assignment'
         else 'explicit' end as how
  from json_array_elements_text(($1::text)::json) p(pair)
 cross join lateral (select split_part(p.pair, '→', 1)::regtype as s, split_part(p.pair, '→', 2)::regtype as t) x
 where x.s = x.t
    or exists (select 1 from pg_cast c where c.castsource = x.s and c.casttarget = x.t)
    or (select typcategory from pg_type where oid = x.s) = 'S'
    or (select typcategory from pg_type where oid = x.t) = 'S'`;

/**
 * The tables of the schema that hold rows, as readFacts counts them (sorted): what makes a plan take
 * the online forms, so two schemas in the same state with the same tables populated get the same plan.
 */
export async function populatedTables(db: Queryable, schema: string): Promise<string[]> {
  const rows = await db.query<{ name: string; estimate: number; populated: boolean }>(TABLES, [schema]);
  return rows
    .filter((r) => r.populated || r.estimate > 0)
    .map((r) => r.name)
    .sort();
}

/** Row estimates, index owners, dependent views, enum columns, and which of `typePairs` cast directly. */
export async function readFacts(db: Queryable, schema: string, typePairs: readonly string[] = []): Promise<Facts> {
  type Row = { name: string; estimate: number; populated: boolean; indexes: string[] | string };
  const [rows, dependents, casts, enumColumns] = await Promise.all([
    db.query<Row>(TABLES, [schema]),
    db.query<Record<string, unknown>>(DEPENDENTS, [schema]),
    typePairs.length === 0
      ? Promise.resolve([])
      : db.query<{ pair: string; how: 'assignment' | 'explicit' }>(CASTS, [JSON.stringify([...new Set(typePairs)])]),
    db.query<EnumColumn>(ENUM_COLUMNS, [schema]),
  ]);
  const tables = new Map<string, TableFacts>();
  const indexTable = new Map<string, string>();
  for (const r of rows) {
    // reltuples is -1 until the table is first vacuumed or analysed: its estimate is then unknown.
    tables.set(r.name, {
      rows: r.estimate >= 0 ? Math.round(r.estimate) : undefined,
      populated: r.populated || r.estimate > 0,
    });
    for (const ix of json(r.indexes)) indexTable.set(ix, r.name);
  }
  return {
    tables,
    indexTable,
    dependents: dependents.map((d) => ({
      schema: d['schema'] as string,
      name: d['name'] as string,
      materialized: d['materialized'] as boolean,
      definition: d['definition'] as string,
      options: json(d['options'] as string[]),
      comment: (d['comment'] as string | null) ?? null,
      grants: json(d['grants'] as DependentView['grants']),
      owner: (d['owner'] as string | null) ?? null,
      indexes: json(d['indexes'] as DependentView['indexes']),
      attached: json(d['attached'] as string[]),
      reads: json(d['reads'] as string[]),
      depth: Number(d['depth']),
    })),
    casts: new Map(casts.map((c) => [c.pair, c.how] as const)),
    enumColumns,
  };
}
