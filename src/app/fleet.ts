import type { PushOutcome, PushStatus } from '../db/apply/outcome.js';
import { tenantStates, type TenantState } from '../db/compare/tenant-states.js';
import { connectUrl } from '../db/connect/connection.js';
import { errorLine } from '../db/connect/one-line.js';
import type { Db } from '../db/connect/queryable.js';
import type { Connections, Target } from '../db/connect/targets.js';
import type { TenantPlan } from '../db/apply/replay.js';
import { bindTenant, bindTenantModel, renameSchema } from '../model/tenants.js';
import type { Model, Service } from '../model/types.js';
import { FleetProgress } from './fleet-progress.js';
import type { PushOptions } from './push.js';
import { scrubber, type ServiceTarget } from './services.js';
import { listTenants, type TenantEntry } from './tenant-list.js';

/** What push did to one tenant of a per-tenant service. */
export interface TenantPush {
  readonly tenant: string;
  readonly schema?: string;
  readonly status: PushStatus;
  readonly statements: readonly string[];
  readonly reasons: readonly string[];
  /** the tenant whose schema was in the same state and planned for it (a dry run plans each state once) */
  readonly sharesPlanWith?: string;
}

/** What push did to every tenant of one per-tenant service. */
export interface FleetPush {
  readonly service: string;
  /** the schema pattern, e.g. tenant_{tenant} */
  readonly pattern: string;
  /** the database, password masked */
  readonly target: string;
  /** why the tenants could not be listed or read (the tenants query failed, the database is unreachable) */
  readonly error?: string;
  readonly tenants: readonly TenantPush[];
}

export const DEFAULT_CONCURRENCY = 4;

/**
 * Pushes every tenant of a per-tenant service: one catalog read for all of them, one comparison per
 * distinct state, then each tenant that differs in its own push (transaction, advisory lock on its
 * schema, lock timeouts and retries, online steps), at most `concurrency` at a time. A tenant's
 * failure stops no other; a re-run finds the tenants that match and pushes only the rest.
 */
export async function pushFleet(
  model: Model,
  { service, target }: ServiceTarget,
  options: PushOptions,
  connections: Connections,
  root: string,
  /** in a dry run, the sandbox the shared services were pushed in (their tables are there) */
  sandboxed?: (target: Target) => Promise<Db>,
): Promise<FleetPush> {
  const head = { service: service.name, pattern: service.schema, target: target.label };
  let db: Db;
  let entries: TenantEntry[];
  let states: Map<string, TenantState>;
  try {
    db = sandboxed ? await sandboxed(target) : await connections.get(target);
    entries = await listTenants(service, db, root, options.tenants);
    states = await tenantStates(db, service, schemasOf(entries));
  } catch (err) {
    return { ...head, error: errorLine(err), tenants: [] };
  }
  const results = new Map<string, TenantPush>();
  for (const e of entries) {
    if ('problem' in e)
      results.set(e.tenant, { tenant: e.tenant, status: 'failed', statements: [], reasons: [e.problem] });
    else if (states.get(e.schema)!.drift.length === 0)
      results.set(e.tenant, { tenant: e.tenant, schema: e.schema, status: 'unchanged', statements: [], reasons: [] });
  }
  const differing = entries.filter((e): e is Bound => 'schema' in e && !results.has(e.tenant));
  const pushed = options.dryRun
    ? await planEachState(model, service, db, differing, states, options)
    : await pushEach(model, service, db, target.url, differing, states, options);
  for (const [tenant, r] of pushed) results.set(tenant, r);
  return { ...head, tenants: entries.map((e) => results.get(e.tenant)!) };
}

type Bound = { readonly tenant: string; readonly schema: string };

const schemasOf = (entries: readonly TenantEntry[]) => entries.flatMap((e) => ('schema' in e ? [e.schema] : []));

async function pushTenant(
  model: Model,
  service: Service,
  db: Db,
  t: Bound,
  options: PushOptions,
): Promise<PushOutcome> {
  const { bound, model: m } = bindTenantModel(model, service, t.schema);
  try {
    const { pushService } = await import('../db/apply/push.js');
    return await pushService(db, m, bound, {
      acceptDataLoss: options.acceptDataLoss ?? false,
      dryRun: options.dryRun ?? false,
      allowDuplicate: options.allowDuplicate ?? false,
      progress: options.onProgress ?? (() => {}),
      onlineOnly: options.onlineOnly ?? false,
      fixSoftDelete: options.fixSoftDelete ?? false,
      policy: options.policy,
    });
  } catch (err) {
    return { status: 'failed', statements: [], reasons: [errorLine(err)] };
  }
}

const reported = (t: Bound, o: PushOutcome): TenantPush => ({
  ...t,
  status: o.status,
  statements: o.statements,
  reasons: o.reasons,
});

/**
 * For real: each differing tenant in its own push, `concurrency` at a time on a pool of that many
 * connections. The first tenants of a state are planned and pushed as push does; the others in that
 * state replay such a plan (replay.ts) and are compared with the manifest together at the end. With
 * `canary`, the first tenants go alone first, and a failure among them stops the rest.
 */
async function pushEach(
  model: Model,
  service: Service,
  db: Db,
  url: string | undefined,
  tenants: readonly Bound[],
  states: ReadonlyMap<string, TenantState>,
  options: PushOptions,
): Promise<Map<string, TenantPush>> {
  const concurrency = db.embedded ? 1 : Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
  // The shared connection holds 4; a wider push opens a pool of its own, one connection per tenant at work.
  const pool = url && concurrency > 2 ? connectUrl(url, concurrency + 1) : db;
  const progress = new FleetProgress(service.name, tenants.length, options.onFleetProgress);
  const results = new Map<string, TenantPush>();
  const { populatedOf, replayable, replayPlan } = await import('../db/apply/replay.js');
  const plans = new Map<string, TenantPlan[]>();
  const replayed = new Map<Bound, PushOutcome>();
  const pushOne = async (t: Bound): Promise<PushOutcome> => {
    const state = states.get(t.schema)!.representative;
    const known = plans.get(state);
    const bound = bindTenant(service, t.schema);
    const again = known && (await replayPlan(pool, bound, known, options.policy, options.onProgress));
    if (again) {
      if (again.status !== 'failed') replayed.set(t, again);
      return again;
    }
    const populated = await populatedOf(pool, t.schema).catch(() => undefined);
    const outcome = await pushTenant(model, service, pool, t, options);
    if (populated !== undefined && replayable(outcome))
      plans.set(state, [...(plans.get(state) ?? []), { schema: t.schema, populated, outcome }]);
    return outcome;
  };
  const run = async (batch: readonly Bound[]) => {
    let next = 0;
    const worker = async () => {
      while (next < batch.length) {
        const t = batch[next++]!;
        const r = reported(t, await pushOne(t));
        results.set(t.tenant, r);
        progress.finished(r.status === 'failed' || r.status === 'refused');
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, batch.length) }, worker));
  };
  try {
    const canary = tenants.slice(0, Math.max(0, options.canary ?? 0));
    await run(canary);
    const stopped = canary.filter((t) => ['failed', 'refused'].includes(results.get(t.tenant)!.status));
    const rest = tenants.slice(canary.length);
    if (stopped.length === 0) await run(rest);
    else
      for (const t of rest)
        results.set(t.tenant, {
          ...t,
          status: 'skipped',
          statements: [],
          reasons: [`not pushed: the canary stopped at ${stopped.map((x) => x.tenant).join(', ')}`],
        });
    await compareReplayed(pool, service, replayed, results);
  } finally {
    progress.end();
    if (pool !== db) await pool.close();
  }
  return results;
}

/** The replayed tenants compared with the manifest in one read: one that differs is push's own failure. */
async function compareReplayed(
  db: Db,
  service: Service,
  replayed: ReadonlyMap<Bound, PushOutcome>,
  results: Map<string, TenantPush>,
) {
  if (replayed.size === 0) return;
  const [{ failedAfterCommit }, { leftOver }] = await Promise.all([
    import('../db/apply/push.js'),
    import('../db/apply/attempt.js'),
  ]);
  const after = await tenantStates(
    db,
    service,
    [...replayed.keys()].map((t) => t.schema),
  );
  for (const [t, outcome] of replayed) {
    const left = after.get(t.schema)!.drift;
    if (left.length > 0) results.set(t.tenant, reported(t, failedAfterCommit(outcome, leftOver(left))));
  }
}

/**
 * A dry run plans each distinct state once, on its first tenant, in the sandbox (rolled back at the end
 * by the caller); the other tenants in that state get the same statements in their own schema.
 */
async function planEachState(
  model: Model,
  service: Service,
  db: Db,
  tenants: readonly Bound[],
  states: ReadonlyMap<string, TenantState>,
  options: PushOptions,
): Promise<Map<string, TenantPush>> {
  const plans = new Map<string, TenantPush>();
  const results = new Map<string, TenantPush>();
  for (const t of tenants) {
    // The first tenant of a state is its representative: the others of that state come after it.
    const rep = states.get(t.schema)!.representative;
    let plan = plans.get(rep);
    if (!plan) plans.set(rep, (plan = reported(t, await pushTenant(model, service, db, t, options))));
    const swap = (text: string) => renameSchema(text, plan.schema!, t.schema);
    results.set(t.tenant, {
      ...t,
      status: plan.status,
      statements: plan.statements.map(swap),
      reasons: plan.reasons.map(swap),
      ...(plan.tenant !== t.tenant && { sharesPlanWith: plan.tenant }),
    });
  }
  return results;
}

const FAILING: readonly PushStatus[] = ['refused', 'failed', 'skipped'];

/** Every tenant listed and pushed or matching. */
export const fleetOk = (f: FleetPush) => !f.error && f.tenants.every((t) => !FAILING.includes(t.status));

/** The report without the targets' passwords (driver errors may echo a URL). */
export function scrubFleet(f: FleetPush, targets: readonly ServiceTarget[]): FleetPush {
  const scrub = scrubber(targets);
  return {
    ...f,
    ...(f.error && { error: scrub(f.error) }),
    tenants: f.tenants.map((t) => ({ ...t, statements: t.statements.map(scrub), reasons: t.reasons.map(scrub) })),
  };
}
