import { MIGRATIONS_SCHEMA } from '../shared/conventions.js';

/**
 * The one catalog query push, verify and import share. It reads every schema asked for at once, as
 * flat lists (tables, columns, constraints, indexes, triggers, enums) rather than one nested document
 * per table: PostgreSQL then scans each catalog once instead of once per table, which keeps a no-op
 * push of thousands of tables close to the cost of reading those rows at all. One statement, so one
 * snapshot; each row is a JSON array whose fields are named once, here, for the SQL and for reading.
 */

/** Schemas no service and no import reads: PostgreSQL's own. */
export const SYSTEM_SCHEMA = `n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'`;

/**
 * The fields of one list, in order: SQL expression by name. The first `links` tie a row to its table
 * (and its column numbers to names); they are read by position, the rest become the row's object.
 */
export interface RowKind {
  readonly sql: Record<string, string>;
  readonly keys: readonly string[];
  readonly links: number;
}
const kind = (sql: Record<string, string>, links = 0): RowKind => ({ sql, keys: Object.keys(sql), links });

export const TABLE = kind(
  {
    oid: 'rel.oid',
    schema: 'rel.nspname',
    name: 'rel.relname',
    partitioned: `rel.relkind = 'p'`,
    partition: 'rel.relispartition',
    comment: 'ds.description',
  },
  1,
);

export const COLUMN = kind(
  {
    table: 'a.attrelid',
    number: 'a.attnum',
    name: 'a.attname',
    type: 'format_type(a.atttypid, a.atttypmod)',
    notNull: 'a.attnotnull',
    default: 'pg_get_expr(d.adbin, d.adrelid)',
    identity: 'a.attidentity::text',
    generated: `a.attgenerated <> ''`,
    comment: 'ds.description',
    typeName: 'st.typname',
    typeSchema: 'stn.nspname',
    typeKind: 'st.typtype::text',
  },
  2,
);

export const CONSTRAINT = kind(
  {
    table: 'k.conrelid',
    columnNumbers: 'k.conkey',
    refTableOid: 'k.confrelid',
    refNumbers: 'k.confkey',
    name: 'k.conname',
    type: 'k.contype::text',
    definition: 'pg_get_constraintdef(k.oid, true)',
    deferrable: 'k.condeferrable',
    validated: 'k.convalidated',
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
  4,
);

export const INDEX = kind(
  {
    table: 'i.indrelid',
    columnNumbers: 'i.indkey::int2[]',
    // Only an index over an expression pays for deparsing its key columns.
    expressions: `case when 0 = any(i.indkey::int2[])
    then (select json_agg(pg_get_indexdef(i.indexrelid, u.ord::int, true)
    order by u.ord) from unnest(i.indkey::int2[]) with ordinality u(n, ord)) end`,
    name: 'ic.relname',
    unique: 'i.indisunique',
    method: 'am.amname',
    predicate: 'pg_get_expr(i.indpred, i.indrelid)',
    valid: 'i.indisvalid',
    special: `i.indnkeyatts <> i.indnatts or 0 <> any(i.indoption::int2[])
    or not (i.indclass::oid[] <@ (select array_agg(oid) from pg_opclass where opcdefault))`,
    // Deparsing every index costs a no-op push a third of its read: only import asks ($4) for the text.
    definition: 'case when $4::boolean then pg_get_indexdef(i.indexrelid) end',
  },
  3,
);

export const TRIGGER = kind({ table: 'tg.tgrelid', name: 'tg.tgname', definition: 'pg_get_triggerdef(tg.oid)' }, 1);

export const ENUM = kind({
  schema: 'n.nspname',
  name: 't.typname',
  values: '(select json_agg(e.enumlabel order by e.enumsortorder) from pg_enum e where e.enumtypid = t.oid)',
});

export const OWNED_SEQUENCE = kind({ table: 'dep.refobjid', column: 'dep.refobjsubid' });

export const ELSEWHERE = kind({ schema: 'n.nspname', table: 'c.relname' });

/** The comment of a table (subid 0) or column: a join, where obj_description() would run a query per row. */
const described = (oid: string, subid: string) =>
  `left join pg_description ds on ds.objoid = ${oid} and ds.classoid = 'pg_class'::regclass and ds.objsubid = ${subid}`;

const rows = (k: RowKind, from: string, order = '') =>
  `coalesce((select json_agg(json_build_array(${Object.values(k.sql).join(', ')})${order && ` order by ${order}`})
    ${from}), '[]')`;

/**
 * $1: the schemas to read as a JSON array, or null for every schema but PostgreSQL's own and
 * `drizzle`; $2: table names to look for in other schemas (JSON array); $3: schemas not to look in;
 * $4: whether to deparse each index's whole definition.
 */
export const CATALOG_QUERY = `
with ns as (select n.oid, n.nspname from pg_namespace n where case when $1::text is null
    then ${SYSTEM_SCHEMA} and n.nspname <> '${MIGRATIONS_SCHEMA}'
    else n.nspname in (select json_array_elements_text(($1::text)::json)) end),
rel as (select c.oid, c.relname, c.relkind, c.relispartition, ns.nspname
    from pg_class c join ns on ns.oid = c.relnamespace where c.relkind in ('r', 'p'))
select
  coalesce((select json_agg(nspname order by nspname) from ns), '[]') as schemas,
  ${rows(TABLE, `from rel ${described('rel.oid', '0')}`, 'rel.nspname, rel.relname')} as tables,
  ${rows(
    COLUMN,
    `from rel join pg_attribute a on a.attrelid = rel.oid
    join pg_type t on t.oid = a.atttypid
    join pg_type st
      on st.oid = case when t.typelem <> 0 and t.typlen = -1 and t.typcategory = 'A' then t.typelem else t.oid end
    join pg_namespace stn on stn.oid = st.typnamespace
    left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
    ${described('a.attrelid', 'a.attnum')}
    where a.attnum > 0 and not a.attisdropped`,
    'a.attrelid, a.attnum',
  )} as columns,
  ${rows(
    CONSTRAINT,
    `from rel join pg_constraint k on k.conrelid = rel.oid
    left join pg_class rc on rc.oid = k.confrelid left join pg_namespace rn on rn.oid = rc.relnamespace
    where k.contype in ('p', 'u', 'f', 'c', 'x')`,
    'k.conname',
  )} as constraints,
  ${rows(
    INDEX,
    `from rel join pg_index i on i.indrelid = rel.oid join pg_class ic on ic.oid = i.indexrelid
    join pg_am am on am.oid = ic.relam
    where not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid and k.conrelid = i.indrelid)`,
    'ic.relname',
  )} as indexes,
  ${rows(TRIGGER, `from rel join pg_trigger tg on tg.tgrelid = rel.oid where not tg.tgisinternal`, 'tg.tgname')}
    as triggers,
  ${rows(
    OWNED_SEQUENCE,
    `from rel join pg_depend dep on dep.refobjid = rel.oid join pg_class sq on sq.oid = dep.objid
    where dep.refclassid = 'pg_class'::regclass and dep.classid = 'pg_class'::regclass and dep.deptype = 'a'
      and sq.relkind = 'S'`,
  )} as owned_sequences,
  ${rows(
    ENUM,
    `from pg_type t join pg_namespace n on n.oid = t.typnamespace
    where t.typtype = 'e' and ${SYSTEM_SCHEMA} and n.nspname <> '${MIGRATIONS_SCHEMA}'`,
    'n.nspname, t.typname',
  )} as enums,
  ${rows(
    ELSEWHERE,
    `from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r', 'p') and c.relname in (select json_array_elements_text(($2::text)::json))
      and n.nspname not in (select json_array_elements_text(($3::text)::json)) and ${SYSTEM_SCHEMA}`,
    'n.nspname, c.relname',
  )} as elsewhere`;
