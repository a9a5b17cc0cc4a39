import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from '../db/connect/queryable.js';
import { pushServices as pushInto } from '../app/push.js';
import { Connections, givenTarget, selectServices } from '../db/connect/targets.js';
import { UsageError, UserError } from '../shared/errors.js';
import { loadModel } from '../model/load-model.js';
import { filesFingerprint, manifestKey } from '../model/model-cache.js';
import type { Model, Service } from '../model/types.js';

/** What one test database is made of: the manifest's model and the services pushed into it. */
export interface TestProject {
  /** the manifest's folder */
  readonly root: string;
  readonly manifestPath: string;
  readonly model: Model;
  /** the services to push, each after the services it references */
  readonly services: readonly Service[];
  /** the tenants created for every per-tenant service pushed */
  readonly tenants: readonly string[];
  /**
   * Names what a pushed database holds: the manifest's bytes, the services chosen, and the build of
   * the code that turns them into tables. Templates are kept under it, so a changed manifest (or an
   * upgraded tool) never meets a template pushed for another.
   */
  readonly key: string;
}

const PUSH_CODE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'db');
const models = new Map<string, Model>();

/**
 * The manifest's model, parsed once per process and manifest version: the bytes are read on every
 * call (cheap), so an edited manifest is seen by the next test database.
 */
export function testProject(manifest: string, names: readonly string[], tenants: readonly string[] = []): TestProject {
  const manifestPath = resolve(manifest);
  let bytes: Buffer;
  try {
    bytes = readFileSync(manifestPath);
  } catch {
    throw new UserError(`${manifest} not found (from ${process.cwd()}); pass createTestDatabase({ manifest })`);
  }
  const modelKey = manifestKey(bytes);
  let model = models.get(modelKey);
  if (!model) models.set(modelKey, (model = loadModel(manifestPath, manifest)));
  // A test names its tenants itself: a per-tenant service's source (a query on a control table, say) is
  // not read. With a database per tenant, the test database is one tenant's: the service is pushed into
  // it as it is into every tenant database.
  const services = withDependencies(model, selectServices(model, names)).map((s): Service => {
    if (s.tenants?.kind === 'database') return { ...s, tenants: undefined };
    return s.tenants ? { ...s, tenants: { ...s.tenants, source: undefined } } : s;
  });
  const key = createHash('sha256')
    .update(`${modelKey}\0${filesFingerprint([PUSH_CODE_DIR])}\0${services.map((s) => s.name).join(',')}`)
    .update(`\0${tenants.join(',')}`)
    .digest('hex');
  return { root: dirname(manifestPath), manifestPath, model, services, tenants, key };
}

/** The chosen services and every service they reference, in the model's order (dependencies first). */
function withDependencies(model: Model, chosen: readonly Service[]): Service[] {
  const wanted = new Set(chosen.map((s) => s.name));
  for (const service of [...model.services].reverse())
    if (wanted.has(service.name)) for (const dep of service.dependsOn) wanted.add(dep);
  return model.services.filter((s) => wanted.has(s.name));
}

/** Every name in `schemas` must be a service that is pushed, or its Drizzle database would query missing tables. */
export function checkSchemaNames(project: TestProject, names: readonly string[]): void {
  const pushed = new Set(project.services.map((s) => s.name));
  const missing = names.filter((n) => !pushed.has(n));
  if (missing.length === 0) return;
  const known = project.model.services.some((s) => s.name === missing[0]);
  throw new UsageError(
    known
      ? `schemas.${missing[0]}: service ${missing[0]} is not among the services pushed (${[...pushed].join(', ')})`
      : `schemas.${missing[0]}: no service ${JSON.stringify(missing[0])} in the manifest`,
  );
}

/** Pushes the project's services into an empty database, dependencies first, through the library's push. */
export async function pushServices(db: Db, project: TestProject): Promise<void> {
  const target = givenTarget(db, 'createTestDatabase');
  const targets = project.services.map((service) => ({ service, target }));
  const options = { planFirst: false, tenants: project.tenants };
  const report = await pushInto(project.model, targets, options, Connections.over(db), undefined, project.root);
  const failed = [
    ...report.services
      .filter((s) => s.status === 'refused' || s.status === 'failed')
      .map((s) => `service ${s.service}: push ${s.status}: ${s.reasons.join('; ')}`),
    ...(report.fleets ?? []).flatMap((f) => [
      ...(f.error ? [`service ${f.service}: ${f.error}`] : []),
      ...f.tenants
        .filter((t) => t.status === 'refused' || t.status === 'failed')
        .map((t) => `service ${f.service}, tenant ${t.tenant}: push ${t.status}: ${t.reasons.join('; ')}`),
    ]),
  ];
  if (failed.length > 0) throw new UserError(failed.join('\n'));
}

/** The version of the installed PGlite: a data folder dumped by one version may not load in another. */
export function pgliteVersion(): string {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  let dir = dirname(entry);
  while (dir !== dirname(dir)) {
    try {
      return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      dir = dirname(dir);
    }
  }
  return 'unknown';
}
