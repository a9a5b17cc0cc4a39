import type { Model, Service, Table } from '../../model/types.js';
import type { Queryable } from '../connect/queryable.js';
import { MIGRATIONS_SCHEMA } from '../../shared/conventions.js';
import { editDistance, looksLike } from '../../shared/edit-distance.js';
import { plural } from '../../shared/plural.js';
import { qualified } from '../../shared/sql-quote.js';

/**
 * What a `from:` may have meant when its source is not there. A misspelt source (`users_usr` for
 * Django's `users_user`) moves nothing: push would create an empty twin beside the rows, and verify
 * would then take the missing source for a move that happened. The tables a `from:` can mean are
 * those it could move: in no system schema, not an extension's, not declared by the manifest.
 */
export interface Place {
  readonly schema: string;
  readonly table: string;
}

/** A table a `from:` could move; `readable` when this connection may count its rows (verify may run read-only). */
export interface Candidate extends Place {
  readonly readable: boolean;
}

const UNDECLARED = `
select n.nspname as schema, c.relname as table,
       has_schema_privilege(n.oid, 'usage') and has_table_privilege(c.oid, 'select') as readable
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
 where c.relkind in ('r', 'p') and not c.relispartition
   and n.nspname not in ('pg_catalog', 'information_schema', $1) and n.nspname not like 'pg\\_%'
   and not exists (select 1 from pg_depend d
                    where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
 order by 1, 2`;

/** Every table a `from:` could move: read once per push or verify of a service, only when a source is missing. */
export async function undeclaredTables(tx: Queryable, model: Model): Promise<Candidate[]> {
  const declared = new Set(model.services.flatMap((s) => s.tables.map((t) => `${s.schema}.${t.name}`)));
  const rows = await tx.query<Candidate>(UNDECLARED, [MIGRATIONS_SCHEMA]);
  return rows.filter((r) => !declared.has(`${r.schema}.${r.table}`));
}

/** Tables whose names look like a misspelling of the source's: in its schema first, then elsewhere; nearest first. */
export function similarTables<T extends Place>(from: Place, tables: readonly T[]): T[] {
  const nearest = (list: readonly T[]) =>
    list
      .filter((t) => looksLike(from.table, t.table))
      .map((t) => ({ t, d: editDistance(from.table, t.table) }))
      .sort((a, b) => a.d - b.d || a.t.schema.localeCompare(b.t.schema) || a.t.table.localeCompare(b.t.table))
      .map((x) => x.t);
  return [
    ...nearest(tables.filter((t) => t.schema === from.schema)),
    ...nearest(tables.filter((t) => t.schema !== from.schema)),
  ];
}

/**
 * The table a `from:` most likely meant: the most similar name (in its schema first), else the
 * nearest name in its schema; none when nothing resembles it and its schema holds nothing it could
 * move, as in a fresh database (a test database, a new environment), where the table is simply created.
 */
export function closestTable<T extends Place>(from: Place, tables: readonly T[]): T | undefined {
  const [similar] = similarTables(from, tables);
  if (similar) return similar;
  const distance = (t: Place) => editDistance(from.table, t.table);
  return tables
    .filter((t) => t.schema === from.schema)
    .reduce<T | undefined>((best, t) => (!best || distance(t) < distance(best) ? t : best), undefined);
}

const rowCount = async (tx: Queryable, t: Place) =>
  Number((await tx.query<{ n: string | number }>(`select count(*) as n from ${qualified(t.schema, t.table)}`))[0]!.n);

const hasRows = async (tx: Queryable, t: Place) =>
  (await tx.query<{ ok: boolean }>(`select exists (select from ${qualified(t.schema, t.table)}) as ok`))[0]!.ok;

const readable = async (tx: Queryable, t: Place) =>
  (
    await tx.query<{ ok: boolean }>(`select coalesce(has_table_privilege(to_regclass($1), 'select'), false) as ok`, [
      qualified(t.schema, t.table),
    ])
  )[0]!.ok;

/** The YAML path of a table's `from:`, as messages name it. */
export const fromPath = (service: Service, table: Table) => `services.${service.name}.tables.${table.name}.from`;

/**
 * Push, when neither the source of a `from:` nor its target exists: why it must stop, naming the
 * table the source most likely meant and its rows, or nothing when the database holds no such table.
 */
export async function missingSource(
  tx: Queryable,
  service: Service,
  table: Table,
  tables: readonly Candidate[],
): Promise<string | undefined> {
  const from = table.from!;
  const meant = closestTable(from, tables);
  if (!meant) return undefined;
  const target = `${service.schema}.${table.name}`;
  const rows = meant.readable ? `with ${plural(await rowCount(tx, meant), 'row')}` : 'whose rows this role cannot read';
  return (
    `${fromPath(service, table)}: ${from.schema}.${from.table} does not exist, nor does ${target} yet: ` +
    `the closest table is ${meant.schema}.${meant.table}, ${rows}; ` +
    `correct the from:, or remove it to create ${target} empty`
  );
}

/**
 * Verify, when the target of a `from:` exists and its source does not: a table of a similar name
 * holding rows (or whose rows this role cannot read) says the source may have been misspelt and
 * never moved, the target created beside it; the note saying so, with the way to move them, or
 * nothing when the move may have happened.
 */
export async function unmovedSource(
  tx: Queryable,
  service: Service,
  table: Table,
  tables: readonly Candidate[],
): Promise<string | undefined> {
  const from = table.from!;
  for (const t of similarTables(from, tables)) {
    if (t.readable && !(await hasRows(tx, t))) continue;
    const target = { schema: service.schema, table: table.name };
    const name = `${target.schema}.${target.table}`;
    const holds = t.readable ? `holds ${plural(await rowCount(tx, t), 'row')}` : 'exists (this role cannot read it)';
    const fix =
      !(await readable(tx, target)) || (await hasRows(tx, target))
        ? `move its rows into ${name} by hand and drop it, then correct the from:`
        : `drop the empty ${name}, correct the from: and push to move it`;
    return (
      `${fromPath(service, table)}: ${from.schema}.${from.table} does not exist, and ${t.schema}.${t.table}, ` +
      `a similar name, ${holds}: if the from: meant it, nothing was moved here; ${fix}`
    );
  }
  return undefined;
}
