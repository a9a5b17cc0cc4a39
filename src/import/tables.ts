import { constraintNames } from '../shared/conventions.js';
import { identifierProblem } from '../model/names.js';
import { sqlFragmentProblem } from '../model/sql-fragment.js';
import type { CatalogColumn, CatalogTable } from '../db/catalog/types.js';
import type { ColumnType } from '../model/types.js';
import { importColumn, withSequenceHome, type ColumnSpec } from './columns.js';
import { importPartitioning, type ImportedPartitioning } from './partitions.js';
import type { Finding } from './finding.js';
import type { Placement, SchemaHomes } from './placement.js';
import type { SequenceHomes } from './sequences.js';

/** A table as it will be written, before base columns are factored out. */
export interface ImportedTable {
  readonly live: CatalogTable;
  readonly place: Placement;
  /** in the table's column order; `spec` gets primaryKey, unique and references added here */
  readonly columns: { readonly name: string; readonly spec: ColumnSpec; readonly shareable?: boolean }[];
  readonly primaryKey?: readonly string[];
  /** the primary key's name, when it is not the one the manifest derives */
  readonly primaryKeyName?: string;
  readonly uniques: { columns: readonly string[]; name?: string }[];
  readonly indexes: Record<string, unknown>[];
  readonly checks: Record<string, { sql: string; name?: string }>;
  /** foreign keys over several columns; a single column's is its spec's `references` */
  readonly foreignKeys: Record<string, unknown>[];
  /** a partitioned table's key and partitions; absent on a partitioned table whose key has no manifest form */
  readonly partitioning?: ImportedPartitioning;
}

export interface TableContext {
  readonly placeOf: (schema: string, table: string) => Placement | undefined;
  readonly enumValues: (schema: string, name: string) => readonly string[] | undefined;
  /** an imported domain or composite type, by schema and name, as its columns' scalar type */
  readonly userType: (schema: string, name: string) => ColumnType | undefined;
  readonly unsupported: Finding[];
  /** constraints and indexes whose database name the manifest cannot keep */
  readonly renamed: Finding[];
  /** every partition of the schemas read */
  readonly partitions: readonly CatalogTable[];
  /** the service declaring each schema's own objects (placement.ts) */
  readonly homes: SchemaHomes;
  /** the service declaring each standalone sequence, for the defaults drawing from it */
  readonly sequences: SequenceHomes;
}

/** pg_type.typtype of a domain and a composite type */
const USER_TYPE_KIND: ReadonlySet<string> = new Set(['d', 'c']);

const ACTIONS: Record<string, string> = { r: 'restrict', c: 'cascade', n: 'set null', d: 'set default' };
const METHODS = new Set(['btree', 'hash', 'gin', 'gist', 'brin', 'spgist']);

export function importTable(live: CatalogTable, place: Placement, ctx: TableContext): ImportedTable {
  const full = `${live.schema}.${live.name}`;
  const lost = (kind: string, name: string, note?: string) =>
    ctx.unsupported.push({ kind, name: `${full}.${name}`, note });
  const columns: ImportedTable['columns'] = [];
  // A user type is declared by the home of its schema: a column of a table going to that service may use it.
  const userTypeOf = (c: CatalogColumn) =>
    USER_TYPE_KIND.has(c.typeKind) && ctx.homes.get(c.typeSchema) === place.service
      ? ctx.userType(c.typeSchema, c.typeName)
      : undefined;
  for (const c of live.columns) {
    const nameProblem = identifierProblem(c.name, 'column name');
    const imported = nameProblem
      ? { name: c.name, problem: nameProblem }
      : importColumn(c, (e) => ctx.enumValues(c.typeSchema, e), userTypeOf(c));
    if ('problem' in imported) lost('column', c.name, imported.problem);
    else {
      if (imported.note) lost('column default', c.name, imported.note);
      // An enum or a user type belongs to its service's schema; base columns are shared by every service.
      const shareable = c.typeKind !== 'e' && !USER_TYPE_KIND.has(c.typeKind);
      columns.push({ name: c.name, spec: withSequenceHome(imported.spec, ctx.sequences), shareable });
    }
  }
  const spec = new Map(columns.map((c) => [c.name, c.spec] as const));
  const known = (cols: readonly (string | null)[]): cols is string[] => cols.every((c) => c !== null && spec.has(c));
  // The manifest derives names from the table's new name; a database name it would derive from the
  // old one follows along.
  const derived = (name: string, make: (table: string) => string) =>
    name === make(live.name) || name === make(place.name);
  const renamed = (name: string, becomes: string) => {
    if (name !== becomes) ctx.renamed.push({ kind: 'name', name: `${full}.${name}`, note: `becomes ${becomes}` });
  };

  let primaryKey: string[] | undefined;
  let primaryKeyName: string | undefined;
  const uniques: ImportedTable['uniques'] = [];
  const checks: ImportedTable['checks'] = {};
  const foreignKeys: ImportedTable['foreignKeys'] = [];
  for (const k of live.constraints) {
    const definition = k.definition!; // import reads every constraint's
    if (k.type === 'x') lost('exclusion constraint', k.name, definition);
    else if (k.deferrable) lost('deferrable constraint', k.name, definition);
    else if (!known(k.columns)) lost('constraint', k.name, `on a column not imported: ${definition}`);
    else if (k.type === 'p') {
      if (derived(k.name, constraintNames.primaryKey)) renamed(k.name, constraintNames.primaryKey(place.name));
      else primaryKeyName = k.name;
      if (k.columns.length === 1) spec.get(k.columns[0]!)!['primaryKey'] = true;
      else primaryKey = [...k.columns];
    } else if (k.type === 'u') {
      if (k.columns.length === 1 && derived(k.name, (t) => constraintNames.unique(t, k.columns))) {
        renamed(k.name, constraintNames.unique(place.name, k.columns));
        spec.get(k.columns[0]!)!['unique'] = true;
      } else if (derived(k.name, (t) => constraintNames.unique(t, k.columns))) {
        renamed(k.name, constraintNames.unique(place.name, k.columns));
        uniques.push({ columns: k.columns });
      } else uniques.push({ columns: k.columns, name: k.name });
    } else if (k.type === 'f') {
      const reference = foreignKey(k, place, ctx);
      if (typeof reference === 'string') lost('foreign key', k.name, reference);
      else {
        const own = (t: string) => constraintNames.foreignKey(t, k.columns as string[]);
        if (derived(k.name, own)) renamed(k.name, own(place.name));
        else reference['name'] = k.name;
        if (k.columns.length > 1) foreignKeys.push(reference);
        else spec.get(k.columns[0]!)!['references'] = reference;
      }
    } else {
      const sql = /^CHECK \((.*)\)$/s.exec(definition)?.[1];
      const key = checkKey(k.name, live.name, place.name, checks);
      if (sql === undefined || sqlFragmentProblem(sql)) lost('check constraint', k.name, definition);
      else if (derived(k.name, (t) => constraintNames.check(t, key))) {
        renamed(k.name, constraintNames.check(place.name, key));
        checks[key] = { sql };
      } else checks[key] = { sql, name: k.name };
    }
  }
  const indexes: Record<string, unknown>[] = [];
  for (const ix of live.indexes) {
    if (!METHODS.has(ix.method)) lost('index', ix.name, `method ${ix.method}`);
    else if (ix.special) lost('index', ix.name, `ordering, INCLUDE or operator class: ${ix.definition}`);
    else if (!known(ix.keys.flatMap((k) => ('column' in k ? [k.column] : []))))
      lost('index', ix.name, `on a column not imported: ${ix.definition}`);
    else if ([ix.predicate, ...ix.keys.map((k) => ('sql' in k ? k.sql : null))].some((e) => e && sqlFragmentProblem(e)))
      lost('index', ix.name, `expression: ${ix.definition}`);
    else {
      const entry: Record<string, unknown> = {
        columns: ix.keys.map((k) => ('column' in k ? k.column : { sql: k.sql })),
      };
      if (ix.unique) entry['unique'] = true;
      if (ix.predicate !== null) entry['where'] = { sql: ix.predicate };
      if (ix.method !== 'btree') entry['method'] = ix.method;
      const own = constraintNames.index(place.name, ix.keys);
      if (derived(ix.name, (t) => constraintNames.index(t, ix.keys))) renamed(ix.name, own);
      else entry['name'] = ix.name;
      indexes.push(entry);
    }
  }
  const partitioning = live.partitioned
    ? importPartitioning(live, {
        partitions: ctx.partitions,
        lost: (kind, name, note) => ctx.unsupported.push({ kind, name, note }),
      })
    : undefined;
  return {
    live,
    place,
    columns,
    primaryKey,
    ...(primaryKeyName && { primaryKeyName }),
    uniques,
    indexes,
    checks,
    foreignKeys,
    ...(partitioning && { partitioning }),
  };
}

/**
 * A column's `{ table, column?, service?, onDelete?, onUpdate? }`, a table's foreign key over several
 * columns `{ columns, references: { table, columns, service? }, onDelete?, onUpdate? }`, or why the
 * manifest cannot say it.
 */
function foreignKey(
  k: CatalogTable['constraints'][number],
  place: Placement,
  ctx: TableContext,
): Record<string, unknown> | string {
  const target = ctx.placeOf(k.refSchema!, k.refTable!);
  if (!target) return `references ${k.refSchema}.${k.refTable}, which is not imported: ${k.definition}`;
  const service = target.service !== place.service ? { service: target.service } : {};
  const actions: Record<string, string> = {};
  if (k.onDelete && ACTIONS[k.onDelete]) actions['onDelete'] = ACTIONS[k.onDelete]!;
  if (k.onUpdate && ACTIONS[k.onUpdate]) actions['onUpdate'] = ACTIONS[k.onUpdate]!;
  if (k.columns.length > 1)
    return { columns: k.columns, references: { table: target.name, columns: k.refColumns, ...service }, ...actions };
  const column = k.refColumns![0] !== 'id' ? { column: k.refColumns![0]! } : {};
  return { table: target.name, ...column, ...service, ...actions };
}

/**
 * The check's key: `<table>_<key>_check` → key (under the old or the new table name), else the name
 * itself in lowercase with `_` for what an identifier cannot hold (the name is kept apart), unused so far.
 */
function checkKey(name: string, oldTable: string, newTable: string, taken: object): string {
  for (const t of [oldTable, newTable]) {
    const m = name.startsWith(`${t}_`) && name.endsWith('_check') ? name.slice(t.length + 1, -'_check'.length) : '';
    if (m && !identifierProblem(m, 'check') && !Object.hasOwn(taken, m)) return m;
  }
  const base =
    name
      .toLowerCase()
      .replace(/[^a-z0-9_]/g, '_')
      .replace(/^(?![a-z_])/, '_')
      .slice(0, 40) || 'check';
  let key = base === '__proto__' ? 'proto' : base;
  for (let i = 2; Object.hasOwn(taken, key); i++) key = `${base}_${i}`;
  return key;
}
