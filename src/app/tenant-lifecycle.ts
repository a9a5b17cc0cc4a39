import type { LockPolicy } from '../db/apply/online-run.js';
import type { PushStatus } from '../db/apply/outcome.js';
import { errorLine } from '../db/connect/one-line.js';
import { Connections } from '../db/connect/targets.js';
import { bindTenant, bindTenantModel, renameSchema, tenantSchema } from '../model/tenants.js';
import type { Service } from '../model/types.js';
import { UsageError, UserError } from '../shared/errors.js';
import type { LoadedProject } from './project.js';
import { resolveTargets, scrubber, type ServiceTarget, type TargetChoice } from './services.js';

export interface TenantOptions extends TargetChoice {
  /** lock timeout of the transaction (default 2 s) */
  readonly policy?: LockPolicy;
}

/** What creating or dropping one tenant did. */
export interface TenantChange {
  readonly service: string;
  readonly tenant: string;
  readonly schema: string;
  /** the database, password masked */
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
  const create = async (x: ServiceTarget, bound: Service): Promise<Omit<TenantChange, 'tenant'>> => {
    const db = await connections.get(x.target);
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
    if (fast) return change(x, bound, fast);
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
    return change(x, bound, outcome);
  };
  const drop = async (x: ServiceTarget, bound: Service, acceptDataLoss: boolean) => {
    const { dropTenantSchema } = await import('../db/apply/tenant-schema.js');
    return change(
      x,
      bound,
      await dropTenantSchema(await connections.get(x.target), bound, acceptDataLoss, options.policy),
    );
  };
  const scrub = scrubber(targets);
  const guarded = async (
    service: string,
    tenant: string,
    work: (x: ServiceTarget, bound: Service) => Promise<Omit<TenantChange, 'tenant'>>,
  ) => {
    const x = targets.find((t) => t.service.name === service);
    if (!x)
      throw new UsageError(
        `unknown service ${JSON.stringify(service)}; expected one of: ${model.services.map((s) => s.name).join(', ')}`,
      );
    if (!x.service.tenants)
      throw new UsageError(`service ${service} is not per tenant (it has no tenants: in the manifest)`);
    const bound = tenantSchema(x.service.tenants, tenant);
    if ('problem' in bound) throw new UserError(`service ${service}: ${bound.problem}`);
    try {
      const r = await work(x, bindTenant(x.service, bound.schema));
      return { ...r, tenant, statements: r.statements.map(scrub), reasons: r.reasons.map(scrub) };
    } catch (err) {
      return {
        ...head(x, bound.schema),
        tenant,
        status: 'failed' as const,
        statements: [],
        reasons: [scrub(errorLine(err))],
      };
    }
  };
  return {
    create: (service, tenant) => guarded(service, tenant, create),
    drop: (service, tenant, o = {}) =>
      guarded(service, tenant, (x, bound) => drop(x, bound, o.acceptDataLoss ?? false)),
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

const head = (x: ServiceTarget, schema: string) => ({ service: x.service.name, schema, target: x.target.label });

const change = (
  x: ServiceTarget,
  bound: Service,
  o: { status: PushStatus; statements: readonly string[]; reasons: readonly string[] },
) => ({ ...head(x, bound.schema), status: o.status, statements: o.statements, reasons: o.reasons });
