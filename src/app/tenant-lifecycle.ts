import type { LockPolicy } from '../db/apply/online-run.js';
import type { PushOutcome, PushStatus } from '../db/apply/outcome.js';
import type { Db } from '../db/connect/queryable.js';
import { errorLine } from '../db/connect/one-line.js';
import { Connections } from '../db/connect/targets.js';
import { bindTenant, bindTenantModel, renameSchema } from '../model/tenants.js';
import type { Service } from '../model/types.js';
import { UsageError, UserError } from '../shared/errors.js';
import type { Bound } from './fleet-databases.js';
import type { LoadedProject } from './project.js';
import { resolveTargets, scrubber, type ServiceTarget, type TargetChoice } from './services.js';
import { listTenants, tenantEntry, type TenantEntry } from './tenant-list.js';

export interface TenantOptions extends TargetChoice {
  /** lock timeout of the transaction (default 2 s) */
  readonly policy?: LockPolicy;
}

/** What creating or dropping one tenant did. */
export interface TenantChange {
  readonly service: string;
  readonly tenant: string;
  readonly schema: string;
  /** the database (with a database per tenant, the tenant's), password masked */
  readonly target: string;
  /** `created`; `unchanged` (already there, or already gone); `altered` (dropped); `refused`; `failed` */
  readonly status: PushStatus;
  readonly statements: readonly string[];
  readonly reasons: readonly string[];
}

/**
 * Creates and drops tenants on connections held open between calls, as a sign-up handler needs: the
 * first tenant of a service is pushed as push would (and compared after), and the statements that
 * created it are kept; every later new tenant runs them in its own schema in one transaction.
 */
export interface TenantAdmin {
  create(service: string, tenant: string): Promise<TenantChange>;
  drop(service: string, tenant: string, options?: { readonly acceptDataLoss?: boolean }): Promise<TenantChange>;
  close(): Promise<void>;
}

/** A placeholder for the tenant's schema in the kept statements: no identifier holds it. */
const SCHEMA = '\u0000';

export function openTenants(project: LoadedProject, options: TenantOptions = {}): TenantAdmin {
  const { model } = project;
  const targets = resolveTargets(model, project, options);
  const connections = new Connections(project.root, model.extensions);
  const scripts = new Map<string, readonly string[]>();
  /** Creates the tenant in `db`: from the kept statements, or pushed as push would (and then kept). */
  const createIn = async (db: Db, x: ServiceTarget, bound: Service): Promise<PushOutcome> => {
    const script = scripts.get(x.service.name);
    const { createFromScript } = await import('../db/apply/tenant-schema.js');
    const fast =
      script &&
      (await createFromScript(
        db,
        bound,
        script.map((s) => renameSchema(s, SCHEMA, bound.schema)),
        options.policy,
      ));
    if (fast) return fast;
    const { pushService } = await import('../db/apply/push.js');
    const outcome = await pushService(db, bindTenantModel(model, x.service, bound.schema).model, bound, {
      acceptDataLoss: false,
      dryRun: false,
      progress: () => {},
      policy: options.policy,
    });
    if (outcome.status === 'created' && outcome.inSync && outcome.steps?.every((s) => s.phase === 'transaction'))
      scripts.set(
        x.service.name,
        outcome.statements.map((s) => renameSchema(s, bound.schema, SCHEMA)),
      );
    return outcome;
  };
  const create = async (x: ServiceTarget, bound: Service, t: Bound): Promise<PushOutcome> => {
    if (!t.database) return createIn(await connections.get(x.target), x, bound);
    // A database per tenant: its database first, made when the server lets the user (tenant-database.ts).
    const { openOrCreateDatabase } = await import('../db/apply/tenant-database.js');
    const { db, created } = await openOrCreateDatabase(t.database.url!);
    try {
      const outcome = await createIn(db, x, bound);
      return created ? { ...outcome, statements: [created, ...outcome.statements] } : outcome;
    } finally {
      await db.close();
    }
  };
  const drop = async (x: ServiceTarget, bound: Service, t: Bound, acceptDataLoss: boolean) => {
    if (t.database) {
      const { dropTenantDatabase } = await import('../db/apply/tenant-database.js');
      return dropTenantDatabase(t.database.url!, bound, acceptDataLoss, options.policy);
    }
    const { dropTenantSchema } = await import('../db/apply/tenant-schema.js');
    return dropTenantSchema(await connections.get(x.target), bound, acceptDataLoss, options.policy);
  };
  /**
   * Where the tenant lives. With a database per tenant, the URL its source lists for it, if any, else
   * its pattern's: a sign-up that adds its row with a URL first gets that database.
   */
  const placeOf = async (x: ServiceTarget, tenant: string): Promise<TenantEntry> => {
    const control = x.target.url;
    if (x.service.tenants!.kind === 'database' && x.service.tenants!.source) {
      const db = await connections.get(x.target);
      const listed = await listTenants(x.service, db, project.root, [tenant], control).catch(() => []);
      if (listed[0] && 'database' in listed[0]) return listed[0];
    }
    return tenantEntry(x.service, tenant, control);
  };
  const scrub = scrubber(targets);
  const guarded = async (
    service: string,
    tenant: string,
    work: (x: ServiceTarget, bound: Service, t: Bound) => Promise<PushOutcome>,
  ): Promise<TenantChange> => {
    const x = targets.find((t) => t.service.name === service);
    if (!x)
      throw new UsageError(
        `unknown service ${JSON.stringify(service)}; expected one of: ${model.services.map((s) => s.name).join(', ')}`,
      );
    if (!x.service.tenants)
      throw new UsageError(`service ${service} is not per tenant (it has no tenants: in the manifest)`);
    const t = await placeOf(x, tenant);
    if ('problem' in t) throw new UserError(`service ${service}: ${t.problem}`);
    const head = { service, tenant, schema: t.schema, target: t.database?.label ?? x.target.label };
    try {
      const o = await work(x, bindTenant(x.service, t.schema), t);
      return { ...head, status: o.status, statements: o.statements.map(scrub), reasons: o.reasons.map(scrub) };
    } catch (err) {
      return { ...head, status: 'failed' as const, statements: [], reasons: [scrub(errorLine(err))] };
    }
  };
  return {
    create: (service, tenant) => guarded(service, tenant, create),
    drop: (service, tenant, o = {}) =>
      guarded(service, tenant, (x, bound, t) => drop(x, bound, t, o.acceptDataLoss ?? false)),
    close: () => connections.close(),
  };
}

/** Creates one tenant of a per-tenant service: its schema with every table, as push would. */
export async function createTenant(
  project: LoadedProject,
  service: string,
  tenant: string,
  options: TenantOptions = {},
) {
  const admin = openTenants(project, options);
  try {
    return await admin.create(service, tenant);
  } finally {
    await admin.close();
  }
}

/** Drops one tenant's schema: refused while its tables hold rows unless `acceptDataLoss`. */
export async function dropTenant(
  project: LoadedProject,
  service: string,
  tenant: string,
  options: TenantOptions & { readonly acceptDataLoss?: boolean } = {},
) {
  const admin = openTenants(project, options);
  try {
    return await admin.drop(service, tenant, options);
  } finally {
    await admin.close();
  }
}
