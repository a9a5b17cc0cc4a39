import { plural } from '../../shared/plural.js';

/** The table-level lock a statement takes, weakest to strongest (PostgreSQL's names). */
export type Lock =
  'none' | 'ROW EXCLUSIVE' | 'SHARE UPDATE EXCLUSIVE' | 'SHARE' | 'SHARE ROW EXCLUSIVE' | 'ACCESS EXCLUSIVE';

/** What a step does, in words a report can print: `add column`, `validate constraint`, … */
export type StepKind =
  | 'create extension'
  | 'create schema'
  | 'move table'
  | 'move function'
  | 'rename'
  | 'create enum'
  | 'add enum value'
  | 'replace enum'
  | 'drop enum'
  | 'create domain'
  | 'alter domain'
  | 'create type'
  | 'add attribute'
  | 'drop attribute'
  | 'create table'
  | 'create partition'
  | 'attach partition'
  | 'drop table'
  | 'add column'
  | 'drop column'
  | 'change column type'
  | 'set not null'
  | 'drop not null'
  | 'set default'
  | 'drop default'
  | 'add identity'
  | 'drop identity'
  | 'create sequence'
  | 'alter sequence'
  | 'drop sequence'
  | 'add constraint'
  | 'drop constraint'
  | 'validate constraint'
  | 'create index'
  | 'drop index'
  | 'rename index'
  | 'attach index'
  | 'comment'
  | 'enable rls'
  | 'force rls'
  | 'create policy'
  | 'drop policy'
  | 'grant'
  | 'create trigger'
  | 'drop trigger'
  | 'create function'
  | 'drop function'
  | 'drop view'
  | 'create view'
  | 'fix rows';

/** One statement of a push with what it does to a live table. */
export interface Step {
  readonly kind: StepKind;
  /** the object it creates, changes or removes: `schema.table`, `schema.table.column`, `schema.name` */
  readonly object: string;
  readonly sql: string;
  /** `transaction`: inside the service's transaction; `online`: after it commits, on its own */
  readonly phase: 'transaction' | 'online';
  readonly lock: Lock;
  /** `schema.table` the lock is taken on */
  readonly table?: string;
  /** the table's estimated rows (pg_class.reltuples); absent for a new or never-analysed table */
  readonly rows?: number;
  readonly rewrites: boolean;
  readonly scans: boolean;
  /** set when it scans or rewrites a table holding rows while writes (and maybe reads) wait */
  readonly hazard?: string;
  /** run when the step fails, so nothing half-made stays behind (an invalid index, an unvalidated constraint) */
  readonly undo?: string;
  /**
   * for a step adding or validating a rule: which constraint, how to name it, and the query counting
   * the rows that break it (run before anything is applied: existingViolations)
   */
  readonly violations?: {
    readonly constraint: string;
    readonly what: string;
    readonly countSql: string;
    /** a statement the count needs first (a helper function in pg_temp) */
    readonly prelude?: string;
    /** how the message joins `what` and the rows: `is violated by` unless said otherwise */
    readonly verb?: string;
    /** what the user can do about it, after the count */
    readonly advice?: string;
  };
  /** the step loses data: refused unless the push accepts data loss (push.ts counts the rows first) */
  readonly loss?: DataLoss;
  /** the step removes a rule the manifest does not declare (a constraint or an index): said in every report */
  readonly removesRule?: string;
  /**
   * a declared move may name the schema a table comes from, and an extension the manifest lists is
   * the database's, in no service's schema: the schema guard lets them through
   */
  readonly declared?: boolean;
}

/** What a step would lose. */
export interface DataLoss {
  readonly what: string;
  /** counts the rows that would lose data: all rows, or rows where the column is set */
  readonly countSql?: string;
  /** a dropped table, `"schema"."name"`: objects elsewhere that depend on it refuse the push */
  readonly dropsRelation?: string;
}

/** A constraint a push would add that existing rows break. */
export interface Violation {
  readonly constraint: string;
  readonly message: string;
}

/** Where a step stands: on a live table (with its estimated rows) or on nothing yet. */
export interface Place {
  readonly table?: string;
  readonly rows?: number;
}

/** A step inside the service's transaction. */
export function inTransaction(
  kind: StepKind,
  object: string,
  sql: string,
  lock: Lock,
  place: Place,
  extra: Partial<Step> = {},
): Step {
  return { kind, object, sql, phase: 'transaction', lock, ...place, rewrites: false, scans: false, ...extra };
}

/** A step run after the transaction commits, on its own (CONCURRENTLY, VALIDATE). */
export function online(
  kind: StepKind,
  object: string,
  sql: string,
  lock: Lock,
  place: Place,
  extra: Partial<Step> = {},
): Step {
  return { kind, object, sql, phase: 'online', lock, ...place, rewrites: false, scans: false, ...extra };
}

/** Writes wait behind SHARE and stronger locks; reads too behind ACCESS EXCLUSIVE. */
export function withHazard(step: Step, holdsRows: boolean): Step {
  // A step that says its own hazard (a partitioned table's foreign key) keeps it.
  if (step.hazard || !holdsRows || step.phase !== 'transaction' || !(step.rewrites || step.scans)) return step;
  if (step.lock === 'none' || step.lock === 'SHARE UPDATE EXCLUSIVE' || step.lock === 'ROW EXCLUSIVE') return step;
  const who = step.lock === 'ACCESS EXCLUSIVE' ? 'reads and writes' : 'writes';
  const rows = step.rows === undefined ? '' : ` (about ${plural(step.rows, 'row')})`;
  const work = step.rewrites ? 'rewrites' : 'scans';
  return { ...step, hazard: `${work} ${step.table}${rows} under ${step.lock}: ${who} wait until it ends` };
}
