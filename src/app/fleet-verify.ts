import { errorLine } from '../db/connect/one-line.js';
import type { Connections } from '../db/connect/targets.js';
import { FleetDatabases, readStates, type Bound } from './fleet-databases.js';
import { DEFAULT_CONCURRENCY } from './fleet.js';
import { scrubber, type ServiceTarget } from './services.js';
import { listTenants } from './tenant-list.js';
import type { Difference } from './verify.js';

/** What verify found for one tenant. */
export interface TenantVerify {
  readonly tenant: string;
  readonly schema?: string;
  /** with a database per tenant, the tenant's database (password masked) */
  readonly database?: string;
  /** why the tenant could not be verified (a name that is not an identifier, a database that cannot be read) */
  readonly error?: string;
  readonly drift: readonly Difference[];
}

/** What verify found for every tenant of one per-tenant service. */
export interface FleetVerify {
  readonly service: string;
  readonly pattern: string;
  readonly target: string;
  /** why the tenants could not be listed or read */
  readonly error?: string;
  readonly tenants: readonly TenantVerify[];
}

/**
 * Compares every tenant's schema with the service bound to it: one read per database (the control
 * database's tenants share one), one comparison per distinct state, `concurrency` reads at a time per
 * server. A tenant database that cannot be read is that tenant's error.
 */
export async function verifyFleet(
  { service, target }: ServiceTarget,
  connections: Connections,
  root: string,
  tenants?: readonly string[],
  concurrency = DEFAULT_CONCURRENCY,
): Promise<FleetVerify> {
  const head = { service: service.name, pattern: service.tenants!.pattern, target: target.label };
  const scrub = scrubber([{ service, target }]);
  try {
    const db = await connections.get(target);
    const entries = await listTenants(service, db, root, tenants, target.url);
    const bound = entries.filter((e): e is Bound => 'schema' in e);
    const dbs = new FleetDatabases(db, false);
    const states = await readStates(service, bound, dbs, db.embedded ? 1 : concurrency);
    return {
      ...head,
      tenants: entries.map((e): TenantVerify => {
        if ('problem' in e) return { tenant: e.tenant, error: e.problem, drift: [] };
        const state = states.get(e.tenant)!;
        const at = { tenant: e.tenant, schema: e.schema, ...(e.database && { database: e.database.label }) };
        if ('error' in state) return { ...at, error: scrub(state.error), drift: [] };
        return { ...at, drift: state.drift.map(({ where, message }) => ({ where, message })) };
      }),
    };
  } catch (err) {
    return { ...head, error: scrub(errorLine(err)), tenants: [] };
  }
}

export const fleetMatches = (f: FleetVerify) => !f.error && f.tenants.every((t) => !t.error && t.drift.length === 0);
