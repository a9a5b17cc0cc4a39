import type { CatalogPerDatabase } from '../db/compare/per-database.js';
import type { Db } from '../db/connect/queryable.js';
import type { Step } from '../db/plan/steps.js';
import type { LockPolicy } from '../db/apply/online-run.js';
import { errorLine } from '../db/connect/one-line.js';
import { plural } from '../shared/plural.js';
import type { PushOutcome, PushStatus } from '../db/apply/outcome.js';
import type { Sandbox } from '../db/connect/sandbox.js';
import type { Connections, Target } from '../db/connect/targets.js';
import type { Model } from '../model/types.js';
import { fleetOk, pushFleet, scrubFleet, type FleetPush } from './fleet.js';
import type { FleetProgressLine } from './fleet-progress.js';
import { requireInSync, type LoadedProject } from './project.js';
import {
  catalogsFor,
  perDatabase,
  readAhead,
  resolveTargets,
  scrubber,
  withConnections,
  type ServiceTarget,
  type TargetChoice,
} from './services.js';

export interface PushOptions extends TargetChoice {
  /** apply statements that drop or cast data */
  readonly acceptDataLoss?: boolean;
  /** run the whole push in one transaction per database and roll it back: the plan, nothing changed */
  readonly dryRun?: boolean;
  /** create a table even where one of its name holds data in public or an unowned schema */
  readonly allowDuplicate?: boolean;
  /** refuse statements that would scan or rewrite a table holding rows while writes wait */
  readonly onlineOnly?: boolean;
  /** before adding a soft-delete check, make violating rows agree with their flag (the flag wins) */
  readonly fixSoftDelete?: boolean;
  /** lock and statement timeouts and the retry window (default: 2 s, 60 s, 60 s) */
  readonly policy?: LockPolicy;
  /** progress lines while pushing (which service, waiting for a lock, retries) */
  readonly onProgress?: (line: string) => void;
  /**
   * plan and check every differing service before any applies (default): false pushes each as it
   * comes, for a database with nothing to keep whole (a fresh test database)
   */
  readonly planFirst?: boolean;
  /** per-tenant services: only these tenants (default: every tenant its source lists) */
  readonly tenants?: readonly string[];
  /** per-tenant services: how many tenants are pushed at once on one database server (default 4) */
  readonly concurrency?: number;
  /** per-tenant services: push this many tenants first, and the rest only when none of them failed */
  readonly canary?: number;
  /** per-tenant services: how far the push of the tenants is (tenants done, failed, left, time left) */
  readonly onFleetProgress?: (line: FleetProgressLine) => void;
}

/** What push did to one service; URLs and passwords never appear in it. */
export interface ServicePush {
  readonly service: string;
  readonly schema: string;
  /** the database, password masked */
  readonly target: string;
  readonly status: PushStatus;
  readonly statements: readonly string[];
  /** the statements with the lock each takes, when the push classified them (not for a guard refusal) */
  readonly steps?: readonly Step[];
  /** why it was refused or failed, or what it warns about, one line each */
  readonly reasons: readonly string[];
  /**
   * the option that lets a refused push through: `fixSoftDelete` makes rows breaking a soft-delete
   * check consistent first, the flag winning (a flagged row without a time gets now(), an unflagged
   * row loses its time)
   */
  readonly remedy?: 'fixSoftDelete';
}

export interface PushReport {
  /** no service or tenant was refused or failed */
  readonly ok: boolean;
  readonly dryRun: boolean;
  readonly services: readonly ServicePush[];
  /** the per-tenant services, tenant by tenant */
  readonly fleets?: readonly FleetPush[];
}

/** Brings every chosen service's schema in line with the manifest; refuses when generated/ is stale. */
export async function push(project: LoadedProject, options: PushOptions = {}): Promise<PushReport> {
  const targets = resolveTargets(project.model, project, options);
  const shared = targets.filter((x) => !x.service.tenants);
  return withConnections(project, async (c) => {
    // The databases compute their catalogs while generated/ is checked; nothing changes before the check passes.
    const catalogs = catalogsFor(project.model, shared);
    readAhead(catalogs, shared, c);
    await requireInSync(project, project.model);
    return pushServices(project.model, targets, options, c, catalogs, project.root);
  });
}

/**
 * Pushes each service on connections the caller holds (up verifies on the same ones afterwards); the
 * per-tenant ones after the others, tenant by tenant (their tables may reference shared tables).
 * `root`: where a tenants file is read from.
 */
export async function pushServices(
  model: Model,
  allTargets: readonly ServiceTarget[],
  options: PushOptions,
  connections: Connections,
  catalogs?: CatalogPerDatabase,
  root = '.',
): Promise<PushReport> {
  const targets = allTargets.filter((x) => !x.service.tenants);
  catalogs ??= catalogsFor(model, targets);
  const dryRun = options.dryRun ?? false;
  const sandboxes = new Map<string, Promise<Sandbox>>();
  const dbFor = async (target: Target): Promise<Db> => {
    if (!dryRun) return connections.get(target);
    if (!sandboxes.has(target.key)) {
      const opening = Promise.all([import('../db/connect/sandbox.js'), connections.get(target)]);
      sandboxes.set(
        target.key,
        opening.then(([{ sandbox }, db]) => sandbox(db)),
      );
    }
    return (await sandboxes.get(target.key)!).db;
  };
  // `lastRound`: the foreign keys that waited for another service's tables (waiting-keys.ts) wait no more.
  const pushOne = async (
    { service, target }: ServiceTarget,
    planOnly = false,
    lastRound = false,
  ): Promise<PushOutcome> => {
    const elsewhere = service.dependsOn.find((dep) =>
      targets.some((x) => x.service.name === dep && x.target.key !== target.key),
    );
    if (elsewhere) return { status: 'failed', statements: [], reasons: [onAnotherDatabase(elsewhere)] };
    if (connections.knownInSync(target, service)) return { status: 'unchanged', statements: [], reasons: [] };
    const progress = options.onProgress ?? (() => {});
    if (!planOnly) progress(`${service.name}: pushing to ${target.label}`);
    try {
      // One catalog read for every service on this database; a service that matches needs no transaction.
      const settled = await catalogs.state(target.key, await connections.get(target), service);
      if (settled?.drift.every((d) => d.elsewhere)) {
        if (!dryRun && !planOnly) connections.markInSync(target, service);
        return { status: 'unchanged', statements: [], reasons: [], inSync: true };
      }
      if (!planOnly) catalogs.markChanged(target.key);
      // Loaded here: a push that finds every service matching needs none of the planning code.
      const { pushService } = await import('../db/apply/push.js');
      const outcome = await pushService(await dbFor(target), model, service, {
        acceptDataLoss: options.acceptDataLoss ?? false,
        dryRun,
        planOnly,
        allowDuplicate: options.allowDuplicate ?? false,
        progress,
        onlineOnly: options.onlineOnly ?? false,
        fixSoftDelete: options.fixSoftDelete ?? false,
        policy: options.policy,
        pushedWith: lastRound
          ? []
          : targets.filter((x) => x.target.key === target.key && x.service !== service).map((x) => x.service.schema),
      });
      if (outcome.inSync && !dryRun && !planOnly) connections.markInSync(target, service);
      return outcome;
    } catch (err) {
      return { status: 'failed', statements: [], reasons: [errorLine(err)] };
    }
  };
  // Every service is planned and checked before any applies: a refusal anywhere changes nothing anywhere.
  // With one service differing its own push checks before it applies, so there is nothing to plan ahead.
  const severalDiffer = async () => {
    let differing = 0;
    for (const { service, target } of targets) {
      if (connections.knownInSync(target, service)) continue;
      const state = await catalogs.state(target.key, await connections.get(target), service).catch(() => undefined);
      if (!state || state.drift.some((d) => !d.elsewhere)) differing++;
    }
    return differing > 1;
  };
  const planned =
    dryRun || options.planFirst === false || !(await severalDiffer())
      ? undefined
      : await planEvery(targets, (x) => pushOne(x, true));
  const outcomes = planned ?? (await perDatabase(targets, (x) => pushOne(x)));
  // Services referencing each other in a cycle: the foreign keys into tables a later service created.
  for (const x of planned ? [] : targets.filter((t) => outcomes.get(t.service)!.waiting)) {
    const first = outcomes.get(x.service)!;
    if (['created', 'altered', 'unchanged'].includes(first.status))
      outcomes.set(x.service, secondRound(first, await pushOne(x, false, true)));
  }
  const fleets: FleetPush[] = [];
  for (const x of allTargets.filter((t) => t.service.tenants))
    fleets.push(
      scrubFleet(await pushFleet(model, x, options, connections, root, dryRun ? dbFor : undefined), allTargets),
    );
  await Promise.all([...sandboxes.values()].map(async (s) => (await s).discard()));
  // A table dropped together with the other services' references to it: those services' pushes
  // have removed the references by now, so the refused push gets one more try.
  for (const x of dryRun || planned ? [] : targets.filter((t) => outcomes.get(t.service)!.blockedByOthers)) {
    const changedNeighbour = targets.some(
      (y) => y !== x && y.target.key === x.target.key && outcomes.get(y.service)!.status === 'altered',
    );
    if (changedNeighbour) outcomes.set(x.service, await pushOne(x));
  }
  const scrub = scrubber(targets);
  const services = targets.map(({ service, target }): ServicePush => {
    const o = outcomes.get(service)!;
    return {
      service: service.name,
      schema: service.schema,
      target: target.label,
      status: o.status,
      statements: o.statements.map(scrub),
      steps: o.steps?.length === o.statements.length ? o.steps : undefined,
      reasons: o.reasons.map(scrub),
      ...(o.remedy && { remedy: o.remedy }),
    };
  });
  const ok = services.every((s) => !['refused', 'failed', 'skipped'].includes(s.status)) && fleets.every(fleetOk);
  return { ok, dryRun, services, ...(fleets.length > 0 && { fleets }) };
}

/**
 * Plans every service that differs (when more than one does) without applying anything. When a plan
 * is refused or fails, that is the answer: the refused ones as they are, the others not pushed.
 * Otherwise undefined, and the push goes on. A refusal only because another service still references
 * a table stops nothing: that service's own push removes the reference first.
 */
async function planEvery(
  targets: readonly ServiceTarget[],
  plan: (x: ServiceTarget) => Promise<PushOutcome>,
): Promise<Map<ServiceTarget['service'], PushOutcome> | undefined> {
  const plans = await perDatabase(targets, plan);
  const differing = [...plans.values()].filter((o) => o.status !== 'unchanged');
  const stopping = (o: PushOutcome) => o.status === 'failed' || (o.status === 'refused' && !o.blockedByOthers);
  if (differing.length < 2 || !differing.some(stopping)) return undefined;
  const refused = targets.filter((x) => stopping(plans.get(x.service)!)).map((x) => x.service.name);
  for (const [service, o] of plans)
    if (o.status !== 'unchanged' && !stopping(o))
      plans.set(service, {
        ...o,
        status: 'skipped',
        reasons: [...o.reasons, `not pushed: the push of ${refused.join(', ')} was refused; nothing was changed`],
      });
  return plans;
}

/** One service's two rounds as one outcome: its tables, then the foreign keys that waited for other services'. */
function secondRound(first: PushOutcome, second: PushOutcome): PushOutcome {
  const stopped = second.status === 'failed' || second.status === 'refused';
  const committed =
    first.status === 'unchanged' ? [] : [`committed: ${plural(first.statements.length, 'statement')}; then:`];
  return {
    ...second,
    status: stopped || first.status === 'unchanged' ? second.status : first.status,
    statements: [...first.statements, ...second.statements],
    steps: first.steps && second.steps && [...first.steps, ...second.steps],
    reasons: [...first.reasons, ...(stopped ? committed : []), ...second.reasons],
  };
}

const onAnotherDatabase = (service: string) =>
  `references service ${service}, which is on another database; cross-service foreign keys need one database`;
