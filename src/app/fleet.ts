import type { PushOutcome, PushStatus } from '../db/apply/outcome.js';
import type { StateCache, TenantState } from '../db/compare/tenant-states.js';
import { connectUrl } from '../db/connect/connection.js';
import { errorLine } from '../db/connect/one-line.js';
import type { Db } from '../db/connect/queryable.js';
import type { Connections, Target } from '../db/connect/targets.js';
import type { TenantPlan } from '../db/apply/replay.js';
import { bindTenant, bindTenantModel, renameSchema } from '../model/tenants.js';
import type { Model, Service } from '../model/types.js';
import { FleetDatabases, perServer, readStates, type Bound } from './fleet-databases.js';
import { FleetProgress } from './fleet-progress.js';
import type { PushOptions } from './push.js';
import { scrubber, type ServiceTarget } from './services.js';
import { listTenants, type TenantEntry } from './tenant-list.js';

/** What push did to one tenant of a per-tenant service. */
export interface TenantPush {
  readonly tenant: string;
  readonly schema?: string;
  /** with a database per tenant, the tenant's database (password masked) */
  readonly database?: string;
  readonly status: PushStatus;
  readonly statements: readonly string[];
  readonly reasons: readonly string[];
  /** the tenant whose schema was in the same state and planned for it (a dry run plans each state once) */
  readonly sharesPlanWith?: string;
}

/** What push did to every tenant of one per-tenant service. */
export interface FleetPush {
  readonly service: string;
  /** the schema or database pattern, e.g. tenant_{tenant} */
  readonly pattern: string;
  /** the (control) database, password masked */
  readonly target: string;
  /** why the tenants could not be listed or read (the tenants query failed, the database is unreachable) */
  readonly error?: string;
  readonly tenants: readonly TenantPush[];
}

export const DEFAULT_CONCURRENCY = 4;

/**
 * Pushes every tenant of a per-tenant service: one catalog read for the tenants of the control
 * database (or one per tenant database), one comparison per distinct state, then each tenant that
 * differs in its own push (transaction, advisory lock, lock timeouts and retries, online steps), at
 * most `concurrency` at a time per database server. A tenant's failure stops no other; a re-run finds
 * the tenants that match and pushes only the rest.
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
  const head = { service: service.name, pattern: service.tenants!.pattern, target: target.label };
  const dryRun = options.dryRun ?? false;
  let db: Db;
  let entries: TenantEntry[];
  try {
    db = sandboxed ? await sandboxed(target) : await connections.get(target);
    entries = await listTenants(service, db, root, options.tenants, target.url);
  } catch (err) {
    return { ...head, error: errorLine(err), tenants: [] };
  }
  const concurrency = db.embedded ? 1 : Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
  const bound = entries.filter((e): e is Bound => 'schema' in e);
  // The shared connection holds 4; a wider push on the control database opens a pool of its own.
  const wide = target.url && !dryRun && concurrency > 2 && bound.some((t) => !t.database);
  const pool = wide ? connectUrl(target.url!, concurrency + 1) : db;
  const dbs = new FleetDatabases(pool, dryRun);
  const results = new Map<string, TenantPush>();
  // One comparison per distinct state for the whole push: the tenants' states before, and after a replay.
  const cache: StateCache = new Map();
  // Without a canary, each tenant database is read, pushed and compared on one connection in turn
  // (pushEach): a second connection and a second cold catalog cache cost each tenant more than its change.
  const along = !dryRun && !options.canary && bound.length > 0 && bound.every((t) => t.database);
  try {
    let states = new Map<string, TenantState | { readonly error: string }>();
    try {
      if (!along) states = await readStates(service, bound, dbs, concurrency, {}, cache);
    } catch (err) {
      return { ...head, error: errorLine(err), tenants: [] };
    }
    for (const e of entries) {
      const state = states.get(e.tenant);
      const settled = 'problem' in e ? failed(e, e.problem) : state && settledBy(e, state);
      if (settled) results.set(e.tenant, settled);
    }
    const differing = bound.filter((e) => !results.has(e.tenant));
    const known = states as Map<string, TenantState>;
    const fleet = { model, service, dbs, states: known, options, concurrency, cache };
    const pushed = dryRun ? await planEachState(fleet, differing) : await pushEach(fleet, differing, along);
    for (const [tenant, r] of pushed) results.set(tenant, r);
  } finally {
    await dbs.close(bound);
    if (pool !== db) await pool.close();
  }
  return { ...head, tenants: entries.map((e) => results.get(e.tenant)!) };
}

/** What a fleet push works with. */
interface Fleet {
  readonly model: Model;
  readonly service: Service;
  readonly dbs: FleetDatabases;
  /** the state of each tenant that differs, by tenant name (read as it is pushed, when pushed along) */
  readonly states: Map<string, TenantState>;
  readonly options: PushOptions;
  readonly concurrency: number;
  readonly cache: StateCache;
}

/** A tenant as the report names it: with a database per tenant, its database (password masked). */
const place = (t: { tenant: string; schema?: string; database?: Target }) => ({
  tenant: t.tenant,
  ...(t.schema !== undefined && { schema: t.schema }),
  ...(t.database && { database: t.database.label }),
});

const failed = (t: { tenant: string; schema?: string; database?: Target }, reason: string): TenantPush => ({
  ...place(t),
  status: 'failed',
  statements: [],
  reasons: [reason],
});

/** What a tenant's state says at once: it could not be read, or it matches; undefined when it differs. */
const settledBy = (t: Bound, state: TenantState | { readonly error: string }): TenantPush | undefined =>
  'error' in state
    ? failed(t, state.error)
    : state.drift.length === 0
      ? { ...place(t), status: 'unchanged', statements: [], reasons: [] }
      : undefined;

async function pushTenant(fleet: Fleet, db: Db, t: Bound): Promise<PushOutcome> {
  const { model, service, options } = fleet;
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
  ...place(t),
  status: o.status,
  statements: o.statements,
  reasons: o.reasons,
});

/**
 * For real: each differing tenant in its own push, `concurrency` at a time per server. The first
 * tenants of a state are planned and pushed as push does; the others in that state replay such a plan
 * (replay.ts) and are compared with the manifest at the end. With `canary`, the first tenants go alone
 * first, and a failure among them stops the rest. `along`: the tenants are not read yet; each is read
 * on the connection it is then pushed on, and one that matches (or cannot be read) is done there.
 */
async function pushEach(fleet: Fleet, tenants: readonly Bound[], along: boolean): Promise<Map<string, TenantPush>> {
  const { service, dbs, states, options } = fleet;
  const progress = new FleetProgress(service.name, tenants.length, options.onFleetProgress);
  const results = new Map<string, TenantPush>();
  const { populatedOf, replayable, replayPlan } = await import('../db/apply/replay.js');
  const plans = new Map<number, TenantPlan[]>();
  const replayed = new Map<Bound, PushOutcome>();
  const pushOne = async (t: Bound): Promise<PushOutcome> => {
    const state = states.get(t.tenant)!.state;
    const known = plans.get(state);
    const db = await dbs.db(t);
    const bound = bindTenant(service, t.schema);
    const again = known && (await replayPlan(db, bound, known, options.policy, options.onProgress));
    if (again) {
      if (again.status !== 'failed') replayed.set(t, again);
      return again;
    }
    const populated = await populatedOf(db, t.schema).catch(() => undefined);
    const outcome = await pushTenant(fleet, db, t);
    if (populated !== undefined && replayable(outcome))
      plans.set(state, [...(plans.get(state) ?? []), { schema: t.schema, populated, outcome }]);
    return outcome;
  };
  const run = (batch: readonly Bound[]) =>
    perServer(batch, fleet.concurrency, async (t) => {
      if (along) {
        const state = (await readStates(service, [t], dbs, 1, { keep: true }, fleet.cache)).get(t.tenant)!;
        const settled = settledBy(t, state);
        if (settled) {
          results.set(t.tenant, settled);
          await dbs.release(t);
          return progress.finished(settled.status === 'failed');
        }
        states.set(t.tenant, state as TenantState);
      }
      results.set(t.tenant, reported(t, await pushOne(t)));
      // A replayed tenant of the control database is compared with the others in one read at the end; one
      // with a database of its own is compared at once, on the connection it was pushed on (then closed).
      const outcome = replayed.get(t);
      if (outcome && t.database) {
        replayed.delete(t);
        await compareReplayed(fleet, new Map([[t, outcome]]), results);
      } else if (!outcome) await dbs.release(t);
      progress.finished(['failed', 'refused'].includes(results.get(t.tenant)!.status));
    });
  try {
    const canary = tenants.slice(0, Math.max(0, options.canary ?? 0));
    await run(canary);
    const stopped = canary.filter((t) => ['failed', 'refused'].includes(results.get(t.tenant)!.status));
    const rest = tenants.slice(canary.length);
    if (stopped.length === 0) await run(rest);
    else
      for (const t of rest)
        results.set(t.tenant, {
          ...place(t),
          status: 'skipped',
          statements: [],
          reasons: [`not pushed: the canary stopped at ${stopped.map((x) => x.tenant).join(', ')}`],
        });
    await compareReplayed(fleet, replayed, results);
  } finally {
    progress.end();
  }
  return results;
}

/** The replayed tenants compared with the manifest, one read per database: one that differs is push's own failure. */
async function compareReplayed(
  fleet: Fleet,
  replayed: ReadonlyMap<Bound, PushOutcome>,
  results: Map<string, TenantPush>,
) {
  if (replayed.size === 0) return;
  const [{ failedAfterCommit }, { leftOver }] = await Promise.all([
    import('../db/apply/push.js'),
    import('../db/apply/attempt.js'),
  ]);
  const after = await readStates(fleet.service, [...replayed.keys()], fleet.dbs, fleet.concurrency, {}, fleet.cache);
  for (const [t, outcome] of replayed) {
    const state = after.get(t.tenant)!;
    const left = 'error' in state ? [state.error] : leftOver(state.drift);
    if (left.length > 0) results.set(t.tenant, reported(t, failedAfterCommit(outcome, left)));
  }
}

/**
 * A dry run plans each distinct state once, on its first tenant, in a sandbox (the control database's,
 * rolled back by the caller, or the tenant database's, rolled back when released); the other tenants
 * in that state get the same statements in their own schema.
 */
async function planEachState(fleet: Fleet, tenants: readonly Bound[]): Promise<Map<string, TenantPush>> {
  const plans = new Map<number, TenantPush>();
  const results = new Map<string, TenantPush>();
  for (const t of tenants) {
    const state = fleet.states.get(t.tenant)!.state;
    let plan = plans.get(state);
    if (!plan) {
      plans.set(state, (plan = reported(t, await pushTenant(fleet, await fleet.dbs.db(t), t))));
      await fleet.dbs.release(t);
    }
    const swap = (text: string) => renameSchema(text, plan.schema!, t.schema);
    results.set(t.tenant, {
      ...place(t),
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
