import type { Db, Queryable } from '../connect/queryable.js';
import type { Step, Violation } from '../plan/steps.js';
import { qualified } from '../../shared/sql-quote.js';
import { plural } from '../../shared/plural.js';
import { SESSION_COLUMNS, builtIndex, describeSession, gaveUpReason, waitingOut, type Session } from './waits.js';

/** How long a push may wait for table locks, and for how long it keeps trying. */
export interface LockPolicy {
  /** per statement: longer than this, and application queries would queue behind the push */
  readonly lockTimeoutMs: number;
  /** total time spent retrying after lock timeouts */
  readonly retryForMs: number;
  /** per statement of the transactional part */
  readonly statementTimeoutMs: number;
}

export const DEFAULT_POLICY: LockPolicy = { lockTimeoutMs: 2_000, retryForMs: 60_000, statementTimeoutMs: 60_000 };

export interface Waiting {
  readonly db: Queryable;
  /** schemas whose tables the push locks: where to look for the blocker */
  readonly schemas: readonly string[];
  readonly label: string;
  readonly policy: LockPolicy;
  readonly progress: (line: string) => void;
  /** when retrying stops (ms since the epoch) */
  readonly deadline: number;
}

export const LOCK_TIMEOUT = '55P03';
const errorCode = (err: unknown) => (err as { code?: string })?.code;
/** how long past the window a watched step's own lock timeout ends it, should its watcher fail */
const WATCH_GRACE_MS = 5_000;

/** The oldest other session holding a lock on a table of `schemas`: whoever the push waited for. */
const BLOCKER = `
select ${SESSION_COLUMNS}
  from pg_locks l join pg_class c on c.oid = l.relation join pg_namespace n on n.oid = c.relnamespace
  join pg_stat_activity a on a.pid = l.pid
 where l.granted and n.nspname in (select json_array_elements_text(($1::text)::json))
   and a.pid <> pg_backend_pid() and a.backend_type = 'client backend'
 order by a.xact_start nulls last, a.pid limit 1`;

/** `pid 4711 (idle in transaction for 25 s: select …)`, or a plain phrase when nobody holds a lock any more. */
export async function describeBlocker(db: Queryable, schemas: readonly string[]): Promise<string> {
  try {
    const [b] = await db.query<Session>(BLOCKER, [JSON.stringify(schemas)]);
    return b ? describeSession(b) : 'a lock held by another session';
  } catch {
    return 'a lock held by another session';
  }
}

/** Backoff with jitter: 0.5 s, 1 s, 2 s, … capped at 5 s, each shortened by up to half at random. */
const backoff = (retry: number) => Math.min(500 * 2 ** (retry - 1), 5_000) * (0.5 + Math.random() / 2);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `once` until it does not end in a lock timeout or the retry window closes. Between tries it
 * names the session the push waited for; after the last one `blocker` says who it was.
 */
export async function retryingLocks<T>(
  w: Waiting,
  once: () => Promise<T>,
  timedOut: (result: T) => boolean,
): Promise<{ result: T; blocker?: string }> {
  for (let retry = 1; ; retry++) {
    const result = await once();
    if (!timedOut(result)) return { result };
    const blocker = await describeBlocker(w.db, w.schemas);
    const delay = backoff(retry);
    if (Date.now() + delay >= w.deadline) return { result, blocker };
    w.progress(`${w.label}: waiting for ${blocker}, retry ${retry}`);
    await sleep(delay);
  }
}

export interface OnlineFailure {
  readonly reason: string;
}

/**
 * Runs the steps that cannot or should not run in a transaction, one at a time on one connection.
 * Steps that only take SHARE UPDATE EXCLUSIVE (writes go on) wait for the rest of the retry window,
 * watched from another connection (waits.ts); the others keep the short lock timeout and are retried.
 */
export async function runOnline(db: Db, steps: readonly Step[], w: Omit<Waiting, 'db'>): Promise<OnlineFailure | void> {
  return db.session(async (s) => {
    const waiting: Waiting = { ...w, db };
    const [{ pid } = { pid: 0 }] = await s.query<{ pid: number }>('select pg_backend_pid() as pid');
    try {
      for (const step of steps) {
        const failure = await runStep(s, pid, step, waiting);
        if (failure) return failure;
      }
      return undefined;
    } finally {
      const reset = `select set_config('lock_timeout', '0', false), set_config('statement_timeout', '0', false)`;
      await s.query(reset).catch(() => undefined);
    }
  });
}

const setTimeouts = (s: Queryable, lockMs: number, statementMs: number) =>
  s.query(`select set_config('lock_timeout', $1, false), set_config('statement_timeout', $2, false)`, [
    `${lockMs}ms`,
    `${statementMs}ms`,
  ]);

async function runStep(s: Queryable, pid: number, step: Step, w: Waiting): Promise<OnlineFailure | undefined> {
  const build = builtIndex(step) !== undefined;
  // A failed concurrent build leaves an invalid index: dropped, waiting no longer than the window allows.
  const undoBuild = async () => {
    if (!build || !step.undo) return;
    await setTimeouts(s, Math.max(w.deadline - Date.now(), w.policy.lockTimeoutMs), 0).catch(() => undefined);
    await s.batch([step.undo]).catch(() => undefined);
  };
  let error: unknown;
  if (step.lock === 'SHARE UPDATE EXCLUSIVE') {
    // The watcher cancels the step when the window ends; the lock timeout only backs it up.
    await setTimeouts(s, Math.max(w.deadline - Date.now(), 0) + WATCH_GRACE_MS, 0);
    const outcome = await waitingOut(s, pid, step, w);
    if (outcome.gaveUp) {
      if (outcome.gaveUp.begun) await undoBuild();
      return { reason: await gaveUpReason(s, step, outcome.gaveUp) };
    }
    error = outcome.error;
    if (error !== undefined) await undoBuild();
  } else {
    const { blocker } = await retryingLocks(
      w,
      async () => {
        await setTimeouts(s, w.policy.lockTimeoutMs, w.policy.statementTimeoutMs);
        try {
          await s.batch([step.sql]);
          error = undefined;
        } catch (err) {
          error = err;
        }
        return error;
      },
      (err) => errorCode(err) === LOCK_TIMEOUT,
    );
    if (blocker && error !== undefined)
      return { reason: `gave up waiting for ${blocker} (lock timeout, ${LOCK_TIMEOUT}): ${step.sql}` };
  }
  if (error === undefined) return undefined;
  const line = (err: unknown) => String((err as Error)?.message ?? err).replace(/\s+/g, ' ');
  if (step.violations && errorCode(error)?.startsWith('23')) {
    const [row] = await s.query<{ n: number | string }>(step.violations.countSql).catch(() => [] as { n: number }[]);
    if (step.undo && !build) await s.batch([step.undo]).catch(() => undefined);
    if (row) {
      const n = Number(row.n);
      const rows = `${plural(n, 'existing row')} of ${step.table}`;
      return { reason: `${step.violations.what} is violated by ${rows}; it was removed (${line(error)})` };
    }
  }
  return { reason: `${line(error)}: ${step.sql}` };
}

const INVALID_INDEXES = `
select ic.relname as name
  from pg_index i join pg_class ic on ic.oid = i.indexrelid join pg_namespace n on n.oid = ic.relnamespace
 where n.nspname = $1 and not i.indisvalid
   and not exists (select 1 from pg_stat_progress_create_index p where p.index_relid = i.indexrelid)`;

/** Drops for the indexes a failed or killed concurrent build left invalid (and nobody is building now). */
export async function invalidIndexDrops(db: Queryable, schema: string): Promise<Step[]> {
  const rows = await db.query<{ name: string }>(INVALID_INDEXES, [schema]);
  return rows.map((r) => ({
    kind: 'drop index',
    object: `${schema}.${r.name}`,
    sql: `DROP INDEX CONCURRENTLY IF EXISTS ${qualified(schema, r.name)}`,
    phase: 'online',
    lock: 'SHARE UPDATE EXCLUSIVE',
    rewrites: false,
    scans: false,
  }));
}

/**
 * Counts the existing rows that break each constraint an online step will validate, before anything
 * is applied: plain reads that let writes go on. One that cannot be counted yet (it names a table
 * the same push creates) is left to its validation.
 */
export async function existingViolations(tx: Queryable, steps: readonly Step[]): Promise<Violation[]> {
  const found: Violation[] = [];
  for (const step of steps) {
    const { violations } = step;
    if (!violations || !tx.savepoint) continue;
    const count = async (s: Queryable) => {
      if (violations.prelude) await s.batch([violations.prelude]);
      return s.query<{ n: number | string }>(violations.countSql);
    };
    const rows = await tx.savepoint(count).catch(() => []);
    const n = Number(rows[0]?.n ?? 0);
    if (n === 0) continue;
    const advice = violations.advice ? `: ${violations.advice}` : '';
    const verb = violations.verb ?? 'is violated by';
    const message = `${violations.what} ${verb} ${plural(n, 'existing row')} of ${step.table}${advice}`;
    found.push({ constraint: violations.constraint, message });
  }
  return found;
}
