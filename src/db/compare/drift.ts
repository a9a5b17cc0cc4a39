import type { Column, Enum, Index, Service, Table } from '../../model/types.js';
import type { CatalogColumn, CatalogConstraint, CatalogIndex, CatalogSchema, CatalogTable } from '../catalog/types.js';
import { checkCondition } from '../catalog/types.js';
import type { Queryable } from '../connect/queryable.js';
import { comparedWithServer, defaultExpression, type Equivalence } from './equivalence.js';
import { actualDefault, expectedDefault, foreignCast, stripSchema } from './normalize.js';
import { diffTriggers } from './triggers.js';
import { wantedConstraints, type WantedConstraint } from './wanted.js';

/** One difference between the manifest and the live database. */
export interface Drift {
  readonly service: string;
  /** `schema.table` or `schema.table.column`, or the object's qualified name */
  readonly where: string;
  readonly message: string;
  /** what would make it match, for the planner (plan/changes.ts); verify reports only the message */
  readonly change?: Change;
  /** a manifest table found in another schema: verify reports it, push leaves it alone */
  readonly elsewhere?: boolean;
}

/** What differs in a column that exists on both sides. */
export type ColumnAspect = 'type' | 'nullability' | 'default' | 'identity' | 'comment';

/** A difference as the planner reads it: what to create, change or remove. */
export type Change =
  | { readonly kind: 'create schema' }
  | { readonly kind: 'create table'; readonly table: Table }
  | { readonly kind: 'drop table'; readonly live: CatalogTable }
  | { readonly kind: 'table comment'; readonly table: Table }
  | { readonly kind: 'add column'; readonly table: Table; readonly column: Column }
  | { readonly kind: 'drop column'; readonly table: Table; readonly live: CatalogColumn }
  | {
      readonly kind: 'column';
      readonly aspect: ColumnAspect;
      readonly table: Table;
      readonly column: Column;
      readonly live: CatalogColumn;
    }
  /** with `live`: the constraint exists under this name but differs, so it is replaced */
  | {
      readonly kind: 'add constraint';
      readonly table: Table;
      readonly constraint: WantedConstraint;
      readonly live?: CatalogConstraint;
    }
  | { readonly kind: 'drop constraint'; readonly table: Table; readonly live: CatalogConstraint }
  | { readonly kind: 'validate constraint'; readonly table: Table; readonly live: CatalogConstraint }
  /** with `live`: the index exists under this name but differs (or is invalid), so it is rebuilt */
  | { readonly kind: 'create index'; readonly table: Table; readonly index: Index; readonly live?: CatalogIndex }
  | { readonly kind: 'drop index'; readonly table: Table; readonly live: CatalogIndex }
  | { readonly kind: 'create enum'; readonly enum: Enum }
  | { readonly kind: 'enum values'; readonly enum: Enum; readonly live: readonly string[] }
  | { readonly kind: 'drop enum'; readonly name: string }
  | { readonly kind: 'trigger'; readonly table: Table; readonly column: Column; readonly replace: boolean }
  | { readonly kind: 'drop trigger'; readonly table: Table; readonly name: string };

const FK_ACTION: Record<string, string> = {
  a: 'no action',
  r: 'restrict',
  c: 'cascade',
  n: 'set null',
  d: 'set default',
};
const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
const list = (a: readonly string[]) => `(${a.join(', ')})`;

/**
 * Everything that differs between the service's model and its schema in the catalog. `db` spells
 * the expressions whose text differs (equivalence.ts); with none, nothing is sent to it.
 */
export function diffService(service: Service, catalog: CatalogSchema, db: Queryable): Promise<Drift[]> {
  return comparedWithServer(db, (equivalence) => compareService(service, catalog, equivalence));
}

function compareService(service: Service, catalog: CatalogSchema, equivalence: Equivalence): Drift[] {
  const drift: Drift[] = [];
  const at: Report = (where, message, change) =>
    drift.push({ service: service.name, where: `${service.schema}.${where}`, message, change });
  for (const e of catalog.elsewhere)
    drift.push({
      service: service.name,
      where: `${e.schema}.${e.table}`,
      message:
        `table ${e.table} of service ${service.name} exists in schema ${e.schema}; ` +
        `expected only in ${service.schema}`,
      elsewhere: true,
    });
  if (!catalog.exists) {
    drift.push({
      service: service.name,
      where: service.schema,
      message: `schema ${service.schema} does not exist`,
      change: { kind: 'create schema' },
    });
    return drift;
  }
  const actualTables = new Map(catalog.tables.map((t) => [t.name, t] as const));
  for (const table of service.tables) {
    const actual = actualTables.get(table.name);
    if (!actual) at(table.name, 'table is missing', { kind: 'create table', table });
    else diffTable(service.schema, table, actual, at, equivalence);
  }
  const declared = new Set(service.tables.map((t) => t.name));
  // A partition belongs to its partitioned table: it is not a table of its own to report or drop.
  for (const t of catalog.tables)
    if (!declared.has(t.name) && !t.partition)
      at(t.name, 'table is not in the manifest', { kind: 'drop table', live: t });
  const actualEnums = new Map(catalog.enums.map((e) => [e.name, e.values] as const));
  for (const e of service.enums) {
    const values = actualEnums.get(e.name);
    if (!values) at(e.name, 'enum is missing', { kind: 'create enum', enum: e });
    else if (!same(values, e.values))
      at(e.name, `enum values are ${list(values)}; expected ${list(e.values)}`, {
        kind: 'enum values',
        enum: e,
        live: values,
      });
  }
  for (const e of catalog.enums)
    if (!service.enums.some((m) => m.name === e.name))
      at(e.name, 'enum is not in the manifest', { kind: 'drop enum', name: e.name });
  return drift;
}

type Report = (where: string, message: string, change?: Change) => void;

function diffTable(schema: string, table: Table, actual: CatalogTable, at: Report, equivalence: Equivalence) {
  if ((actual.comment ?? undefined) !== table.comment)
    at(table.name, `comment is ${JSON.stringify(actual.comment)}; expected ${JSON.stringify(table.comment ?? null)}`, {
      kind: 'table comment',
      table,
    });
  const columns = new Map(actual.columns.map((c) => [c.name, c] as const));
  for (const column of table.columns) {
    const where = `${table.name}.${column.name}`;
    const live = columns.get(column.name);
    if (!live) {
      at(where, `column is missing (from ${column.origin === 'table' ? 'the table' : column.origin})`, {
        kind: 'add column',
        table,
        column,
      });
      continue;
    }
    const want = expectationOf(column);
    const differs = (aspect: ColumnAspect): Change => ({
      kind: 'column',
      aspect,
      table,
      column,
      live,
    });
    if (stripSchema(live.type) !== column.type.sql)
      at(where, `type is ${live.type}; expected ${column.type.sql}`, differs('type'));
    if (live.notNull !== want.notNull)
      at(
        where,
        `is ${live.notNull ? 'NOT NULL' : 'nullable'}; expected ${want.notNull ? 'NOT NULL' : 'nullable'}`,
        differs('nullability'),
      );
    if (!column.identity) diffDefault(schema, table, column, live, at, equivalence);
    if (live.identity !== want.identity)
      at(where, `identity is ${live.identity || 'none'}; expected ${column.identity ?? 'none'}`, differs('identity'));
    if ((live.comment ?? undefined) !== column.comment)
      at(
        where,
        `comment is ${JSON.stringify(live.comment)}; expected ${JSON.stringify(column.comment ?? null)}`,
        differs('comment'),
      );
  }
  // Names are unique on both sides: with every manifest column found, equal counts leave no extra one.
  if (actual.columns.length !== table.columns.length || table.columns.some((c) => !columns.has(c.name)))
    for (const c of actual.columns)
      if (!table.columns.some((m) => m.name === c.name))
        at(`${table.name}.${c.name}`, 'column is not in the manifest', { kind: 'drop column', table, live: c });
  diffConstraints(schema, table, actual, at, equivalence);
  for (const t of diffTriggers(schema, table, actual))
    at(
      `${table.name}.${t.name}`,
      t.message,
      t.column
        ? { kind: 'trigger', table, column: t.column, replace: t.replace }
        : { kind: 'drop trigger', table, name: t.name },
    );
}

/** What a model column asks of its live column, worked out once per column object. */
interface Expectation {
  readonly notNull: boolean;
  /** the default in normalized form, undefined for none */
  readonly default: string | undefined;
  readonly identity: '' | 'a' | 'd';
  /** actualDefault for this column, remembered per live text */
  readonly actualDefault: (text: string | null) => string | undefined;
}

// A cached model shares equal columns between tables (the base columns of every table are one
// object), so a schema of thousands of tables works out a few dozen expectations.
const expectations = new WeakMap<Column, Expectation>();

function expectationOf(column: Column): Expectation {
  let e = expectations.get(column);
  if (!e) {
    const actual = new Map<string | null, string | undefined>();
    e = {
      notNull: !column.nullable || column.primaryKey,
      default: expectedDefault(column),
      identity: column.identity === 'always' ? 'a' : column.identity === 'by default' ? 'd' : '',
      actualDefault: (text) => {
        if (!actual.has(text)) actual.set(text, actualDefault(text, column));
        return actual.get(text);
      },
    };
    expectations.set(column, e);
  }
  return e;
}

function describeDefault(column: Column): string {
  const d = column.default;
  if (!d) return column.type.kind.endsWith('serial') ? 'a sequence' : 'none';
  return d.kind === 'sql'
    ? d.sql
    : JSON.stringify(d.value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

function diffConstraints(schema: string, table: Table, actual: CatalogTable, at: Report, equivalence: Equivalence) {
  // Exclusion constraints are what import reports as beyond the manifest; verify compares the kinds it declares.
  const declarable = actual.constraints.filter((k) => k.type !== 'x');
  const constraints = new Map(declarable.map((k) => [k.name, k] as const));
  const what = { p: 'primary key', u: 'unique constraint', f: 'foreign key', c: 'check constraint' } as const;
  for (const want of wantedConstraints(table)) {
    const where = `${table.name}.${want.name}`;
    const live = constraints.get(want.name);
    constraints.delete(want.name);
    const add = (message: string, replacing?: CatalogConstraint) =>
      at(where, message, { kind: 'add constraint', table, constraint: want, live: replacing });
    if (!live) {
      add(`${what[want.type]} is missing`);
      continue;
    }
    if (live.type !== want.type) {
      add(`is a ${live.type} constraint; expected ${what[want.type]}`, live);
      continue;
    }
    const differences = constraintDifferences(want, live, (sql, condition) =>
      equivalence.check(schema, table, sql, condition),
    );
    differences.forEach((message, i) => (i === 0 ? add(message, live) : at(where, message)));
    // Validated after the commit: push validates it (online.ts validationSteps).
    if (differences.length === 0 && live.validated === false)
      at(where, `${what[want.type]} is NOT VALID (its validation never finished); push validates it`, {
        kind: 'validate constraint',
        table,
        live,
      });
  }
  // NOT NULL and other implicit constraints are not listed; anything left was added by hand.
  for (const live of constraints.values())
    at(`${table.name}.${live.name}`, 'constraint is not in the manifest', { kind: 'drop constraint', table, live });

  const indexes = new Map(actual.indexes.map((i) => [i.name, i] as const));
  for (const index of table.indexes) {
    const live = indexes.get(index.name);
    indexes.delete(index.name);
    const where = `${table.name}.${index.name}`;
    if (!live) {
      at(where, 'index is missing', { kind: 'create index', table, index });
      continue;
    }
    const differences = [
      live.valid === false && 'index is invalid (a concurrent build failed or was interrupted); push rebuilds it',
      live.unique !== index.unique &&
        `index is ${live.unique ? '' : 'not '}unique; expected ${index.unique ? '' : 'not '}unique`,
      live.method !== index.method && `index method is ${live.method}; expected ${index.method}`,
      !same(live.columns, index.columns) && `index covers ${list(live.columns)}; expected ${list(index.columns)}`,
      !equivalence.predicate(schema, table, index.where, live.predicate) &&
        `index predicate is ${live.predicate ?? 'none'}; expected ${index.where ?? 'none'}`,
    ].filter((d): d is string => d !== false);
    // One change rebuilds the index, whatever differs in it.
    differences.forEach((message, i) =>
      at(where, message, i === 0 ? { kind: 'create index', table, index, live } : undefined),
    );
  }
  for (const live of indexes.values())
    at(`${table.name}.${live.name}`, 'index is not in the manifest', { kind: 'drop index', table, live });
}

/** How a live constraint of the expected name and type differs from the declared one. */
function constraintDifferences(
  want: WantedConstraint,
  live: CatalogConstraint,
  sameCheck: (sql: string, condition: string) => boolean,
): string[] {
  const what = { p: 'primary key', u: 'unique constraint', f: 'foreign key', c: 'check constraint' }[want.type];
  switch (want.type) {
    case 'p':
    case 'u':
      return same(live.columns, want.columns)
        ? []
        : [`${what} covers ${list(live.columns)}; expected ${list(want.columns)}`];
    case 'c':
      // A check added NOT VALID (online push) says so in its definition; its validity is reported apart.
      return sameCheck(want.sql, checkCondition(live))
        ? []
        : [`check is ${live.definition}; expected CHECK (${want.sql})`];
    case 'f': {
      const { fk } = want;
      const out: string[] = [];
      if (!same(live.columns, [fk.column]))
        out.push(`${what} covers ${list(live.columns)}; expected ${list([fk.column])}`);
      const target = `${fk.target.schema}.${fk.target.table}(${fk.target.column})`;
      const liveTarget = `${live.refSchema}.${live.refTable}(${(live.refColumns ?? []).join(', ')})`;
      if (liveTarget !== target) out.push(`references ${liveTarget}; expected ${target}`);
      for (const [key, wanted] of [
        ['onDelete', fk.onDelete],
        ['onUpdate', fk.onUpdate],
      ] as const) {
        const got = FK_ACTION[live[key] ?? 'a'];
        if (got !== (wanted ?? 'no action')) out.push(`${key} is ${got}; expected ${wanted ?? 'no action'}`);
      }
      return out;
    }
  }
}

/**
 * A column's default: the same text once normalized, or the server's spelling of the manifest's
 * default. A literal cast to another type than the column's (a type change keeps the old default's
 * cast) differs only in spelling, and is set again.
 */
function diffDefault(
  schema: string,
  table: Table,
  column: Column,
  live: CatalogColumn,
  at: Report,
  equivalence: Equivalence,
) {
  const want = expectationOf(column);
  const got = want.actualDefault(live.default);
  if (got === want.default) return;
  const where = `${table.name}.${column.name}`;
  const change: Change = { kind: 'column', aspect: 'default', table, column, live };
  const differs = () => at(where, `default is ${live.default ?? 'none'}; expected ${describeDefault(column)}`, change);
  // A sequence's default is compared by its text alone.
  const expression = column.type.kind.endsWith('serial') ? undefined : defaultExpression(schema, column);
  if (live.default === null || !expression) return differs();
  if (equivalence.same(expression, live.default)) return;
  const spelling = equivalence.spelling(expression);
  const cast = foreignCast(live.default, column);
  if (spelling === undefined || cast === undefined || got !== `${want.default}::${cast}`) return differs();
  at(where, `default is ${live.default}, cast to another type than the column's; expected ${spelling}`, change);
}
