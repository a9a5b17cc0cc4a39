import type { Column, ForeignKey, Table } from '../../model/types.js';
import { constraintNames } from '../../shared/conventions.js';
import { triggerDefinition } from '../compare/triggers.js';
import { wantedConstraints } from '../compare/wanted.js';
import { commentOn, createTable } from './ddl.js';
import { addConstraint, buildIndex, type On } from './online.js';
import { createPartition } from './partitions.js';
import { inTransaction, type Step } from './steps.js';
import { declaredTrigger, dropTrigger } from './triggers.js';
import { declaredPolicy, rlsStep } from './policies.js';
import { newGrants } from './grants.js';

/** Where the plan puts a step (changes.ts STAGES). */
export type Put = (
  stage: 'create tables' | 'add foreign keys' | 'indexes' | 'comments' | 'triggers' | 'policies' | 'grants',
  ...steps: Step[]
) => void;

/**
 * A new table: created with its key, uniques and checks (and its declared partitions); its foreign
 * keys once every table exists (but those that `waits` for a later round of the push), then its indexes,
 * comments, triggers and row-level security (after the service's functions, which they call), and
 * its grants.
 */
export function newTable(on: On, table: Table, put: Put, waits: (fk: ForeignKey) => boolean = () => false): void {
  const object = `${on.schema}.${table.name}`;
  put('create tables', inTransaction('create table', object, createTable(on.schema, table), 'none', {}));
  for (const p of table.partitioning?.partitions ?? []) put('create tables', createPartition(on, p));
  for (const k of wantedConstraints(table))
    if (k.type === 'f' && !waits(k.fk)) put('add foreign keys', ...addConstraint(on, k));
  for (const ix of table.indexes) put('indexes', ...buildIndex(on, ix, false));
  if (table.comment !== undefined) put('comments', comment(on, undefined, table.comment));
  for (const c of table.columns) if (c.comment !== undefined) put('comments', comment(on, c.name, c.comment));
  for (const c of table.columns) if (c.onUpdateTrigger) put('triggers', ...trigger(on, c, false));
  for (const t of table.triggers ?? []) put('triggers', declaredTrigger(on, t));
  if (table.rls) put('policies', rlsStep(on, 'enable'));
  if (table.rls === 'force') put('policies', rlsStep(on, 'force'));
  for (const p of table.policies ?? []) put('policies', ...declaredPolicy(on, p, false));
  put('grants', ...newGrants(on, table.grants));
}

export const comment = (on: On, column: string | undefined, text: string | undefined): Step =>
  inTransaction(
    'comment',
    `${on.schema}.${on.table}${column === undefined ? '' : `.${column}`}`,
    commentOn(on.schema, on.table, column, text),
    on.exists ? 'SHARE UPDATE EXCLUSIVE' : 'none',
    { table: `${on.schema}.${on.table}` },
  );

export function trigger(on: On, column: Column, replace: boolean): Step[] {
  const name = constraintNames.onUpdateTrigger(on.table, column.name);
  const create = inTransaction(
    'create trigger',
    `${on.schema}.${on.table}.${name}`,
    triggerDefinition(on.schema, on.table, column.name),
    on.exists ? 'SHARE ROW EXCLUSIVE' : 'none',
    {
      table: `${on.schema}.${on.table}`,
    },
  );
  return replace ? [dropTrigger(on, name), create] : [create];
}
