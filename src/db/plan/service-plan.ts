import type { ForeignKey, Service, Table } from '../../model/types.js';
import type { CatalogSchema, CatalogTable } from '../catalog/types.js';
import type { Change, ColumnAspect, Drift } from '../compare/types.js';
import { addColumnSteps, columnSteps, type ColumnChange } from './columns.js';
import { identityRefusal } from './identity.js';
import { DeclaredViews } from './declared-views.js';
import { compositeChange } from './composites.js';
import { domainChange } from './domains.js';
import { functionSteps } from './functions.js';
import { sequenceChange } from './sequences.js';
import {
  CONSTRAINT_KINDS,
  createExtension,
  createSchema,
  createTouchFunction,
  dropColumn,
  dropTable,
} from './drops.js';
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
import {
  attachPartition,
  boundRefusal,
  createPartition,
  keyRefusal,
  partitionedIndex,
  partitionsOf,
} from './partitions.js';
import { withHazard, type Step } from './steps.js';
import { comment, newTable, trigger } from './tables.js';
import { declaredTrigger, dropTrigger } from './triggers.js';
import { declaredPolicy, rlsStep } from './policies.js';
import { grantStep } from './grants.js';
import { waitingKey } from './waiting-keys.js';
import { regenerate } from './generated-columns.js';

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
  /** foreign keys (`table.constraint`) into tables another service of the push creates: left for its next round */
  readonly waiting?: ReadonlySet<string>;
}

export interface Plan {
  readonly steps: readonly Step[];
  /** why the plan cannot run: a view of another schema reads a changed column, say */
  readonly refusals: readonly string[];
}

/** The stages of a plan, in the order they run. */
const STAGES = [
  'extensions',
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
  'functions',
  'triggers',
  'policies',
  'grants',
  'create views',
  'declared views',
] as const;
type Stage = (typeof STAGES)[number];

type Of<K extends Change['kind']> = Extract<Change, { kind: K }>;

/** One service's plan as it is built: the steps by stage, what the changes recast and drop, the refusals. */
export class ServicePlan {
  private readonly schema: string;
  private readonly stages = new Map<Stage, Step[]>(STAGES.map((s) => [s, []]));
  private readonly refusals: string[] = [];
  private readonly live: ReadonlyMap<string, CatalogTable>;
  private columns = new Map<string, ColumnChange & { readonly aspects: Set<ColumnAspect> }>();
  private readonly recast = new Set<string>();
  private readonly droppedColumns = new Set<string>();
  private readonly droppedTables = new Set<string>();
  /** the NOT NULL helpers a killed push left, which the SET NOT NULL planned here replaces */
  private readonly notNullHelpers = new Set<string>();
  private touch = false;
  private readonly views: DeclaredViews;

  constructor(private readonly input: PlanInput) {
    this.schema = input.service.schema;
    this.views = new DeclaredViews(this.schema);
    this.live = new Map(input.catalog.tables.map((t) => [t.name, t] as const));
  }

  private put = (stage: Stage, ...steps: Step[]): void => {
    this.stages.get(stage)!.push(...steps);
  };

  private waits = (table: Table, fk: ForeignKey) => this.input.waiting?.has(waitingKey(table.name, fk)) ?? false;

  /** Where a change to `table` stands: a live table (busy when it holds rows, on a server) or a new one. */
  private on(table: string): On {
    const t = this.live.get(table);
    const f = this.input.facts.tables.get(table);
    return {
      schema: this.schema,
      table,
      exists: t !== undefined,
      busy: this.input.online && t !== undefined && (f?.populated ?? false),
      partitioned: t?.partitioned ?? false,
      rows: f?.rows,
    };
  }

  /** The changes of each live column, grouped (compare reports each aspect apart), planned where the first stands. */
  groupColumns(changes: readonly Change[]): void {
    for (const change of changes) {
      if (change.kind !== 'column') continue;
      const key = `${change.table.name}.${change.column.name}`;
      const liveKey = this.live
        .get(change.table.name)!
        .constraints.some((k) => k.type === 'p' && k.columns.includes(change.live.name));
      const entry = this.columns.get(key) ?? { ...change, aspects: new Set<ColumnAspect>(), liveKey };
      entry.aspects.add(change.aspect);
      this.columns.set(key, entry);
      if (change.aspect === 'nullability' || change.aspect === 'identity')
        this.notNullHelpers.add(`${change.table.name}.${notNullHelper(change.column.name)}`);
    }
  }

  add(change: Change): void {
    switch (change.kind) {
      case 'create extension':
        return this.put('extensions', createExtension(change.name));
      case 'create schema':
        return this.put('schema', createSchema(this.schema));
      case 'create enum':
        return this.put('enums', createEnum(this.schema, change.enum));
      case 'enum values':
        return this.enumValues(change);
      case 'drop enum':
        return this.dropEnum(change);
      case 'create domain':
      case 'domain type':
      case 'domain default':
      case 'domain not null':
      case 'add domain check':
      case 'drop domain check':
      case 'validate domain check':
        return this.planned(domainChange(this.schema, change, this.input.online));
      case 'create sequence':
      case 'alter sequence':
        return this.planned(sequenceChange(this.schema, change));
      case 'create composite':
      case 'add attribute':
      case 'attribute type':
      case 'drop attribute':
        return this.planned(compositeChange(this.input.service, change));
      case 'create table':
        this.touch ||= change.table.columns.some((c) => c.onUpdateTrigger);
        return newTable(this.on(change.table.name), change.table, this.put, (fk) => this.waits(change.table, fk));
      case 'drop table':
        return this.dropTable(change);
      case 'table comment':
        return this.put('comments', comment(this.on(change.table.name), undefined, change.table.comment));
      case 'add column':
        this.touch ||= change.column.onUpdateTrigger === true;
        return this.put('columns', ...addColumnSteps(this.on(change.table.name), change.table, change.column));
      case 'drop column':
        return this.dropColumn(change);
      case 'column':
        return this.column(change);
      case 'add constraint': {
        if (change.constraint.type === 'f' && this.waits(change.table, change.constraint.fk)) return;
        const steps = addConstraint(this.on(change.table.name), change.constraint, change.live?.name);
        return this.put(change.constraint.type === 'f' ? 'add foreign keys' : 'add rules', ...steps);
      }
      case 'drop constraint':
        return this.dropConstraint(change);
      case 'validate constraint':
        return this.put('add rules', validate(this.on(change.table.name), change.live.name));
      case 'create index':
        return this.createIndex(change);
      case 'drop index':
        return this.dropIndex(change);
      case 'trigger':
        this.touch = true;
        return this.put('triggers', ...trigger(this.on(change.table.name), change.column, change.replace));
      case 'drop trigger':
        return this.put('triggers', dropTrigger(this.on(change.table.name), change.name));
      case 'enable rls':
        return this.put('policies', rlsStep(this.on(change.table.name), 'enable'));
      case 'force rls':
        return this.put('policies', rlsStep(this.on(change.table.name), 'force'));
      case 'declared policy':
        return this.put('policies', ...declaredPolicy(this.on(change.table.name), change.policy, change.replace));
      case 'grant':
        return this.put(
          'grants',
          grantStep({ schema: this.schema, table: change.relation }, change.grant, change.privileges),
        );
      case 'missing role':
        return void this.refusals.push(
          `${this.schema}.${change.relation}: grants: role ${change.role} does not exist; push creates no ` +
            `roles: create it first (CREATE ROLE ${change.role}), then push again`,
        );
      case 'declared trigger': {
        const on = this.on(change.table.name);
        // Dropped with the rules, before columns go: its UPDATE OF columns may be among them.
        if (change.replace) this.put('drop rules', dropTrigger(on, change.trigger.name));
        return this.put('triggers', declaredTrigger(on, change.trigger));
      }
      case 'partition key':
        return void this.refusals.push(
          keyRefusal(this.schema, change.table, change.live, this.input.facts.tables.get(change.table.name)),
        );
      case 'create partition':
        return this.createPartition(change);
      case 'partition bound':
        return void this.refusals.push(boundRefusal(this.schema, change.table, change.partition, change.live));
      case 'create function':
      case 'replace function':
        return this.put('functions', ...functionSteps(this.schema, change));
      case 'create view':
      case 'replace view':
      case 'view index':
      case 'drop view index':
        return this.put('declared views', ...this.views.add(change));
    }
  }

  /** A live partitioned table holding rows gets its index partition by partition (partitions.ts). */
  /** A type's change planned on its own (plan/domains.ts, plan/composites.ts): its steps, or why not. */
  private planned(p: { stage: Stage; steps: Step[] } | { refusal: string }): void {
    if ('refusal' in p) this.refusals.push(p.refusal);
    else this.put(p.stage, ...p.steps);
  }

  private createIndex(change: Of<'create index'>) {
    const on = this.on(change.table.name);
    const partitions = partitionsOf(this.schema, change.table.name, this.input.catalog.tables);
    const online = on.partitioned && on.busy && !change.live && partitions.every((p) => !p.partitioned);
    const steps = online ? partitionedIndex(on, change.index, partitions) : buildIndex(on, change.index, !!change.live);
    this.put('indexes', ...steps);
  }

  /** A declared partition of a live table: attached when the table holds rows on a server, else created in it. */
  private createPartition(change: Of<'create partition'>) {
    const on = this.on(change.table.name);
    const partitions = partitionsOf(this.schema, change.table.name, this.input.catalog.tables);
    const defaultPartition = partitions.find((p) => p.partitionBound === 'DEFAULT')?.name;
    const steps = on.busy
      ? attachPartition(on, change.partition, defaultPartition)
      : [createPartition(on, change.partition, defaultPartition)];
    this.put('create tables', ...steps);
  }

  private enumValues(change: Of<'enum values'>) {
    const plan = changeEnum(this.input.service, change.enum, change.live, this.input.facts.enumColumns);
    this.refusals.push(...plan.refusals);
    this.put(plan.recast.length > 0 ? 'replace enums' : 'enums', ...plan.steps);
    plan.recast.forEach((c) => this.recast.add(c));
  }

  private dropEnum(change: Of<'drop enum'>) {
    const plan = dropEnum(this.schema, change.name, this.input.facts.enumColumns);
    this.refusals.push(...plan.refusals);
    this.put('drop enums', ...plan.steps);
  }

  private dropTable(change: Of<'drop table'>) {
    this.droppedTables.add(`${this.schema}.${change.live.name}`);
    this.put('drop tables', dropTable(this.schema, change.live.name));
  }

  private dropColumn(change: Of<'drop column'>) {
    this.droppedColumns.add(`${this.schema}.${change.table.name}.${change.live.name}`);
    this.put('drop columns', dropColumn(this.schema, change.table.name, change.live.name));
  }

  private column(change: Of<'column'>) {
    const key = `${change.table.name}.${change.column.name}`;
    const c = this.columns.get(key);
    if (!c) return; // planned with the first of its changes
    this.columns.delete(key);
    // A column recast with its enum gets its default back there already.
    if (this.recast.has(`${this.schema}.${key}`) && !c.aspects.has('type')) c.aspects.delete('default');
    if (c.aspects.has('type')) this.recast.add(`${this.schema}.${key}`);
    const refusal =
      c.column.identity &&
      c.aspects.has('identity options') &&
      identityRefusal(`${this.schema}.${key}`, c.column.identity, c.live);
    if (refusal) {
      this.refusals.push(refusal);
      c.aspects.delete('identity options');
    }
    if (c.aspects.has('generated')) {
      // Views reading the column are recreated around its drop and add, as around a recast.
      this.recast.add(`${this.schema}.${key}`);
      const { steps, rest } = regenerate(this.on(c.table.name), c.table, c.column, c.live);
      this.put('columns', ...steps);
      if (!rest) return;
      c.aspects.delete('generated');
    }
    this.put('columns', ...columnSteps(this.on(c.table.name), c, this.input.facts.casts));
  }

  private dropConstraint(change: Of<'drop constraint'>) {
    const { name, type } = change.live;
    // A NOT NULL helper a killed push left is replaced by the SET NOT NULL that uses it.
    const helper = name.endsWith(NN_SUFFIX);
    if (helper && this.notNullHelpers.has(`${change.table.name}.${name}`)) return;
    const what = `${CONSTRAINT_KINDS[type]} ${name} from ${this.schema}.${change.table.name}`;
    const rule = helper ? undefined : `removes ${what} (not in the manifest)`;
    const step = dropConstraint(this.on(change.table.name), name, type, rule);
    this.put(type === 'f' ? 'drop foreign keys' : 'drop rules', step);
  }

  private dropIndex(change: Of<'drop index'>) {
    const { name } = change.live;
    const leftover = name.endsWith('_schemagen_swap');
    const rule = leftover
      ? undefined
      : `removes index ${name} from ${this.schema}.${change.table.name} (not in the manifest)`;
    this.put('drop rules', dropIndex(this.on(change.table.name), name, rule));
  }

  /** The steps in stage order, hazards marked, the views around the changes; after the commit, index builds first. */
  result(): Plan {
    const { facts } = this.input;
    // The function every update trigger calls, before any trigger (a new table's come with it).
    if (this.touch) this.put('schema', createTouchFunction(this.schema));
    const changed = { recast: this.recast, droppedColumns: this.droppedColumns, droppedTables: this.droppedTables };
    const views = this.views.settle(facts.dependents, changed);
    this.refusals.push(...views.refusals);
    this.put('drop views', ...views.drop);
    this.put('create views', ...views.recreate);
    this.put('declared views', ...views.declared);
    const holdsRows = (table: string | undefined) =>
      facts.tables.get(table?.slice(this.schema.length + 1) ?? '')?.populated ?? false;
    const planned = STAGES.flatMap((s) => this.stages.get(s)!).map((s) => withHazard(s, holdsRows(s.table)));
    // After the commit, index builds go first (the longest waits), then validations and what follows them.
    const indexWork = (s: Step) => s.kind === 'create index' || s.kind === 'drop index' || s.kind === 'rename index';
    const later = planned.filter((s) => s.phase === 'online');
    const steps = [
      ...planned.filter((s) => s.phase === 'transaction'),
      ...later.filter(indexWork),
      ...later.filter((s) => !indexWork(s)),
    ];
    return { steps, refusals: this.refusals };
  }
}
