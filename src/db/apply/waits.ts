import type { Queryable } from '../connect/queryable.js';
import type { Step } from '../plan/steps.js';
import { oneLine } from '../connect/one-line.js';

/**
 * Online steps that take only SHARE UPDATE EXCLUSIVE (concurrent index builds, validations) hold up
 * no writes while they wait, so they may wait for the rest of the push's retry window. Their waits
 * are lock waits (a concurrent build also waits for every older transaction, one after the other),
 * so each is watched from another connection: the session in the way is named while it lasts, and
 * at the window's end the step is cancelled, never left to overrun it.
 */

/** What a wait needs of the push: another connection than the step's, where to report, when to stop. */
export interface Window {
  readonly db: Queryable;
  readonly label: string;
  readonly progress: (line: string) => void;
  /** when waiting stops (ms since the epoch) */
  readonly deadline: number;
}

/** A session another one waits for, as pg_stat_activity shows it. */
export interface Session {
  readonly pid: number;
  readonly state: string;
  readonly seconds: number;
  readonly query: string;
}

/** Who a step gave up on, after how long, and whether it had begun (a build leaves an invalid index). */
export interface Blocked {
  readonly blocker: Session;
  readonly waitedMs: number;
  readonly begun: boolean;
}

export const SESSION_COLUMNS = `a.pid, coalesce(a.state, '?') as state,
       extract(epoch from now() - coalesce(a.xact_start, a.query_start))::int as seconds,
       left(regexp_replace(coalesce(a.query, ''), '\\s+', ' ', 'g'), 60) as query`;

/** `pid 4711 (idle in transaction for 25 s: select …)` */
export const describeSession = (b: Session) => `pid ${b.pid} (${b.state} for ${b.seconds} s: ${b.query})`;

/** The step's backend: waiting for a lock or not, and the oldest session it waits for. */
const WATCH = `
select w.wait_event_type = 'Lock' as waiting, b.*
  from pg_stat_activity w
  left join lateral (select ${SESSION_COLUMNS} from pg_stat_activity a where a.pid = any(pg_blocking_pids(w.pid))
                      order by a.xact_start nulls last, a.pid limit 1) b on true
 where w.pid = $1`;

/**
 * Transactions a concurrent build on the table would wait for: every one holding a snapshot in this
 * database (the build's last phase waits for older snapshots) and every one holding a lock on the
 * table that a writer takes (its first phases wait for writers).
 */
const OLDER = `
select ${SESSION_COLUMNS}, a.xact_start::text as since
  from pg_stat_activity a
 where a.datname = current_database() and a.pid <> pg_backend_pid() and a.backend_type = 'client backend'
   and a.xact_start is not null
   and (a.backend_xmin is not null
        or exists (select 1 from pg_locks l join pg_class c on c.oid = l.relation
                     join pg_namespace n on n.oid = c.relnamespace
                    where l.pid = a.pid and l.granted and n.nspname = $1 and c.relname = $2
                      and l.mode not in ('AccessShareLock', 'RowShareLock', 'ShareLock')))
 order by a.xact_start, a.pid`;

const POLL_MS = 250;
/** a wait shorter than this (an ordinary query finishing) goes unreported */
const NOTICE_MS = 1_000;
/** while one session stays in the way, it is named again this often */
const REPEAT_MS = 5_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The name of what a step on a table works on: its object less the `schema.table.` it stands on. */
const nameIn = (step: Step) =>
  step.table && step.object.startsWith(`${step.table}.`) ? step.object.slice(step.table.length + 1) : step.object;

/** The index a step builds concurrently, if it does. */
export const builtIndex = (step: Step) =>
  step.kind === 'create index' && step.phase === 'online' ? nameIn(step) : undefined;

/** `building index orders_total_idx`, `validating orders_total_check`: the step as a person would say it. */
function doing(step: Step): string {
  const index = builtIndex(step);
  if (index) return `building index ${index}`;
  if (step.kind === 'validate constraint') return `validating ${nameIn(step)}`;
  if (step.kind === 'drop index') return `dropping index ${nameIn(step)}`;
  return oneLine(step.sql);
}

/** Names the session in the way once it has held the step up for a second, then every few seconds. */
function reporter(w: Window, what: string) {
  let seen = { pid: 0, at: 0 };
  let told = { pid: 0, at: 0 };
  return (b: Session) => {
    const now = Date.now();
    if (b.pid !== seen.pid) seen = { pid: b.pid, at: now };
    if (now - seen.at < NOTICE_MS || (b.pid === told.pid && now - told.at < REPEAT_MS)) return;
    told = { pid: b.pid, at: now };
    const left = Math.max(0, Math.ceil((w.deadline - now) / 1000));
    w.progress(`${w.label}: ${what} waits for ${describeSession(b)}; gives up in ${left} s`);
  };
}

/**
 * Runs one step on `s` (backend `pid`) with its lock timeout already set past the window's end, and
 * watches it. A concurrent build first waits, creating nothing yet, for the transactions it would
 * wait for once begun: given up on then, it leaves no invalid index behind.
 */
export async function waitingOut(
  s: Queryable,
  pid: number,
  step: Step,
  w: Window,
): Promise<{ error?: unknown; gaveUp?: Blocked }> {
  const started = Date.now();
  const report = reporter(w, doing(step));
  if (builtIndex(step) && step.table) {
    const [schema, table] = [
      step.table.slice(0, step.table.indexOf('.')),
      step.table.slice(step.table.indexOf('.') + 1),
    ];
    const waitedFor = new Set<string>();
    for (let first = true; ; first = false) {
      const found = await s.query<Session & { since: string }>(OLDER, [schema, table]);
      const key = (x: Session & { since: string }) => `${x.pid} ${x.since}`;
      // Only the transactions open when the wait began: newer ones end before the build needs them to.
      if (first) for (const x of found) waitedFor.add(key(x));
      const oldest = found.find((x) => waitedFor.has(key(x)));
      if (!oldest) break;
      if (Date.now() >= w.deadline)
        return { gaveUp: { blocker: oldest, waitedMs: Date.now() - started, begun: false } };
      report(oldest);
      await sleep(POLL_MS);
    }
  }
  let settled = false;
  let gaveUp: Blocked | undefined;
  const running = s.batch([step.sql]).then(
    () => undefined,
    (err: unknown) => err ?? new Error('failed'),
  );
  void running.finally(() => (settled = true));
  while (!settled) {
    await Promise.race([running, sleep(POLL_MS)]);
    if (settled || gaveUp) continue;
    const [row] = await w.db.query<Session & { waiting: boolean }>(WATCH, [pid]).catch(() => []);
    if (!row?.waiting || !row.pid) continue;
    report(row);
    if (Date.now() < w.deadline) continue;
    gaveUp = { blocker: row, waitedMs: Date.now() - started, begun: true };
    await w.db.query('select pg_cancel_backend($1)', [pid]).catch(() => undefined);
  }
  const error = await running;
  return gaveUp ? { gaveUp } : { error };
}

/** One line: what the step was doing, who it waited for and how long, and what the next push does. */
export async function gaveUpReason(s: Queryable, step: Step, blocked: Blocked): Promise<string> {
  const after = `after ${Math.round(blocked.waitedMs / 1000)} s waiting for ${describeSession(blocked.blocker)}`;
  const index = builtIndex(step);
  if (index) {
    if (!blocked.begun)
      return (
        `gave up building index ${index} ${after}: a concurrent build waits for every older transaction ` +
        `to end; nothing was built, the next push builds it`
      );
    const [schema] = step.table?.split('.') ?? [];
    const exists = `select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace
                     where n.nspname = $1 and c.relname = $2`;
    const left = await s.query(exists, [schema, index]).catch(() => [{}]);
    return left.length === 0
      ? `gave up building index ${index} ${after}: the build was cancelled and its invalid index removed; ` +
          `the next push builds it`
      : `gave up building index ${index} ${after}: the build was cancelled, and its invalid index stays until ` +
          `that transaction ends (removing it waits for it too); verify reports it, the next push removes ` +
          `and builds it`;
  }
  if (step.kind === 'validate constraint')
    return `gave up validating ${nameIn(step)} ${after}: it stays NOT VALID, the next push validates it`;
  return `gave up ${after}: ${oneLine(step.sql)}; the next push runs it again`;
}
