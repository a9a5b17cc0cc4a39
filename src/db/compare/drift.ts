import { columnTypeSql } from '../../model/sql-spelling.js';
import type { Column, Service, Table } from '../../model/types.js';
import type { CatalogColumn, CatalogSchema, CatalogTable } from '../catalog/types.js';
import type { Queryable } from '../connect/queryable.js';
import { diffConstraints } from './constraints.js';
import { diffComposites } from './composites.js';
import { diffDomains } from './domains.js';
import { diffFunctions } from './functions.js';
import { diffSequences, identityDifferences } from './sequences.js';
import { comparedWithServer, declaredColumns, defaultExpression, type Equivalence } from './equivalence.js';
import { actualDefault, expectedDefault, foreignCast, normalizeSql, stripSchema } from './normalize.js';
import { diffPartitions } from './partitions.js';
import { diffTriggers } from './triggers.js';
import { diffDeclaredTriggers } from './declared-triggers.js';
import { diffPolicies } from './policies.js';
import { diffGrants, missingRoles } from './grants.js';
import { diffViews } from './views.js';
import { list, same, type Change, type ColumnAspect, type Drift, type Noted } from './types.js';

/**
 * Everything that differs between the service's model and its schema in the catalog. `db` spells
 * the expressions whose text differs (equivalence.ts); with none, nothing is sent to it.
 */
export function diffService(service: Service, catalog: CatalogSchema, db: Queryable): Promise<Drift[]> {
  return comparedWithServer(db, (equivalence) => compareService(service, catalog, equivalence));
}

function compareService(service: Service, catalog: CatalogSchema, equivalence: Equivalence): Drift[] {
  const drift: Drift[] = [];
  const at: Noted = (where, message, change) =>
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
  // Before the schema: an extension is the database's, and the schema's defaults may call its functions.
  for (const name of service.extensions)
    if (!catalog.extensions.includes(name))
      drift.push({
        service: service.name,
        where: `extension ${name}`,
        message: 'extension is missing from the database',
        change: { kind: 'create extension', name },
      });
  missingRoles([...service.tables, ...service.views], new Set(catalog.roles), at);
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
    else {
      diffTable(service.schema, table, actual, at, equivalence);
      diffPartitions(service.schema, table, actual, actualTables, at, equivalence);
    }
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
  diffFunctions(service.functions, catalog.functions, at, equivalence);
  diffSequences(service.sequences, catalog.sequences, at);
  diffViews(service.views, catalog.views, at, equivalence);
  diffDomains(service, catalog, at, equivalence);
  diffComposites(service, catalog, at);
  return drift;
}

function diffTable(schema: string, table: Table, actual: CatalogTable, at: Noted, equivalence: Equivalence) {
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
    if (column.generated !== undefined || live.generated)
      diffGenerated(schema, table, column, live, equivalence, () => differs('generated'), at);
    // A generated column's expression is not a default (pg_attrdef holds both).
    const liveDefault = live.generated ? { ...live, default: null } : live;
    if (!column.identity && column.generated === undefined)
      diffDefault(schema, table, column, liveDefault, at, equivalence);
    if (live.identity !== want.identity)
      at(
        where,
        `identity is ${live.identity || 'none'}; expected ${column.identity?.mode ?? 'none'}`,
        differs('identity'),
      );
    const options =
      column.identity && live.identitySequence && identityDifferences(column.identity, live.identitySequence);
    if (options) at(where, `identity ${options}`, differs('identity options'));
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
  diffDeclaredTriggers(schema, table, actual, at, equivalence);
  diffPolicies(schema, table, actual, at, equivalence);
  diffGrants(table, actual, at);
}

/** Generated or not as the manifest says, by an expression the server spells as it spells the manifest's. */
function diffGenerated(
  schema: string,
  table: Table,
  column: Column,
  live: CatalogColumn,
  equivalence: Equivalence,
  change: () => Change,
  at: Noted,
) {
  const where = `${table.name}.${column.name}`;
  const want = column.generated;
  if (want === undefined) return at(where, `is generated as ${live.default}; expected a plain column`, change());
  if (!live.generated) return at(where, `is a plain column; expected generated as ${want}`, change());
  if (normalizeSql(live.default ?? '') === normalizeSql(want)) return;
  const expression = {
    kind: 'generated' as const,
    sql: want,
    columns: declaredColumns(schema, table),
    type: columnTypeSql(column, schema),
  };
  if (!equivalence.same(expression, live.default ?? ''))
    at(where, `is generated as ${live.default}; expected ${want}`, change());
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
      identity: column.identity?.mode === 'always' ? 'a' : column.identity?.mode === 'by default' ? 'd' : '',
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
  at: Noted,
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
