import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { errorLine } from '../db/connect/one-line.js';
import { selectServices } from '../db/connect/targets.js';
import type { LoadedProject } from './project.js';
import { perDatabase, resolveTargets, scrubber, withConnections, type TargetChoice } from './services.js';

/** The migration files `generateMigrations` wrote for one service (none when nothing changed). */
export interface ServiceMigrationFiles {
  readonly service: string;
  /** paths relative to the project's cwd */
  readonly files: readonly string[];
  readonly statements: readonly string[];
}

/** Writes the next SQL migration of each chosen service into migrations/<service>/ (drizzle-kit format). */
export async function generateMigrations(
  project: LoadedProject,
  options: { readonly services?: readonly string[]; readonly now?: number } = {},
): Promise<ServiceMigrationFiles[]> {
  const { generateMigrationFor, migrationsDir } = await import('../db/migrations/migrations.js');
  const now = options.now ?? Date.now();
  const written: ServiceMigrationFiles[] = [];
  // Per-tenant services have no migration files: push binds them to each tenant.
  for (const service of selectServices(project.model, options.services ?? []).filter((s) => !s.tenants)) {
    const result = await generateMigrationFor(project.model, service, project.root, now);
    const where = relative(project.cwd, migrationsDir(project.root, service.name)) || '.';
    const files = (result.tags ?? []).map((tag) => `${where}/${tag}.sql`);
    written.push({ service: service.name, files, statements: result.statements });
  }
  return written;
}

/** What migrate did on one service's database. */
export interface ServiceMigrate {
  readonly service: string;
  readonly schema: string;
  readonly target: string;
  /** migrations applied by this call (0: up to date); absent when it failed */
  readonly applied?: number;
  readonly error?: string;
}

export interface MigrateReport {
  readonly ok: boolean;
  readonly services: readonly ServiceMigrate[];
}

/** Applies each chosen service's pending migrations, recorded per service in drizzle.__drizzle_migrations_<service>. */
export async function migrate(project: LoadedProject, options: TargetChoice = {}): Promise<MigrateReport> {
  const { applyMigrations, migrationsDir } = await import('../db/migrations/migrations.js');
  const targets = resolveTargets(project.model, project, options);
  const scrub = scrubber(targets);
  const results = await withConnections(project, (connections) =>
    perDatabase(targets, async ({ service, target }) => {
      const folder = migrationsDir(project.root, service.name);
      if (!existsSync(folder)) {
        const where = relative(project.cwd, folder);
        return { error: `no migrations in ${where}; run: npx schemagen migrations generate ${service.name}` };
      }
      try {
        return { applied: await applyMigrations(await connections.get(target), folder, service) };
      } catch (err) {
        return { error: `failed: ${scrub(errorLine(err))}` };
      }
    }),
  );
  const services = targets.map(({ service, target }) => ({
    service: service.name,
    schema: service.schema,
    target: target.label,
    ...results.get(service)!,
  }));
  return { ok: services.every((s) => s.error === undefined), services };
}
