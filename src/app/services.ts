import { CatalogPerDatabase } from '../db/compare/per-database.js';
import { scrubSecrets } from '../db/connect/connection.js';
import { Connections, selectServices, targetFor, type Target } from '../db/connect/targets.js';
import type { Model, Service } from '../model/types.js';
import type { Project } from './project.js';

/** Which services a call works on and where their databases are. */
export interface TargetChoice {
  /** service names (default: every service) */
  readonly services?: readonly string[];
  /** use the embedded PGlite database for every service */
  readonly embedded?: boolean;
  /** refuse the embedded fallback when a service has no URL (implied by CI=true in `env`) */
  readonly requireUrl?: boolean;
  /** where `<SERVICE>_DATABASE_URL` and `DATABASE_URL` are read (default: process.env) */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** One chosen service and the database it lives in. */
export interface ServiceTarget {
  readonly service: Service;
  readonly target: Target;
}

/** Resolves the database of each chosen service; unknown service names are a UsageError. */
export function resolveTargets(model: Model, p: Project, choice: TargetChoice): ServiceTarget[] {
  const options = {
    env: choice.env ?? process.env,
    embedded: choice.embedded ?? false,
    requireUrl: choice.requireUrl ?? false,
    root: p.root,
    cwd: p.cwd,
  };
  return selectServices(model, choice.services ?? []).map((service) => ({
    service,
    target: targetFor(service, options),
  }));
}

/** One catalog read per database for every chosen service on it (CatalogPerDatabase); verify's has `unmanaged`. */
export const catalogsFor = (model: Model, targets: readonly ServiceTarget[], unmanaged = false) =>
  new CatalogPerDatabase(
    model,
    targets.map((x) => ({ key: x.target.key, service: x.service })),
    unmanaged,
  );

/** Starts the catalog read of every database that holds a chosen service not known to match already. */
export function readAhead(catalogs: CatalogPerDatabase, targets: readonly ServiceTarget[], c: Connections): void {
  for (const { service, target } of targets)
    if (!c.knownInSync(target, service)) catalogs.readAhead(target.key, c.get(target));
}

/** Removes the targets' passwords from text that may echo a URL (driver errors do). */
export function scrubber(targets: readonly ServiceTarget[]): (text: string) => string {
  const urls = targets.flatMap((x) => (x.target.url ? [x.target.url] : []));
  return (text) => scrubSecrets(text, urls);
}

/** Runs `work` per service: databases in parallel, services sharing a database in dependency order. */
export async function perDatabase<T>(
  targets: readonly ServiceTarget[],
  work: (x: ServiceTarget) => Promise<T>,
): Promise<Map<Service, T>> {
  const groups = new Map<string, ServiceTarget[]>();
  for (const x of targets) groups.set(x.target.key, [...(groups.get(x.target.key) ?? []), x]);
  const results = new Map<Service, T>();
  await Promise.all(
    [...groups.values()].map(async (group) => {
      for (const x of group) results.set(x.service, await work(x));
    }),
  );
  return results;
}

/**
 * Opens each database once for `fn` and closes them all afterwards, also when `fn` throws: the
 * databases of a project's folder (its model's extensions loaded into the embedded one), or of a
 * folder without a project.
 */
export async function withConnections<T>(
  project: string | { readonly root: string; readonly model: Model },
  fn: (c: Connections) => Promise<T>,
): Promise<T> {
  const connections =
    typeof project === 'string' ? new Connections(project) : new Connections(project.root, project.model.extensions);
  try {
    return await fn(connections);
  } finally {
    await connections.close();
  }
}
