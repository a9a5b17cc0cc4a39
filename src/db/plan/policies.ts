import type { Policy } from '../../model/types.js';
import { qualified, quoteIdent } from '../../shared/sql-quote.js';
import type { On } from './online.js';
import { inTransaction, type Step } from './steps.js';

const place = (on: On) => ({ table: `${on.schema}.${on.table}` });
const lock = (on: On) => (on.exists ? ('ACCESS EXCLUSIVE' as const) : ('none' as const));

/**
 * ENABLE ROW LEVEL SECURITY, or FORCE it (the owner's queries too go through the policies): a
 * catalog change, under a brief lock; grants and policies stay as they are.
 */
export const rlsStep = (on: On, how: 'enable' | 'force'): Step =>
  inTransaction(
    `${how} rls`,
    `${on.schema}.${on.table}`,
    `ALTER TABLE ${qualified(on.schema, on.table)} ${how.toUpperCase()} ROW LEVEL SECURITY`,
    lock(on),
    place(on),
  );

/** The statement creating a declared policy; no TO is PUBLIC, every role. */
export function createPolicySql(on: On, p: Policy): string {
  // PUBLIC is a keyword, not a role: quoted it would name a role called public.
  const role = (r: string) => (r === 'public' ? 'PUBLIC' : quoteIdent(r));
  const to = p.to.length === 0 ? '' : ` TO ${p.to.map(role).join(', ')}`;
  const using = p.using === undefined ? '' : ` USING (${p.using})`;
  const check = p.withCheck === undefined ? '' : ` WITH CHECK (${p.withCheck})`;
  return (
    `CREATE POLICY ${quoteIdent(p.name)} ON ${qualified(on.schema, on.table)} AS ${p.as.toUpperCase()} ` +
    `FOR ${p.for.toUpperCase()}${to}${using}${check}`
  );
}

/**
 * A declared policy, created after the service's functions (which its conditions may call); one that
 * differs is dropped and created again in the same transaction, so no query sees the table without it.
 */
export function declaredPolicy(on: On, policy: Policy, replace: boolean): Step[] {
  const object = `${on.schema}.${on.table}.${policy.name}`;
  const create = inTransaction('create policy', object, createPolicySql(on, policy), lock(on), place(on));
  if (!replace) return [create];
  const sql = `DROP POLICY IF EXISTS ${quoteIdent(policy.name)} ON ${qualified(on.schema, on.table)}`;
  return [inTransaction('drop policy', object, sql, lock(on), place(on)), create];
}
