import { columnTypeSql } from '../../model/sql-spelling.js';
import type { Service } from '../../model/types.js';
import { qualified, quoteIdent as q } from '../../shared/sql-quote.js';
import type { CatalogSchema, CatalogTable } from '../catalog/types.js';
import type { Change, ColumnAspect, Drift } from '../compare/types.js';
import { TOUCH_FUNCTION, touchFunction } from '../compare/triggers.js';
import { addColumnSteps, columnSteps, type ColumnChange } from './columns.js';
import { aroundChanges } from './dependents.js';
import { changeEnum, createEnum, dropEnum } from './enums.js';
import type { Facts } from './facts.js';
import {
  NN_SUFFIX,
  addConstraint,
  buildIndex,
  dropConstraint,
  dropIndex,
  notNullHelper,
  validate,
  type On,
} from './online.js';
import { inTransaction, withHazard, type Step } from './steps.js';
import { comment, dropTrigger, newTable, trigger } from './tables.js';

/**
 * The plan of one service: every difference compare found, as typed steps in the order PostgreSQL
 * needs them. Nothing here reads the database: what the plan needs to know of it (rows, dependent
 * views, casts, enum columns) comes in `facts`.
 */
export interface PlanInput {
  readonly service: Service;
  /** the schema as it is, after the declared moves and renames */
  readonly catalog: CatalogSchema;
  readonly drift: readonly Drift[];
  readonly facts: Facts;
  /** a server that takes the online forms (CONCURRENTLY, NOT VALID); PGlite runs everything in the transaction */
  readonly online: boolean;
}

export interface Plan {
  readonly steps: readonly Step[];
  /** why the plan cannot run: a view of another schema reads a changed column, say */
  readonly refusals: readonly string[];
}

/** `from→to` pairs of the column types the plan changes: readFacts learns which PostgreSQL casts directly. */
export function castPairs(drift: readonly Drift[], schema: string): string[] {
  return drift.flatMap(({ change: c }) =>
    c?.kind === 'column' && c.aspect === 'type' ? [`${c.live.type}→${columnTypeSql(c.column, schema)}`] : [],
  );
}

/** The stages of a plan, in the order they run. */
const STAGES = [
  'schema',
  'enums',
  'drop views',
  'drop foreign keys',
  'drop rules',
  'drop columns',
  'drop tables',
  'create tables',
  'columns',
  'replace enums',
  'drop enums',
  'add rules',
  'add foreign keys',
  'indexes',
  'comments',
  'triggers',
  'create views',
] as const;
type Stage = (typeof STAGES)[number];

export function planService(input: PlanInput): Plan {
  const { service, catalog, facts } = input;
  const schema = service.schema;
  const stages = new Map<Stage, Step[]>(STAGES.map((s) => [s, []]));
  const put = (stage: Stage, ...steps: Step[]) => stages.get(stage)!.push(...steps);
  const refusals: string[] = [];
  const live = new Map(catalog.tables.map((t) => [t.name, t] as const));
  const on = (table: string): On => {
    const t = live.get(table);
    const f = facts.tables.get(table);
    return {
      schema,
      table,
      exists: t !== undefined,
      busy: input.online && t !== undefined && (f?.populated ?? false),
      partitioned: t?.partitioned ?? false,
      rows: f?.rows,
    };
  };
  // Enums first: the columns an enum's replacement recasts are known before their own changes.
  const changes = everything(input).sort((a, b) => Number(b.kind === 'enum values') - Number(a.kind === 'enum values'));
  const columns = columnChanges(changes, live);
  const recast = new Set<string>();
  const droppedColumns = new Set<string>();
  const droppedTables = new Set<string>();
  // The NOT NULL helpers a killed push left, which the SET NOT NULL planned here replaces.
  const notNullHelpers = new Set(
    changes.flatMap((c) =>
      c.kind === 'column' && (c.aspect === 'nullability' || c.aspect === 'identity')
        ? [`${c.table.name}.${notNullHelper(c.column.name)}`]
        : [],
    ),
  );
  let touch = false;

  for (const change of changes) {
    switch (change.kind) {
      case 'create schema':
        put('schema', inTransaction('create schema', schema, `CREATE SCHEMA IF NOT EXISTS ${q(schema)}`, 'none', {}));
        break;
      case 'create enum':
        put('enums', createEnum(schema, change.enum));
        break;
      case 'enum values': {
        const plan = changeEnum(service, change.enum, change.live, facts.enumColumns);
        refusals.push(...plan.refusals);
        put(plan.recast.length > 0 ? 'replace enums' : 'enums', ...plan.steps);
        plan.recast.forEach((c) => recast.add(c));
        break;
      }
      case 'drop enum': {
        const plan = dropEnum(schema, change.name, facts.enumColumns);
        refusals.push(...plan.refusals);
        put('drop enums', ...plan.steps);
        break;
      }
      case 'create table':
        newTable(on(change.table.name), change.table, put);
        if (change.table.columns.some((c) => c.onUpdateTrigger)) touch = true;
        break;
      case 'drop table': {
        const t = qualified(schema, change.live.name);
        droppedTables.add(`${schema}.${change.live.name}`);
        put(
          'drop tables',
          inTransaction(
            'drop table',
            `${schema}.${change.live.name}`,
            `DROP TABLE ${t}`,
            'ACCESS EXCLUSIVE',
            {
              table: `${schema}.${change.live.name}`,
            },
            {
              loss: {
                what: `drops table ${schema}.${change.live.name}`,
                countSql: `select count(*) as n from ${t}`,
                dropsRelation: t,
              },
            },
          ),
        );
        break;
      }
      case 'table comment':
        put('comments', comment(on(change.table.name), undefined, change.table.comment));
        break;
      case 'add column':
        put('columns', ...addColumnSteps(on(change.table.name), change.table, change.column));
        if (change.column.onUpdateTrigger) touch = true;
        break;
      case 'drop column': {
        const t = qualified(schema, change.table.name);
        const object = `${schema}.${change.table.name}.${change.live.name}`;
        droppedColumns.add(object);
        put(
          'drop columns',
          inTransaction(
            'drop column',
            object,
            `ALTER TABLE ${t} DROP COLUMN ${q(change.live.name)}`,
            'ACCESS EXCLUSIVE',
            {
              table: `${schema}.${change.table.name}`,
            },
            {
              loss: {
                what: `drops column ${object}`,
                countSql: `select count(*) as n from ${t} where ${q(change.live.name)} is not null`,
              },
            },
          ),
        );
        break;
      }
      case 'column': {
        // A column's changes plan together, where the first of them stands.
        const key = `${change.table.name}.${change.column.name}`;
        const c = columns.get(key);
        if (!c) break;
        columns.delete(key);
        // A column recast with its enum gets its default back there already.
        if (recast.has(`${schema}.${key}`) && !c.aspects.has('type')) c.aspects.delete('default');
        if (c.aspects.has('type')) recast.add(`${schema}.${key}`);
        put('columns', ...columnSteps(on(c.table.name), c, facts.casts));
        break;
      }
      case 'add constraint': {
        const steps = addConstraint(on(change.table.name), change.constraint, change.live?.name);
        put(change.constraint.type === 'f' ? 'add foreign keys' : 'add rules', ...steps);
        break;
      }
      case 'drop constraint': {
        // A NOT NULL helper a killed push left is replaced by the SET NOT NULL that uses it.
        if (change.live.name.endsWith(NN_SUFFIX) && notNullHelpers.has(`${change.table.name}.${change.live.name}`))
          break;
        const what = `${RULES[change.live.type]} ${change.live.name} from ${schema}.${change.table.name}`;
        const rule = change.live.name.endsWith(NN_SUFFIX) ? undefined : `removes ${what} (not in the manifest)`;
        put(
          change.live.type === 'f' ? 'drop foreign keys' : 'drop rules',
          dropConstraint(on(change.table.name), change.live.name, change.live.type, rule),
        );
        break;
      }
      case 'validate constraint':
        put('add rules', validate(on(change.table.name), change.live.name));
        break;
      case 'create index':
        put('indexes', ...buildIndex(on(change.table.name), change.index, change.live !== undefined));
        break;
      case 'drop index': {
        const leftover = change.live.name.endsWith('_schemagen_swap');
        const rule = leftover
          ? undefined
          : `removes index ${change.live.name} from ${schema}.${change.table.name} (not in the manifest)`;
        put('drop rules', dropIndex(on(change.table.name), change.live.name, rule));
        break;
      }
      case 'trigger':
        touch = true;
        put('triggers', ...trigger(on(change.table.name), change.column, change.replace));
        break;
      case 'drop trigger':
        put('triggers', dropTrigger(on(change.table.name), change.name));
        break;
    }
  }
  // The function every update trigger calls, before any trigger (a new table's come with it).
  if (touch)
    put('schema', inTransaction('create function', `${schema}.${TOUCH_FUNCTION}`, touchFunction(schema), 'none', {}));
  const around = aroundChanges(schema, facts.dependents, { recast, droppedColumns, droppedTables });
  refusals.push(...around.refusals);
  put('drop views', ...around.before);
  put('create views', ...around.after);
  const holdsRows = (table: string | undefined) =>
    facts.tables.get(table?.slice(schema.length + 1) ?? '')?.populated ?? false;
  const planned = STAGES.flatMap((s) => stages.get(s)!).map((s) => withHazard(s, holdsRows(s.table)));
  // After the commit, index builds go first (the longest waits), then validations and what follows them.
  const indexWork = (s: Step) => s.kind === 'create index' || s.kind === 'drop index' || s.kind === 'rename index';
  const later = planned.filter((s) => s.phase === 'online');
  const steps = [
    ...planned.filter((s) => s.phase === 'transaction'),
    ...later.filter(indexWork),
    ...later.filter((s) => !indexWork(s)),
  ];
  return { steps, refusals };
}

/** The changes of each live column, grouped (compare reports each aspect apart). */
function columnChanges(changes: readonly Change[], live: ReadonlyMap<string, CatalogTable>) {
  const columns = new Map<string, ColumnChange & { readonly aspects: Set<ColumnAspect> }>();
  for (const change of changes) {
    if (change.kind !== 'column') continue;
    const key = `${change.table.name}.${change.column.name}`;
    const liveKey = live
      .get(change.table.name)!
      .constraints.some((k) => k.type === 'p' && k.columns.includes(change.live.name));
    const entry = columns.get(key) ?? { ...change, aspects: new Set<ColumnAspect>(), liveKey };
    entry.aspects.add(change.aspect);
    columns.set(key, entry);
  }
  return columns;
}

const RULES: Record<string, string> = {
  p: 'primary key',
  u: 'unique constraint',
  f: 'foreign key',
  c: 'check',
  x: 'exclusion constraint',
};

/** The drift's changes; a schema that does not exist yet gets every object of the service created. */
function everything({ service, drift }: PlanInput): Change[] {
  const changes = drift.flatMap((d) => (d.change && !d.elsewhere ? [d.change] : []));
  if (!changes.some((c) => c.kind === 'create schema')) return changes;
  return [
    { kind: 'create schema' },
    ...service.enums.map((e): Change => ({ kind: 'create enum', enum: e })),
    ...service.tables.map((table): Change => ({ kind: 'create table', table })),
  ];
}
