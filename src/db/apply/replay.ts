import { renameSchema } from '../../model/tenants.js';
import type { Service } from '../../model/types.js';
import { errorLine } from '../connect/one-line.js';
import type { Db, Queryable } from '../connect/queryable.js';
import { populatedTables } from '../plan/facts.js';
import type { Step, StepKind } from '../plan/steps.js';
import { lockSchema } from './attempt.js';
import { DEFAULT_POLICY, runOnline, type LockPolicy } from './online-run.js';
import type { PushOutcome } from './outcome.js';
import { failedAfterCommit, waitingFor } from './push.js';

/**
 * A push of one tenant, kept so that the tenants in the same state get its statements without
 * planning again: a thousand tenants in one state cost one plan and a thousand short transactions.
 */
export interface TenantPlan {
  readonly schema: string;
  /** the tenant's tables that held rows (populatedOf): they decide the online forms */
  readonly populated: string;
  readonly outcome: PushOutcome;
}

/**
 * The kinds of step whose plan follows from the catalog and which tables hold rows, and nothing else:
 * a step that counts rows (a rule existing rows may break), loses, rewrites or moves data, or works on
 * enums, views and types (whose dependents live in other schemas) is planned for each tenant.
 */
const REPLAYABLE: ReadonlySet<StepKind> = new Set<StepKind>([
  'create schema',
  'create enum',
  'create table',
  'create partition',
  'add column',
  'drop not null',
  'set default',
  'drop default',
  'create sequence',
  'add constraint',
  'drop constraint',
  'create index',
  'drop index',
  'rename index',
  'attach index',
  'comment',
  'create trigger',
  'drop trigger',
  'enable rls',
  'force rls',
  'create policy',
  'create function',
]);

/** Whether the push applied fully and compared equal after, with only steps another tenant can replay. */
export function replayable(outcome: PushOutcome): boolean {
  const steps = outcome.steps;
  return (
    (outcome.status === 'created' || outcome.status === 'altered') &&
    outcome.inSync === true &&
    steps !== undefined &&
    steps.length === outcome.statements.length &&
    steps.every((x) => REPLAYABLE.has(x.kind) && !x.violations && !x.loss && !x.hazard && !x.rewrites)
  );
}

/**
 * Runs, for the tenant `service` is bound to, the plan of another tenant that was in the same state
 * and had the same tables holding rows, in its schema: the transactional steps in one transaction
 * under the tenant's advisory lock, then the online ones. Undefined when no plan fits the tenant's
 * tables or a statement fails (nothing committed): the caller then pushes the tenant as usual, which
 * also finds a tenant another push has just brought in line. The caller compares the tenants after.
 */
export async function replayPlan(
  db: Db,
  service: Service,
  plans: readonly TenantPlan[],
  policy: LockPolicy = DEFAULT_POLICY,
  progress: (line: string) => void = () => {},
): Promise<PushOutcome | undefined> {
  const schema = service.schema;
  let outcome: PushOutcome | undefined;
  try {
    outcome = await db.transaction(async (tx) => {
      await lockSchema(tx, service, progress);
      const populated = await populatedOf(tx, schema);
      const plan = plans.find((p) => p.populated === populated);
      if (!plan) return undefined;
      const swap = (text: string) => renameSchema(text, plan.schema, schema);
      const steps = plan.outcome.steps!.map((x) => stepIn(x, swap));
      await tx.batch([
        `SET LOCAL lock_timeout = ${policy.lockTimeoutMs}`,
        `SET LOCAL statement_timeout = ${policy.statementTimeoutMs}`,
        ...steps.filter((x) => x.phase === 'transaction').map((x) => x.sql),
      ]);
      const reasons = plan.outcome.reasons.map(swap);
      return { status: plan.outcome.status, statements: steps.map((x) => x.sql), steps, reasons };
    });
  } catch {
    return undefined;
  }
  const online = outcome?.steps?.filter((x) => x.phase === 'online') ?? [];
  if (!outcome || online.length === 0) return outcome;
  try {
    const failure = await runOnline(db, online, waitingFor(service, policy, progress));
    return failure ? failedAfterCommit(outcome, [failure.reason]) : outcome;
  } catch (err) {
    return failedAfterCommit(outcome, [errorLine(err)]);
  }
}

/** The tables of `schema` that hold rows, as a TenantPlan keeps them. */
export const populatedOf = async (q: Queryable, schema: string) => (await populatedTables(q, schema)).join(',');

/** A step of one tenant's plan, as it is in another tenant's schema. */
const stepIn = (x: Step, swap: (text: string) => string): Step => ({
  ...x,
  sql: swap(x.sql),
  object: swap(x.object),
  ...(x.table && { table: swap(x.table) }),
  ...(x.undo && { undo: swap(x.undo) }),
});
