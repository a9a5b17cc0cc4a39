import type { Column, Service, Table } from '../../model/types.js';
import { checkCondition, type CatalogConstraint, type CatalogSchema, type CatalogTable } from '../catalog/types.js';
import type { Queryable } from '../connect/queryable.js';
import { comparedWithServer, defaultExpression, defaultSql, type Equivalence } from './equivalence.js';
import { actualDefault, expectedDefault, foreignCast, stripSchema } from './normalize.js';
import { commentOn, createIndex } from './sql-text.js';
import { diffTriggers } from './triggers.js';
import { qualified, quoteIdent } from '../../shared/sql-quote.js';

/** One difference between the manifest and the live database. */
export interface Drift {
  readonly service: string;
  /** `schema.table` or `schema.table.column`, or the object's qualified name */
  readonly where: string;
  readonly message: string;
  /**
   * Statements that make this item match, for what push repairs without drizzle-kit: comments,
   * checks and indexes whose definition changed (drizzle-kit's push compares those by name only),
   * and a default whose literal is cast to another type than its column's.
   */
  readonly repair?: readonly string[];
  /** a manifest table found in another schema: verify reports it, push leaves it alone */
  readonly elsewhere?: boolean;
}

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
  const at: Report = (where, message, repair) =>
    drift.push({ service: service.name, where: `${service.schema}.${where}`, message, repair });
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
    drift.push({ service: service.name, where: service.schema, message: `schema ${service.schema} does not exist` });
    return drift;
  }
  const actualTables = new Map(catalog.tables.map((t) => [t.name, t] as const));
  for (const table of service.tables) {
    const actual = actualTables.get(table.name);
    if (!actual) at(table.name, 'table is missing');
    else diffTable(service.schema, table, actual, at, equivalence);
  }
  const declared = new Set(service.tables.map((t) => t.name));
  for (const t of catalog.tables) if (!declared.has(t.name)) at(t.name, 'table is not in the manifest');
  const actualEnums = new Map(catalog.enums.map((e) => [e.name, e.values] as const));
  for (const e of service.enums) {
    const values = actualEnums.get(e.name);
    if (!values) at(e.name, 'enum is missing');
    else if (!same(values, e.values)) at(e.name, `enum values are ${list(values)}; expected ${list(e.values)}`);
  }
  for (const e of catalog.enums)
    if (!service.enums.some((m) => m.name === e.name)) at(e.name, 'enum is not in the manifest');
  return drift;
}

type Report = (where: string, message: string, repair?: readonly string[]) => void;

function diffTable(schema: string, table: Table, actual: CatalogTable, at: Report, equivalence: Equivalence) {
  if ((actual.comment ?? undefined) !== table.comment)
    at(table.name, `comment is ${JSON.stringify(actual.comment)}; expected ${JSON.stringify(table.comment ?? null)}`, [
      commentOn(schema, table.name, undefined, table.comment),
    ]);
  const columns = new Map(actual.columns.map((c) => [c.name, c] as const));
  for (const column of table.columns) {
    const where = `${table.name}.${column.name}`;
    const live = columns.get(column.name);
    if (!live) {
      at(where, `column is missing (from ${column.origin === 'table' ? 'the table' : column.origin})`);
      continue;
    }
    const want = expectationOf(column);
    if (stripSchema(live.type) !== column.type.sql) at(where, `type is ${live.type}; expected ${column.type.sql}`);
    if (live.notNull !== want.notNull)
      at(where, `is ${live.notNull ? 'NOT NULL' : 'nullable'}; expected ${want.notNull ? 'NOT NULL' : 'nullable'}`);
    if (!column.identity) diffDefault(schema, table.name, column, live.default, at, equivalence);
    if (live.identity !== want.identity)
      at(where, `identity is ${live.identity || 'none'}; expected ${column.identity ?? 'none'}`);
    if ((live.comment ?? undefined) !== column.comment) {
      at(where, `comment is ${JSON.stringify(live.comment)}; expected ${JSON.stringify(column.comment ?? null)}`, [
        commentOn(schema, table.name, column.name, column.comment),
      ]);
    }
  }
  // Names are unique on both sides: with every manifest column found, equal counts leave no extra one.
  if (actual.columns.length !== table.columns.length || table.columns.some((c) => !columns.has(c.name)))
    for (const c of actual.columns)
      if (!table.columns.some((m) => m.name === c.name)) at(`${table.name}.${c.name}`, 'column is not in the manifest');
  diffConstraints(schema, table, actual, at, equivalence);
  for (const t of diffTriggers(schema, table, actual)) at(`${table.name}.${t.name}`, t.message, t.repair);
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
  const target = qualified(schema, table.name);
  // Exclusion constraints are what import reports as beyond the manifest; verify compares the kinds it declares.
  const declarable = actual.constraints.filter((k) => k.type !== 'x');
  const constraints = new Map(declarable.map((k) => [k.name, k] as const));
  // Returns the live constraint only when it exists with the expected type: `at` returns a value too.
  const expectKey = (
    name: string,
    type: 'p' | 'u' | 'f' | 'c',
    columns: readonly string[] | undefined,
    what: string,
  ): CatalogConstraint | undefined => {
    const live = constraints.get(name);
    constraints.delete(name);
    if (!live) return void at(`${table.name}.${name}`, `${what} is missing`);
    if (live.type !== type) return void at(`${table.name}.${name}`, `is a ${live.type} constraint; expected ${what}`);
    // Nothing to run in the transaction: push validates it after the commit (online.ts validationSteps).
    if (live.validated === false)
      at(`${table.name}.${name}`, `${what} is NOT VALID (its validation never finished); push validates it`, []);
    if (columns && !same(live.columns, columns))
      at(`${table.name}.${name}`, `${what} covers ${list(live.columns)}; expected ${list(columns)}`);
    return live;
  };
  const pkColumns = table.primaryKey?.columns ?? table.columns.filter((c) => c.primaryKey).map((c) => c.name);
  if (pkColumns.length > 0) expectKey(table.primaryKey?.name ?? `${table.name}_pkey`, 'p', pkColumns, 'primary key');
  for (const u of table.uniques) expectKey(u.name, 'u', u.columns, 'unique constraint');
  for (const fk of table.foreignKeys) {
    const live = expectKey(fk.name, 'f', [fk.column], 'foreign key');
    if (!live) continue;
    const target = `${fk.target.schema}.${fk.target.table}(${fk.target.column})`;
    const liveTarget = `${live.refSchema}.${live.refTable}(${(live.refColumns ?? []).join(', ')})`;
    if (liveTarget !== target) at(`${table.name}.${fk.name}`, `references ${liveTarget}; expected ${target}`);
    for (const [key, want] of [
      ['onDelete', fk.onDelete],
      ['onUpdate', fk.onUpdate],
    ] as const) {
      const got = FK_ACTION[live[key] ?? 'a'];
      if (got !== (want ?? 'no action'))
        at(`${table.name}.${fk.name}`, `${key} is ${got}; expected ${want ?? 'no action'}`);
    }
  }
  for (const c of table.checks) {
    const live = expectKey(c.name, 'c', undefined, 'check constraint');
    // A check added NOT VALID (online push) says so in its definition; its validity is reported above.
    if (live && !equivalence.check(schema, table, c.sql, checkCondition(live))) {
      const repair = [
        `ALTER TABLE ${target} DROP CONSTRAINT ${quoteIdent(c.name)}, ADD CONSTRAINT ` +
          `${quoteIdent(c.name)} CHECK (${c.sql})`,
      ];
      at(`${table.name}.${c.name}`, `check is ${live.definition}; expected CHECK (${c.sql})`, repair);
    }
  }
  // NOT NULL and other implicit constraints are not listed; anything left was added by hand.
  for (const name of constraints.keys()) at(`${table.name}.${name}`, 'constraint is not in the manifest');

  const indexes = new Map(actual.indexes.map((i) => [i.name, i] as const));
  for (const ix of table.indexes) {
    const live = indexes.get(ix.name);
    indexes.delete(ix.name);
    const where = `${table.name}.${ix.name}`;
    if (!live) {
      at(where, 'index is missing');
      continue;
    }
    const differences = [
      live.valid === false && 'index is invalid (a concurrent build failed or was interrupted); push rebuilds it',
      live.unique !== ix.unique &&
        `index is ${live.unique ? '' : 'not '}unique; expected ${ix.unique ? '' : 'not '}unique`,
      live.method !== ix.method && `index method is ${live.method}; expected ${ix.method}`,
      !same(live.columns, ix.columns) && `index covers ${list(live.columns)}; expected ${list(ix.columns)}`,
      !equivalence.predicate(schema, table, ix.where, live.predicate) &&
        `index predicate is ${live.predicate ?? 'none'}; expected ${ix.where ?? 'none'}`,
    ].filter((d): d is string => d !== false);
    if (differences.length === 0) continue;
    // drizzle-kit's push compares indexes by name only: a changed one is rebuilt here.
    const repair = [`DROP INDEX ${qualified(schema, ix.name)}`, createIndex(schema, table.name, ix)];
    differences.forEach((message, i) => at(where, message, i === 0 ? repair : []));
  }
  for (const name of indexes.keys()) at(`${table.name}.${name}`, 'index is not in the manifest');
}

/**
 * A column's default: the same text once normalized, or the server's spelling of the manifest's
 * default. A literal cast to another type than the column's (a type change keeps the old default's
 * cast) differs only in spelling, which drizzle-kit does not see: push sets the default again.
 */
function diffDefault(
  schema: string,
  table: string,
  column: Column,
  live: string | null,
  at: Report,
  equivalence: Equivalence,
) {
  const want = expectationOf(column);
  const got = want.actualDefault(live);
  if (got === want.default) return;
  const where = `${table}.${column.name}`;
  const differs = () => at(where, `default is ${live ?? 'none'}; expected ${describeDefault(column)}`);
  // A sequence's default is compared by its text alone.
  const expression = column.type.kind.endsWith('serial') ? undefined : defaultExpression(schema, column);
  if (live === null || !expression) return differs();
  if (equivalence.same(expression, live)) return;
  const spelling = equivalence.spelling(expression);
  const cast = foreignCast(live, column);
  if (spelling === undefined || cast === undefined || got !== `${want.default}::${cast}`) return differs();
  at(where, `default is ${live}, cast to another type than the column's; expected ${spelling}`, [
    `ALTER TABLE ${qualified(schema, table)} ALTER COLUMN ${quoteIdent(column.name)} SET DEFAULT ${defaultSql(column)}`,
  ]);
}
