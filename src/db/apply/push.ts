import type { Model, Service } from '../../model/types.js';
import { errorLine, oneLine } from '../connect/one-line.js';
import type { Db } from '../connect/queryable.js';
import { referencedSchemas } from '../plan/guard.js';
import { plural } from '../../shared/plural.js';
import { inTransaction, type Step } from '../plan/steps.js';
import type { PushOptions, PushOutcome } from './outcome.js';
import { attempt, driftNow, leftOver, lockSchema } from './attempt.js';
import {
  DEFAULT_POLICY,
  LOCK_TIMEOUT,
  invalidIndexDrops,
  retryingLocks,
  runOnline,
  type LockPolicy,
  type OnlineFailure,
} from './online-run.js';

/**
 * Brings one service's schema in line with the model: one transaction per service, holding a
 * per-schema advisory lock so two pushes of one service never both apply, retried while table locks
 * time out; then the online steps (concurrent index builds, validations) after it commits.
 */
export async function pushService(db: Db, model: Model, service: Service, options: PushOptions): Promise<PushOutcome> {
  const policy = options.policy ?? DEFAULT_POLICY;
  const waiting = waitingFor(service, policy, options.progress);
  // A concurrent build that failed or was killed left an invalid index: dropped, so the plan builds it again.
  const invalid = db.embedded || options.dryRun || options.planOnly ? [] : await invalidIndexDrops(db, service.schema);
  const dropped = invalid.length > 0 ? await runOnline(db, invalid, waiting) : undefined;
  if (dropped) return { status: 'failed', statements: invalid.map((x) => x.sql), reasons: [dropped.reason] };
  const timedOut = (o: PushOutcome) => o.status === 'failed' && o.reasons.some((r) => r.endsWith(`(${LOCK_TIMEOUT})`));
  // Enum values a try commits ahead of its transaction stay committed through the retries.
  const committed: string[] = [];
  const once = () => pushTransactional(db, model, service, options, committed);
  const { result, blocker } = await retryingLocks({ ...waiting, db }, once, timedOut);
  if (blocker) {
    const seconds = policy.retryForMs / 1000;
    const gaveUp = `gave up after ${seconds} s of lock timeouts waiting for ${blocker}; ${leftBehind(committed)}`;
    const statements = [...new Set([...committed, ...result.statements])];
    return { ...result, statements, reasons: [gaveUp, ...result.reasons] };
  }
  const online = result.steps?.filter((x) => x.phase === 'online') ?? [];
  const applied = result.status === 'created' || result.status === 'altered';
  if (options.dryRun || options.planOnly || online.length === 0 || !applied) return result;
  // The transaction has committed: a failure from here on says so first, and what it committed.
  let failure: OnlineFailure | void;
  let left: string[] = [];
  try {
    failure = await runOnline(db, online, waiting);
    if (!failure) left = leftOver(await driftNow(db, service, new Set(result.waiting)));
  } catch (err) {
    failure = { reason: errorLine(err) };
  }
  if (!failure && left.length === 0) return { ...result, inSync: result.waiting === undefined };
  return failedAfterCommit(result, failure ? [failure.reason] : left);
}

/** How the statements of a push wait for locks: on the service's schema and the ones it references. */
export const waitingFor = (service: Service, policy: LockPolicy, progress: (line: string) => void) => ({
  schemas: [service.schema, ...referencedSchemas(service)],
  label: service.name,
  policy,
  progress,
  deadline: Date.now() + policy.retryForMs,
});

/** A push whose transaction committed and whose later part failed: says so first, and what it committed. */
export function failedAfterCommit(result: PushOutcome, then: readonly string[]): PushOutcome {
  const done = result.steps!.filter((x) => x.phase === 'transaction').length;
  const reasons = [...result.reasons, `committed: ${plural(done, 'statement')} of the transaction; then:`, ...then];
  return { ...result, status: 'failed', reasons, inSync: false };
}

/** What a push that stopped before its transaction committed leaves: nothing, or the enum values committed first. */
function leftBehind(committed: readonly string[]): string {
  if (committed.length === 0) return 'nothing was changed';
  const statements = committed.map((s) => oneLine(s).replace(/;$/, ''));
  return `only the enum values added first were committed (${statements.join('; ')})`;
}

/** The transactional part, plus the enum values that must commit before they are used. */
async function pushTransactional(
  db: Db,
  model: Model,
  service: Service,
  options: PushOptions,
  committed: string[],
): Promise<PushOutcome> {
  const enumAdditions: string[] = [];
  const first = await attempt(db, model, service, options, enumAdditions);
  // PostgreSQL refuses a new enum value before the transaction that added it commits (55P04), so a
  // value added and used (as a default, say) in one push needs the additions committed first. They
  // only add values to this service's own types, so committing them alone loses nothing.
  if (first.status !== 'failed' || !first.reasons.some((r) => r.endsWith('(55P04)')) || enumAdditions.length === 0)
    return first;
  const added = enumAdditions.map((sql): Step =>
    inTransaction('add enum value', service.schema, ifNotExists(sql), 'none', {}),
  );
  try {
    await db.transaction(async (tx) => {
      await lockSchema(tx, service, options.progress);
      await tx.batch(added.map((x) => x.sql));
    });
  } catch (err) {
    return { status: 'failed', statements: [], reasons: [errorLine(err)] };
  }
  committed.push(...added.map((x) => x.sql).filter((x) => !committed.includes(x)));
  const second = await attempt(db, model, service, options, []);
  const note =
    `enum values added and committed first (PostgreSQL cannot use a new value in the ` +
    `transaction that adds it): ${plural(added.length, 'statement')}`;
  return {
    ...second,
    status: second.status === 'unchanged' ? 'altered' : second.status,
    statements: [...added.map((x) => x.sql), ...second.statements],
    steps: [...added, ...(second.steps ?? [])],
    reasons: [note, ...second.reasons.map((r) => r.replace(/^nothing was changed/, 'nothing else was changed'))],
  };
}

const ifNotExists = (sql: string) => sql.replace(/\bADD VALUE\s+(?!IF NOT EXISTS)/i, 'ADD VALUE IF NOT EXISTS ');
