import type { Trigger } from '../../model/types.js';
import { createTriggerSql } from '../compare/declared-triggers.js';
import { qualified, quoteIdent as q } from '../../shared/sql-quote.js';
import type { On } from './online.js';
import { inTransaction, type Step } from './steps.js';

/**
 * A trigger of `triggers:`, created after the functions of the service (the stage order of
 * service-plan.ts), so the function it calls is there. One that differs is dropped (dropTrigger) and
 * created again in the same transaction, which no row written meanwhile can slip between.
 */
export function declaredTrigger(on: On, trigger: Trigger): Step {
  return inTransaction(
    'create trigger',
    `${on.schema}.${on.table}.${trigger.name}`,
    createTriggerSql(on.schema, on.table, trigger),
    on.exists ? 'SHARE ROW EXCLUSIVE' : 'none',
    { table: `${on.schema}.${on.table}` },
  );
}

/** A trigger dropped (ours no longer wanted, or one to create again). */
export const dropTrigger = (on: On, name: string): Step =>
  inTransaction(
    'drop trigger',
    `${on.schema}.${on.table}.${name}`,
    `DROP TRIGGER IF EXISTS ${q(name)} ON ${qualified(on.schema, on.table)}`,
    'ACCESS EXCLUSIVE',
    { table: `${on.schema}.${on.table}` },
  );
