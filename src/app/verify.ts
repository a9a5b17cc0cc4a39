import { unmanagedObjects } from '../db/compare/unmanaged.js';
import { appliedDeclarations } from '../db/plan/moves.js';
import { errorLine } from '../db/connect/one-line.js';
import type { Connections } from '../db/connect/targets.js';
import type { Model } from '../model/types.js';
import { fleetMatches, verifyFleet, type FleetVerify } from './fleet-verify.js';
import type { LoadedProject } from './project.js';
import {
  catalogsFor,
  perDatabase,
  resolveTargets,
  scrubber,
  withConnections,
  type ServiceTarget,
  type TargetChoice,
} from './services.js';

/** One difference between the manifest and the live database. */
export interface Difference {
  /** `schema.table`, `schema.table.column` or the object's qualified name */
  readonly where: string;
  readonly message: string;
}

/** What verify found for one service. */
export interface ServiceVerify {
  readonly service: string;
  readonly schema: string;
  /** the database, password masked */
  readonly target: string;
  /** why the database could not be read; the service then has no differences listed */
  readonly error?: string;
  readonly drift: readonly Difference[];
  /** declarations (`from:`, `renamedFrom`) that have done their work and can be removed */
  readonly notes: readonly string[];
  /** objects in the schema the manifest cannot declare (`view shop.totals`): push leaves them alone */
  readonly unmanaged: readonly string[];
}

export interface VerifyReport {
  /** every service and tenant was read and matches the manifest */
  readonly ok: boolean;
  readonly services: readonly ServiceVerify[];
  /** the per-tenant services, tenant by tenant */
  readonly fleets?: readonly FleetVerify[];
}

export interface VerifyOptions extends TargetChoice {
  /** per-tenant services: only these tenants (default: every tenant its source lists) */
  readonly tenants?: readonly string[];
}

/** Compares each chosen service's live schema with the manifest; changes nothing. */
export async function verify(project: LoadedProject, options: VerifyOptions = {}): Promise<VerifyReport> {
  const targets = resolveTargets(project.model, project, options);
  return withConnections(project, async (c) => {
    const report = await verifyServices(
      project.model,
      targets.filter((x) => !x.service.tenants),
      c,
    );
    const fleets: FleetVerify[] = [];
    for (const x of targets.filter((t) => t.service.tenants))
      fleets.push(await verifyFleet(x, c, project.root, options.tenants));
    return fleets.length === 0 ? report : { ...report, ok: report.ok && fleets.every(fleetMatches), fleets };
  });
}

/** Verifies on connections the caller holds (up verifies right after pushing on the same ones). */
export async function verifyServices(
  model: Model,
  targets: readonly ServiceTarget[],
  connections: Connections,
): Promise<VerifyReport> {
  const scrub = scrubber(targets);
  const catalogs = catalogsFor(model, targets, true);
  const found = await perDatabase(targets, async ({ service, target }) => {
    // Known to match (the embedded database unchanged since it last matched): nothing to read.
    if (connections.knownInSync(target, service)) return { drift: [], notes: [], unmanaged: [] };
    try {
      const db = await connections.get(target);
      const { catalog, drift } = (await catalogs.state(target.key, db, service))!;
      if (drift.length === 0) connections.markInSync(target, service);
      const differences = drift.map(({ where, message }) => ({ where, message }));
      const notes = await appliedDeclarations(db, model, service, catalog);
      return { drift: differences, notes, unmanaged: unmanagedObjects(model, service, catalog) };
    } catch (err) {
      return { error: scrub(errorLine(err)), drift: [], notes: [], unmanaged: [] };
    }
  });
  const services = targets.map(({ service, target }): ServiceVerify => ({
    service: service.name,
    schema: service.schema,
    target: target.label,
    ...found.get(service)!,
  }));
  return { ok: services.every((s) => !s.error && s.drift.length === 0), services };
}
