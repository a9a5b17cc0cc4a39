import { tenantStates } from '../db/compare/tenant-states.js';
import { errorLine } from '../db/connect/one-line.js';
import type { Connections } from '../db/connect/targets.js';
import { scrubber, type ServiceTarget } from './services.js';
import { listTenants } from './tenant-list.js';
import type { Difference } from './verify.js';

/** What verify found for one tenant. */
export interface TenantVerify {
  readonly tenant: string;
  readonly schema?: string;
  /** why the tenant could not be verified (a name that is not an identifier) */
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

/** Compares every tenant's schema with the service bound to it: one read, one comparison per distinct state. */
export async function verifyFleet(
  { service, target }: ServiceTarget,
  connections: Connections,
  root: string,
  tenants?: readonly string[],
): Promise<FleetVerify> {
  const head = { service: service.name, pattern: service.schema, target: target.label };
  try {
    const db = await connections.get(target);
    const entries = await listTenants(service, db, root, tenants);
    const states = await tenantStates(
      db,
      service,
      entries.flatMap((e) => ('schema' in e ? [e.schema] : [])),
    );
    return {
      ...head,
      tenants: entries.map((e) =>
        'problem' in e
          ? { tenant: e.tenant, error: e.problem, drift: [] }
          : {
              ...e,
              drift: states.get(e.schema)!.drift.map(({ where, message }) => ({ where, message })),
            },
      ),
    };
  } catch (err) {
    return { ...head, error: scrubber([{ service, target }])(errorLine(err)), tenants: [] };
  }
}

export const fleetMatches = (f: FleetVerify) => !f.error && f.tenants.every((t) => !t.error && t.drift.length === 0);
