import type { Db, Queryable } from '../connect/queryable.js';
import type { Step, Violation } from '../plan/online.js';
import { qualified } from '../../shared/sql-quote.js';
import { plural } from '../../shared/plural.js';

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

/** The oldest other session holding a lock on a table of `schemas`: whoever the push waited for. */
const BLOCKER = `
select a.pid, coalesce(a.state, '?') as state,
       extract(epoch from now() - coalesce(a.xact_start, a.query_start))::int as seconds,
       left(regexp_replace(coalesce(a.query, ''), '\\s+', ' ', 'g'), 60) as query
  from pg_locks l join pg_class c on c.oid = l.relation join pg_namespace n on n.oid = c.relnamespace
  join pg_stat_activity a on a.pid = l.pid
 where l.granted and n.nspname in (select json_array_elements_text(($1::text)::json))
   and a.pid <> pg_backend_pid() and a.backend_type = 'client backend'
 order by a.xact_start nulls last, a.pid limit 1`;

/** `pid 4711 (idle in transaction for 25 s: select …)`, or a plain phrase when nobody holds a lock any more. */
export async function describeBlocker(db: Queryable, schemas: readonly string[]): Promise<string> {
  try {
    const [b] = await db.query<{ pid: number; state: string; seconds: number; query: string }>(BLOCKER, [
      JSON.stringify(schemas),
    ]);
    return b ? `pid ${b.pid} (${b.state} for ${b.seconds} s: ${b.query})` : 'a lock held by another session';
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
 * Steps that only take SHARE UPDATE EXCLUSIVE (writes go on) may wait for their lock for the whole
 * retry window; the others keep the short lock timeout and are retried.
 */
export async function runOnline(db: Db, steps: readonly Step[], w: Omit<Waiting, 'db'>): Promise<OnlineFailure | void> {
  return db.session(async (s) => {
    const waiting: Waiting = { ...w, db };
    try {
      for (const step of steps) {
        const failure = await runStep(s, step, waiting);
        if (failure) return failure;
      }
      return undefined;
    } finally {
      const reset = `select set_config('lock_timeout', '0', false), set_config('statement_timeout', '0', false)`;
      await s.query(reset).catch(() => undefined);
    }
  });
}

async function runStep(s: Queryable, step: Step, w: Waiting): Promise<OnlineFailure | undefined> {
  const gentle = step.lock === 'SHARE UPDATE EXCLUSIVE';
  const settings = async () => {
    const lockMs = gentle ? Math.max(w.deadline - Date.now(), w.policy.lockTimeoutMs) : w.policy.lockTimeoutMs;
    await s.query(`select set_config('lock_timeout', $1, false), set_config('statement_timeout', $2, false)`, [
      `${lockMs}ms`,
      gentle ? '0' : `${w.policy.statementTimeoutMs}ms`,
    ]);
  };
  let error: unknown;
  const { blocker } = await retryingLocks(
    w,
    async () => {
      await settings();
      try {
        await s.batch([step.sql]);
        error = undefined;
      } catch (err) {
        error = err;
        // A failed concurrent build leaves an invalid index behind: gone before the next try.
        if (/^CREATE /i.test(step.sql) && step.undo) await s.batch([step.undo]).catch(() => undefined);
      }
      return error;
    },
    (err) => errorCode(err) === LOCK_TIMEOUT,
  );
  if (error === undefined) return undefined;
  const line = (err: unknown) => String((err as Error)?.message ?? err).replace(/\s+/g, ' ');
  if (blocker) return { reason: `gave up waiting for ${blocker} (lock timeout, ${LOCK_TIMEOUT}): ${step.sql}` };
  if (step.violations && errorCode(error)?.startsWith('23')) {
    const [row] = await s.query<{ n: number | string }>(step.violations.countSql).catch(() => [] as { n: number }[]);
    if (step.undo && !/^CREATE /i.test(step.sql)) await s.batch([step.undo]).catch(() => undefined);
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
    const rows = await tx.savepoint((s) => s.query<{ n: number | string }>(violations.countSql)).catch(() => []);
    const n = Number(rows[0]?.n ?? 0);
    if (n === 0) continue;
    const message = `${violations.what} is violated by ${plural(n, 'existing row')} of ${step.table}`;
    found.push({ constraint: violations.constraint, message });
  }
  return found;
}
