import type { Project } from './project.js';

/**
 * Everything a schema holds, one line per object, with the schema's name written `<s>` so a schema
 * before a move compares with the same schema after it: tables and partitions, columns (type, null,
 * default, identity, generated), constraints and indexes by name, sequences, views and their
 * definitions, functions, triggers, domains, composite and enum types, policies, grants and
 * comments. Read with `public` second on the search path, so a type an extension put in `public`
 * prints alike before and after its tables moved.
 */
const catalogLines = (schema: string) => `
  with s as (select oid from pg_namespace where nspname = '${schema}')
  select format('table %s %s%s%s rls=%s force=%s', c.relname, c.relkind,
                coalesce(' partition of ' || (select p.relname from pg_inherits i join pg_class p on p.oid = i.inhparent
                                               where i.inhrelid = c.oid) || ' ' || pg_get_expr(c.relpartbound, c.oid), ''),
                coalesce(' by ' || pg_get_partkeydef(c.oid), ''), c.relrowsecurity, c.relforcerowsecurity) as line
    from pg_class c where c.relnamespace = (select oid from s) and c.relkind in ('r', 'p')
  union all
  select format('column %s.%s %s %s default=%s identity=%s generated=%s', c.relname, a.attname,
                format_type(a.atttypid, a.atttypmod), case when a.attnotnull then 'not null' else 'null' end,
                coalesce(pg_get_expr(d.adbin, d.adrelid), '-'), a.attidentity, a.attgenerated)
    from pg_attribute a join pg_class c on c.oid = a.attrelid
    left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
   where c.relnamespace = (select oid from s) and c.relkind in ('r', 'p', 'v', 'm', 'c') and a.attnum > 0 and not a.attisdropped
  union all
  select format('constraint %s.%s %s', coalesce(c.relname, t.typname), k.conname, pg_get_constraintdef(k.oid))
    from pg_constraint k left join pg_class c on c.oid = k.conrelid left join pg_type t on t.oid = k.contypid
   where k.connamespace = (select oid from s)
  union all
  select format('index %s', pg_get_indexdef(i.indexrelid)) from pg_index i join pg_class c on c.oid = i.indexrelid
   where c.relnamespace = (select oid from s)
  union all
  select format('sequence %s %s start=%s inc=%s min=%s max=%s cache=%s cycle=%s owned=%s', c.relname, format_type(q.seqtypid, null),
                q.seqstart, q.seqincrement, q.seqmin, q.seqmax, q.seqcache, q.seqcycle,
                coalesce((select r.relname || '.' || a.attname from pg_depend dep join pg_class r on r.oid = dep.refobjid
                           join pg_attribute a on a.attrelid = r.oid and a.attnum = dep.refobjsubid
                          where dep.objid = c.oid and dep.classid = 'pg_class'::regclass and dep.deptype in ('a', 'i')), '-'))
    from pg_sequence q join pg_class c on c.oid = q.seqrelid where c.relnamespace = (select oid from s)
  union all
  select format('view %s %s %s', c.relname, c.relkind, pg_get_viewdef(c.oid)) from pg_class c
   where c.relnamespace = (select oid from s) and c.relkind in ('v', 'm')
  union all
  select format('function %s', pg_get_functiondef(p.oid)) from pg_proc p
   where p.pronamespace = (select oid from s) and p.prokind in ('f', 'p')
     and not exists (select from pg_depend d where d.objid = p.oid and d.deptype = 'e')
  union all
  select format('trigger %s', pg_get_triggerdef(t.oid)) from pg_trigger t join pg_class c on c.oid = t.tgrelid
   where c.relnamespace = (select oid from s) and not t.tgisinternal
  union all
  select format('type %s %s base=%s notnull=%s default=%s labels=%s', t.typname, t.typtype,
                format_type(nullif(t.typbasetype, 0), t.typtypmod), t.typnotnull, coalesce(t.typdefault, '-'),
                coalesce((select string_agg(e.enumlabel, ',' order by e.enumsortorder) from pg_enum e where e.enumtypid = t.oid), '-'))
    from pg_type t where t.typnamespace = (select oid from s) and t.typtype in ('d', 'e', 'c')
     and (t.typtype <> 'c' or (select relkind from pg_class where oid = t.typrelid) = 'c')
  union all
  select format('policy %s.%s %s %s to %s using %s check %s', c.relname, p.polname, p.polcmd, p.polpermissive,
                (select string_agg(coalesce(r.rolname, 'public'), ',' order by r.rolname)
                   from unnest(p.polroles) u left join pg_roles r on r.oid = u),
                coalesce(pg_get_expr(p.polqual, p.polrelid), '-'), coalesce(pg_get_expr(p.polwithcheck, p.polrelid), '-'))
    from pg_policy p join pg_class c on c.oid = p.polrelid where c.relnamespace = (select oid from s)
  union all
  select format('grant %s %s', c.relname, c.relacl::text) from pg_class c
   where c.relnamespace = (select oid from s) and c.relacl is not null
  union all
  select format('comment %s.%s %s', c.relname, coalesce(a.attname, '-'), d.description) from pg_description d
    join pg_class c on c.oid = d.objoid and d.classoid = 'pg_class'::regclass
    left join pg_attribute a on a.attrelid = c.oid and a.attnum = d.objsubid and d.objsubid > 0
   where c.relnamespace = (select oid from s)
`;

/** Each table's row count and a checksum of its rows, and each sequence's position. */
const dataLines = (schema: string) => `
  select string_agg(q, ' union all ') from (
    select format('select %L || '' '' || count(*) || '' '' || coalesce(md5(string_agg(t::text, '','' order by t::text)), ''-'') as line from %I.%I t',
                  'rows ' || c.relname, n.nspname, c.relname) as q
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = '${schema}' and c.relkind in ('r', 'p')
    union all
    select format('select %L || '' '' || last_value || '' '' || is_called as line from %I.%I',
                  'sequence ' || c.relname, n.nspname, c.relname)
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = '${schema}' and c.relkind = 'S') parts`;

/** postgres.js answers a multi-statement text with one result per statement; PGlite's helper with the last. */
async function lastResult<T>(p: Project, text: string): Promise<T[]> {
  const result = await p.sql<T | T[]>(text);
  return (Array.isArray(result[0]) ? result.at(-1) : result) as T[];
}

const inSchema = (schema: string, line: string) =>
  line.replaceAll(`"${schema}".`, '<s>.').replaceAll(`${schema}.`, '<s>.');

/** The catalog of `schema`, sorted, with its own name written `<s>`. */
export async function fullCatalog(p: Project, schema: string): Promise<string[]> {
  const rows = await lastResult<{ line: string }>(
    p,
    `set search_path to "${schema}", public; ${catalogLines(schema)} order by 1`,
  );
  return rows.map((r) => inSchema(schema, r.line));
}

/** The extensions of the database, with their schemas. */
export async function extensions(p: Project): Promise<string[]> {
  const rows = await p.sql<{ line: string }>(
    `select format('extension %s in %s', extname, extnamespace::regnamespace) as line from pg_extension order by 1`,
  );
  return rows.map((r) => r.line);
}

/** Every table's rows and every sequence's position in `schema`, sorted. */
export async function fullData(p: Project, schema: string): Promise<string[]> {
  const [built] = await p.sql<{ string_agg: string | null }>(dataLines(schema));
  if (!built?.string_agg) return [];
  const rows = await p.sql<{ line: string }>(`${built.string_agg} order by 1`);
  return rows.map((r) => r.line);
}
