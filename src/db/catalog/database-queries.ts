import { NAMESPACES, type CatalogStatement } from './query.js';

/**
 * The extensions created in the database, by name (they are the database's, not a schema's). plpgsql
 * is left out: every database has it, and no manifest needs to ask for it.
 */
export const EXTENSIONS: CatalogStatement = {
  text: `select extname as "name" from pg_extension where extname <> 'plpgsql' order by extname`,
  params: () => [],
  keys: ['name'],
};

/**
 * The standalone sequences of the schemas read: those no column owns (a serial's or an identity's
 * belong to their column), with their options as pg_sequence stores them and the last value handed
 * out (null before the first). Numbers come as text: a bigint's bounds do not fit a JavaScript number.
 */
export const SEQUENCES: CatalogStatement = {
  text: `${NAMESPACES}
select ns.nspname as "schema", c.relname as "name", format_type(s.seqtypid, null) as "type",
       s.seqstart::text as "start", s.seqincrement::text as "increment", s.seqmin::text as "minValue",
       s.seqmax::text as "maxValue", s.seqcache::text as "cache", s.seqcycle as "cycle",
       pg_sequence_last_value(c.oid)::text as "lastValue"
  from pg_class c join ns on ns.oid = c.relnamespace join pg_sequence s on s.seqrelid = c.oid
 where c.relkind = 'S' and not exists(select 1 from pg_depend dep
         where dep.classid = 'pg_class'::regclass and dep.objid = c.oid and dep.deptype in ('a', 'i'))
 order by 1, 2`,
  params: (p) => [p.schemas],
  keys: [],
};

/** The roles of the server, by name: a declared grant names one (push creates no roles). */
export const ROLES: CatalogStatement = {
  text: `select rolname as "name" from pg_roles order by rolname`,
  params: () => [],
  keys: ['name'],
};
