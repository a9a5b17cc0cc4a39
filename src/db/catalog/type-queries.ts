import { NAMESPACES, type CatalogStatement } from './query.js';

/** The element type behind a type (the enum behind `tier[]`), for import: as TYPES reads it for a column. */
const ELEMENT = (alias: string, of: string) => `pg_type ${alias}
    on ${alias}.oid = case when ${of}.typelem <> 0 and ${of}.typlen = -1 and ${of}.typcategory = 'A'
                           then ${of}.typelem else ${of}.oid end`;

/**
 * The domains of the schemas read: the base type as format_type() spells it, with the scalar type
 * behind it (an enum's name and schema, for import) and its array dimensions; NOT NULL, the default
 * and the checks, each with its definition and whether it was validated.
 */
export const DOMAINS: CatalogStatement = {
  text: `${NAMESPACES}
select ns.nspname as "schema", t.typname as "name", format_type(t.typbasetype, t.typtypmod) as "baseType",
       t.typndims as "dims", st.typname as "baseTypeName", stn.nspname as "baseTypeSchema",
       st.typtype::text as "baseTypeKind", t.typnotnull as "notNull", pg_get_expr(t.typdefaultbin, 0) as "default",
       (select coalesce(json_agg(json_build_object('name', k.conname, 'definition', pg_get_constraintdef(k.oid, true),
               'validated', k.convalidated) order by k.conname), '[]')
          from pg_constraint k where k.contypid = t.oid and k.contype = 'c') as "checks"
  from pg_type t join ns on ns.oid = t.typnamespace join pg_type b on b.oid = t.typbasetype
  join ${ELEMENT('st', 'b')}
  join pg_namespace stn on stn.oid = st.typnamespace
 where t.typtype = 'd'
 order by ns.nspname, t.typname`,
  params: (p) => [p.schemas],
  keys: [],
};

/**
 * The composite types of the schemas read (CREATE TYPE … AS, not the row types of tables): each
 * attribute in order, with its type as format_type() spells it and the scalar type behind it, as a
 * column's (CatalogColumn).
 */
export const COMPOSITES: CatalogStatement = {
  text: `${NAMESPACES}
select ns.nspname as "schema", t.typname as "name",
       (select coalesce(json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod),
               'dims', a.attndims, 'typeName', st.typname, 'typeSchema', stn.nspname, 'typeKind', st.typtype::text)
               order by a.attnum), '[]')
          from pg_attribute a join pg_type at on at.oid = a.atttypid join ${ELEMENT('st', 'at')}
          join pg_namespace stn on stn.oid = st.typnamespace
         where a.attrelid = t.typrelid and a.attnum > 0 and not a.attisdropped) as "attributes"
  from pg_type t join ns on ns.oid = t.typnamespace join pg_class c on c.oid = t.typrelid
 where t.typtype = 'c' and c.relkind = 'c'
 order by ns.nspname, t.typname`,
  params: (p) => [p.schemas],
  keys: [],
};
