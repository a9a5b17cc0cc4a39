import { MIGRATIONS_SCHEMA } from '../../shared/conventions.js';

/**
 * The catalog statements push, verify and import share. They read every schema asked for at once,
 * as flat lists (tables, columns, constraints, indexes, …) rather than one nested document per
 * table: PostgreSQL then scans each catalog once instead of once per table. Each list is a statement
 * of plain rows, sent together (readCatalogs): building the rows as JSON on the server cost a
 * no-op push of thousands of tables a third of its read. Fields are named once, here, as aliases.
 * Arrays come as JSON, which every driver reads without asking the server for its array types.
 */

/** Schemas no service and no import reads: PostgreSQL's own. */
export const SYSTEM_SCHEMA = `n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'`;

/**
 * What the statements take: `schemas`, those to read as a JSON array, or null for every schema but
 * PostgreSQL's own and `drizzle`; `lookFor`, table names to look for in other schemas (JSON array);
 * `skip`, schemas not to look in; `forImport`, whether to deparse each index's whole definition.
 */
export interface CatalogParams {
  readonly schemas: string | null;
  readonly lookFor: string;
  readonly skip: string;
  readonly forImport: boolean;
}

export interface CatalogStatement {
  readonly text: string;
  readonly params: (p: CatalogParams) => readonly unknown[];
  /** the fields that make the object read (catalog.ts), past the links that tie a row to its table */
  readonly keys: readonly string[];
}

/**
 * `select <expression> as "<field>", … <from>`: rows arrive as objects under the fields' names, the
 * `links` first. A statement that reads `rel` (the tables of the schemas asked for) starts with its
 * definition.
 */
const statement = (
  links: Record<string, string>,
  fields: Record<string, string>,
  from: string,
  params: CatalogStatement['params'] = (p) => [p.schemas],
): CatalogStatement => ({
  text: `${/\brel\b/.test(from) ? SCOPE : ''}select ${Object.entries({ ...links, ...fields })
    .map(([name, sql]) => `${sql} as "${name}"`)
    .join(', ')}\n${from}`,
  params,
  keys: Object.keys(fields),
});

/** The schemas read ($1), and their tables (`rel`). */
export const NAMESPACES = `with ns as (select n.oid, n.nspname from pg_namespace n where case when $1::text is null
    then ${SYSTEM_SCHEMA} and n.nspname <> '${MIGRATIONS_SCHEMA}'
    else n.nspname in (select json_array_elements_text(($1::text)::json)) end)`;
const SCOPE = `${NAMESPACES},
rel as (select c.oid, c.relname, c.relkind, c.relispartition, c.relrowsecurity, c.relforcerowsecurity, ns.nspname
    from pg_class c join ns on ns.oid = c.relnamespace where c.relkind in ('r', 'p'))\n`;

/** The comment of a table (subid 0) or column: a join, where obj_description() would run a query per row. */
const described = (oid: string, subid: string) =>
  `left join pg_description ds on ds.objoid = ${oid} and ds.classoid = 'pg_class'::regclass and ds.objsubid = ${subid}`;

export const SCHEMAS: CatalogStatement = {
  text: `${NAMESPACES} select nspname as "name" from ns order by nspname`,
  params: (p) => [p.schemas],
  keys: ['name'],
};

export const TABLES = statement(
  { oid: 'rel.oid' },
  {
    schema: 'rel.nspname',
    name: 'rel.relname',
    partitioned: `rel.relkind = 'p'`,
    rls: 'rel.relrowsecurity',
    forceRls: 'rel.relforcerowsecurity',
    partition: 'rel.relispartition',
    comment: 'ds.description',
    // Only partitioned tables and partitions pay for these (partitions.ts compares them).
    partitionKey: `case when rel.relkind = 'p' then pg_get_partkeydef(rel.oid) end`,
    partitionBound: `case when rel.relispartition then (select pg_get_expr(pc.relpartbound, pc.oid)
    from pg_class pc where pc.oid = rel.oid) end`,
    parentSchema: `case when rel.relispartition then (select pn.nspname from pg_inherits i
    join pg_class pc on pc.oid = i.inhparent join pg_namespace pn on pn.oid = pc.relnamespace
    where i.inhrelid = rel.oid) end`,
    parentName: `case when rel.relispartition then (select pc.relname from pg_inherits i
    join pg_class pc on pc.oid = i.inhparent where i.inhrelid = rel.oid) end`,
  },
  `from rel ${described('rel.oid', '0')} order by rel.nspname, rel.relname`,
);

// Not ordered: sorting tens of thousands of rows on the server costs more than putting each table's
// few columns in order when they arrive (catalog.ts). The type's name, schema and kind come from
// TYPES: joining pg_type twice per column costs a read of thousands of tables a fifth of its time.
export const COLUMNS = statement(
  { table: 'a.attrelid', number: 'a.attnum', typeOid: 'a.atttypid' },
  {
    name: 'a.attname',
    type: 'format_type(a.atttypid, a.atttypmod)',
    dims: 'a.attndims',
    notNull: 'a.attnotnull',
    // A default cannot name a column, so it deparses without its table, which pg_get_expr would open
    // (and lock) once per column; a generated column's expression names columns and needs it.
    default: `pg_get_expr(d.adbin, case when a.attgenerated = '' then 0 else d.adrelid end)`,
    identity: 'a.attidentity::text',
    generated: `a.attgenerated <> ''`,
    comment: 'ds.description',
  },
  `from rel join pg_attribute a on a.attrelid = rel.oid
    left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
    ${described('a.attrelid', 'a.attnum')}
    where a.attnum > 0 and not a.attisdropped`,
);

/**
 * The types a column may have, for an array its element's (the enum behind `role[]`): all but the
 * row types of tables, views and the like, two per table, which no column of ours has (catalog.ts
 * reads a column of one as a composite). Cheaper than finding the types the columns use.
 */
export const TYPES = statement(
  { oid: 't.oid' },
  { name: 'st.typname', schema: 'stn.nspname', kind: 'st.typtype::text' },
  `from pg_type t join pg_type st
      on st.oid = case when t.typelem <> 0 and t.typlen = -1 and t.typcategory = 'A' then t.typelem else t.oid end
    join pg_namespace stn on stn.oid = st.typnamespace
    where st.typrelid = 0 or (select c.relkind from pg_class c where c.oid = st.typrelid) = 'c'`,
  () => [],
);

export const CONSTRAINTS = statement(
  {
    table: 'k.conrelid',
    columnNumbers: 'to_json(k.conkey)',
    refTableOid: 'k.confrelid',
    refNumbers: 'to_json(k.confkey)',
  },
  {
    name: 'k.conname',
    type: 'k.contype::text',
    // Push and verify compare the text of checks only; import quotes every constraint it cannot express.
    definition: `case when k.contype in ('c', 'x') or $2::boolean then pg_get_constraintdef(k.oid, true) end`,
    deferrable: 'k.condeferrable',
    validated: 'k.convalidated',
    // Import only: a partition's constraint that comes from its table (partitions.ts names the others).
    inherited: 'case when $2::boolean then k.conparentid <> 0 or k.coninhcount > 0 end',
    refSchema: 'rn.nspname',
    refTable: 'rc.relname',
    // Names of referenced columns the read has anyway are filled in from it (catalog.ts): a lookup
    // per foreign key costs a read of thousands of tables a tenth of its time.
    refColumns: `case when k.contype = 'f' and k.confrelid not in (select oid from rel)
    then (select json_agg(a.attname order by u.ord)
    from unnest(k.confkey) with ordinality u(n, ord)
    join pg_attribute a on a.attrelid = k.confrelid and a.attnum = u.n) end`,
    onDelete: `nullif(k.confdeltype::text, ' ')`,
    onUpdate: `nullif(k.confupdtype::text, ' ')`,
  },
  `from rel join pg_constraint k on k.conrelid = rel.oid
    left join pg_class rc on rc.oid = k.confrelid left join pg_namespace rn on rn.oid = rc.relnamespace
    where k.contype in ('p', 'u', 'f', 'c', 'x') order by k.conname`,
  (p) => [p.schemas, p.forImport],
);

export const INDEXES = statement(
  {
    table: 'i.indrelid',
    columnNumbers: 'to_json(i.indkey::int2[])',
    // Only an index over an expression pays for deparsing its key columns.
    expressions: `case when 0 = any(i.indkey::int2[])
    then (select json_agg(pg_get_indexdef(i.indexrelid, u.ord::int, true)
    order by u.ord) from unnest(i.indkey::int2[]) with ordinality u(n, ord)) end`,
  },
  {
    name: 'ic.relname',
    unique: 'i.indisunique',
    method: 'am.amname',
    predicate: 'pg_get_expr(i.indpred, i.indrelid)',
    valid: 'i.indisvalid',
    special: `i.indnkeyatts <> i.indnatts or 0 <> any(i.indoption::int2[])
    or not (i.indclass::oid[] <@ (select array_agg(oid) from pg_opclass where opcdefault))`,
    // Deparsing every index costs a no-op push a third of its read: only import asks for the text.
    definition: 'case when $2::boolean then pg_get_indexdef(i.indexrelid) end',
    inherited: 'case when $2::boolean then exists (select 1 from pg_inherits h where h.inhrelid = i.indexrelid) end',
  },
  `from rel join pg_index i on i.indrelid = rel.oid join pg_class ic on ic.oid = i.indexrelid
    join pg_am am on am.oid = ic.relam
    where not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid and k.conrelid = i.indrelid)
    order by ic.relname`,
  (p) => [p.schemas, p.forImport],
);

/**
 * Each trigger as pg_get_triggerdef prints it, and in parts for import: tgtype's bits, its function,
 * its arguments (tgargs, NUL-terminated strings, as hex), its UPDATE OF columns (a JSON array, in
 * the order they were given) and whether it is an ordinary enabled trigger (no transition tables, not
 * a constraint trigger).
 */
export const TRIGGERS = statement(
  { table: 'tg.tgrelid' },
  {
    name: 'tg.tgname',
    definition: 'pg_get_triggerdef(tg.oid)',
    type: 'tg.tgtype::integer',
    functionSchema: 'fns.nspname',
    functionName: 'fn.proname',
    args: "encode(tg.tgargs, 'hex')",
    columns: `(select coalesce(json_agg(a.attname order by k.n), '[]') from unnest(tg.tgattr::int2[])
      with ordinality k(num, n) join pg_attribute a on a.attrelid = tg.tgrelid and a.attnum = k.num)::text`,
    plain: `tg.tgoldtable is null and tg.tgnewtable is null and tg.tgconstraint = 0
      and tg.tgenabled = 'O'`,
  },
  `from rel join pg_trigger tg on tg.tgrelid = rel.oid join pg_proc fn on fn.oid = tg.tgfoid
    join pg_namespace fns on fns.oid = fn.pronamespace
    where not tg.tgisinternal order by tg.tgname`,
);

/** Each row-level security policy: its command, kind, roles (a JSON array; none for PUBLIC) and conditions. */
export const POLICIES = statement(
  { table: 'p.polrelid' },
  {
    name: 'p.polname',
    as: `case when p.polpermissive then 'permissive' else 'restrictive' end`,
    for: `case p.polcmd when 'r' then 'select' when 'a' then 'insert' when 'w' then 'update' when 'd' then 'delete'
      else 'all' end`,
    // PUBLIC is role 0; alone it is written as no role at all.
    to: `(select coalesce(json_agg(coalesce(r.rolname, 'public') order by 1), '[]') from unnest(p.polroles) u
      left join pg_roles r on r.oid = u where p.polroles <> '{0}')::text`,
    using: 'pg_get_expr(p.polqual, p.polrelid)',
    withCheck: 'pg_get_expr(p.polwithcheck, p.polrelid)',
  },
  `from rel join pg_policy p on p.polrelid = rel.oid order by p.polname`,
);

/**
 * A sequence's options as pg_sequence `s` stores them, and the last value handed out by the sequence
 * `oid` (null before the first). Numbers come as text: a bigint's bounds do not fit a JavaScript number.
 */
export const sequenceOptions = (oid: string): Record<string, string> => ({
  type: 'format_type(s.seqtypid, null)',
  start: 's.seqstart::text',
  increment: 's.seqincrement::text',
  minValue: 's.seqmin::text',
  maxValue: 's.seqmax::text',
  cache: 's.seqcache::text',
  cycle: 's.seqcycle',
  lastValue: `pg_sequence_last_value(${oid})::text`,
});

/** The grantees of relation `c` (its ACL's entries `a`, their roles `r`; PUBLIC has none). */
const GRANTEES = `aclexplode(c.relacl) a left join pg_roles r on r.oid = a.grantee`;

/** One grantee's privileges on relation `c`, grouped by grantee: a table's (GRANTS) and a view's (VIEWS). */
const GRANT = {
  role: `coalesce(r.rolname, 'public')`,
  privileges: 'json_agg(distinct lower(a.privilege_type))',
  all: `count(distinct a.privilege_type) = (select count(*) from aclexplode(acldefault('r', c.relowner)))`,
  grantable: 'bool_or(a.is_grantable)',
} as const;

/**
 * Each table's privileges granted to roles other than its owner (PUBLIC as `public`), one row per
 * role: the privileges as a JSON array of lowercase names, whether they are every privilege the
 * server has on a table (ALL), and whether any may be granted on (WITH GRANT OPTION).
 */
export const GRANTS = statement(
  { table: 'c.oid' },
  { ...GRANT, privileges: `${GRANT.privileges}::text` },
  `from rel join pg_class c on c.oid = rel.oid cross join lateral ${GRANTEES}
    where a.grantee <> c.relowner group by c.oid, c.relowner, a.grantee, r.rolname order by 2`,
);

export const OWNED_SEQUENCES = statement(
  { table: 'dep.refobjid', column: 'dep.refobjsubid', sequence: 'sq.relname' },
  {},
  `from rel join pg_depend dep on dep.refobjid = rel.oid join pg_class sq on sq.oid = dep.objid
    where dep.refclassid = 'pg_class'::regclass and dep.classid = 'pg_class'::regclass and dep.deptype = 'a'
      and sq.relkind = 'S'`,
);

/** The options of the identity columns' sequences (deptype i), read apart: serials need none. */
export const IDENTITY_SEQUENCES = statement(
  { table: 'dep.refobjid', column: 'dep.refobjsubid', name: 'sq.relname', ...sequenceOptions('sq.oid') },
  {},
  `from rel join pg_depend dep on dep.refobjid = rel.oid join pg_class sq on sq.oid = dep.objid
    join pg_sequence s on s.seqrelid = sq.oid
    where dep.refclassid = 'pg_class'::regclass and dep.classid = 'pg_class'::regclass and dep.deptype = 'i'`,
);

/**
 * The views and materialized views of the schemas read: the query as the server prints it, the
 * options, the columns typed, a materialized view's indexes, the tables they read (import) and the
 * privileges granted on them, as GRANTS reads a table's.
 */
export const VIEWS: CatalogStatement = {
  text: `${NAMESPACES}
select ns.nspname as "schema", c.relname as "name", c.relkind = 'm' as "materialized",
       pg_get_viewdef(c.oid, true) as "definition", to_json(coalesce(c.reloptions, '{}')) as "options",
       (select json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod),
                 'typeName', t.typname, 'typeSchema', tn.nspname, 'typeKind', t.typtype::text) order by a.attnum)
          from pg_attribute a join pg_type t0 on t0.oid = a.atttypid
          join pg_type t on t.oid = case when t0.typcategory = 'A' and t0.typelem <> 0 then t0.typelem else t0.oid end
          join pg_namespace tn on tn.oid = t.typnamespace
         where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped) as "columns",
       (select coalesce(json_agg(json_build_object('name', ic.relname, 'unique', i.indisunique,
                 'definition', pg_get_indexdef(i.indexrelid), 'columns',
                 (select json_agg(a.attname order by u.ord) from unnest(i.indkey::int2[]) with ordinality u(n, ord)
                    left join pg_attribute a on a.attrelid = c.oid and a.attnum = u.n),
                 'plain', am.amname = 'btree' and i.indpred is null and i.indexprs is null
                   and i.indnkeyatts = i.indnatts and not 0 <> any(i.indoption::int2[])) order by ic.relname), '[]')
          from pg_index i join pg_class ic on ic.oid = i.indexrelid join pg_am am on am.oid = ic.relam
         where i.indrelid = c.oid) as "indexes",
       (select coalesce(json_agg(distinct format('%s.%s', rn.nspname, rc.relname)), '[]')
          from pg_rewrite r join pg_depend d on d.objid = r.oid and d.classid = 'pg_rewrite'::regclass
          join pg_class rc on rc.oid = d.refobjid and d.refclassid = 'pg_class'::regclass
          join pg_namespace rn on rn.oid = rc.relnamespace
         where r.ev_class = c.oid and rc.oid <> c.oid) as "reads",
       (select coalesce(json_agg(to_json(g) order by g.role), '[]')
          from (select ${GRANT.role} as "role", ${GRANT.privileges} as "privileges", ${GRANT.all} as "all",
                       ${GRANT.grantable} as "grantable"
                  from ${GRANTEES} where a.grantee <> c.relowner group by a.grantee, r.rolname) g) as "grants"
  from pg_class c join ns on ns.oid = c.relnamespace where c.relkind in ('v', 'm') order by 1, 2`,
  params: (p) => [p.schemas],
  keys: ['schema', 'name', 'materialized', 'definition', 'options', 'columns', 'indexes', 'reads', 'grants'],
};

/**
 * The functions and procedures of the schemas read (not those of extensions): arguments and result as
 * the server prints them, the language, the body as stored (prosrc) and the volatility.
 */
export const FUNCTIONS: CatalogStatement = {
  text: `${NAMESPACES}
select ns.nspname as "schema", p.proname as "name", p.prokind = 'p' as "procedure",
       pg_get_function_arguments(p.oid) as "args", pg_get_function_identity_arguments(p.oid) as "identity",
       pg_get_function_result(p.oid) as "result", l.lanname as "language", p.prosrc as "body",
       case p.provolatile when 'i' then 'immutable' when 's' then 'stable' else 'volatile' end as "volatility"
  from pg_proc p join ns on ns.oid = p.pronamespace join pg_language l on l.oid = p.prolang
 where p.prokind in ('f', 'p') and not exists(select 1 from pg_depend dep
         where dep.classid = 'pg_proc'::regclass and dep.objid = p.oid and dep.deptype = 'e')
 order by 1, 2, 5`,
  params: (p) => [p.schemas],
  keys: [],
};

/** The enums of every schema but the system ones: a column's type may live in a schema not read. */
export const ENUMS = statement(
  {},
  {
    schema: 'n.nspname',
    name: 't.typname',
    values: '(select json_agg(e.enumlabel order by e.enumsortorder) from pg_enum e where e.enumtypid = t.oid)',
  },
  `from pg_type t join pg_namespace n on n.oid = t.typnamespace
    where t.typtype = 'e' and ${SYSTEM_SCHEMA} and n.nspname <> '${MIGRATIONS_SCHEMA}'
    order by n.nspname, t.typname`,
  () => [],
);

/** Tables of the names looked for ($1) in other schemas but those skipped ($2). */
export const ELSEWHERE = statement(
  {},
  { schema: 'n.nspname', table: 'c.relname' },
  `from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r', 'p') and c.relname in (select json_array_elements_text(($1::text)::json))
      and n.nspname not in (select json_array_elements_text(($2::text)::json)) and ${SYSTEM_SCHEMA}
    order by n.nspname, c.relname`,
  (p) => [p.lookFor, p.skip],
);

/**
 * What the manifest cannot declare, in the schemas read: views, materialized views, foreign tables,
 * partitions (compare/unmanaged.ts leaves out those the manifest declares), sequences no column owns,
 * row level security, triggers, policies, rules (of tables, and of views but their own query),
 * domains, range and composite types, functions and procedures (not those of extensions).
 * Push leaves them alone; verify lists them, import names them. Read only when asked (`unmanaged`).
 */
export const UNMANAGED = statement(
  {},
  { kind: 'o.kind', schema: 'o.schema', name: 'o.name' },
  `from (
      select case c.relkind when 'v' then 'view' when 'm' then 'materialized view' when 'f' then 'foreign table'
               when 'S' then 'sequence not owned by a column' else 'partition' end as kind,
             ns.nspname as schema, c.relname as name
        from pg_class c join ns on ns.oid = c.relnamespace
       where c.relkind in ('v', 'm', 'f') or (c.relkind in ('r', 'p') and c.relispartition)
          or (c.relkind = 'S' and not exists(select 1 from pg_depend dep
                where dep.classid = 'pg_class'::regclass and dep.objid = c.oid and dep.deptype in ('a', 'i')))
      union all select 'row level security', rel.nspname, rel.relname
        from rel join pg_class c on c.oid = rel.oid where c.relrowsecurity and not rel.relispartition
      union all select 'trigger', rel.nspname, rel.relname || '.' || tg.tgname
        from pg_trigger tg join rel on rel.oid = tg.tgrelid where not tg.tgisinternal and not rel.relispartition
      union all select 'policy', rel.nspname, rel.relname || '.' || p.polname
        from pg_policy p join rel on rel.oid = p.polrelid where not rel.relispartition
      union all select 'rule', rel.nspname, rel.relname || '.' || r.rulename
        from pg_rewrite r join rel on rel.oid = r.ev_class where not rel.relispartition
      union all select 'trigger', ns.nspname, c.relname || '.' || tg.tgname
        from pg_trigger tg join pg_class c on c.oid = tg.tgrelid join ns on ns.oid = c.relnamespace
       where c.relkind in ('v', 'm') and not tg.tgisinternal
      union all select 'rule', ns.nspname, c.relname || '.' || r.rulename
        from pg_rewrite r join pg_class c on c.oid = r.ev_class join ns on ns.oid = c.relnamespace
       where c.relkind in ('v', 'm') and r.rulename <> '_RETURN'
      union all select case t.typtype when 'd' then 'domain' when 'r' then 'range type' else 'composite type' end,
             ns.nspname, t.typname
        from pg_type t join ns on ns.oid = t.typnamespace
       where t.typtype in ('d', 'r')
          or (t.typtype = 'c' and exists(select 1 from pg_class c where c.oid = t.typrelid and c.relkind = 'c'))
      union all select case p.prokind when 'p' then 'procedure' else 'function' end,
             ns.nspname, p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')'
        from pg_proc p join ns on ns.oid = p.pronamespace
       where not exists(select 1 from pg_depend dep
               where dep.classid = 'pg_proc'::regclass and dep.objid = p.oid and dep.deptype = 'e')
    ) o order by o.schema, o.kind, o.name`,
);
