import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { errorLine } from '../../db/push.js';
import { scrubSecrets } from '../../db/connection.js';
import { selectServices } from '../../db/targets.js';
import { MIGRATIONS_SCHEMA } from '../../model/names.js';
import { defineCli, manifestArgs } from '../command.js';
import { loadProjectModel, project } from '../project.js';
import { perDatabase, plan, targetArgs, withConnections } from './database.js';

const servicesArg = {
  services: { type: 'positional', required: false, description: 'services (default: all)' },
} as const;

export const migrationsGenerateCommand = defineCli({
  name: 'migrations generate',
  description: 'Write the next SQL migration of each service into migrations/<service>/ (drizzle-kit format)',
  args: { ...servicesArg, ...manifestArgs },
  handler: async (args, io) => {
    const p = project(args, io);
    const model = await loadProjectModel(p);
    const { generateMigrationFor, migrationsDir } = await import('../../db/migrations.js');
    const now = Date.now();
    for (const service of selectServices(model, args._)) {
      const result = await generateMigrationFor(model, service, p.root, now);
      const where = relative(io.cwd, migrationsDir(p.root, service.name)) || '.';
      const files = (result.tags ?? []).map((tag) => `${where}/${tag}.sql`).join(' and ');
      const count = `${result.statements.length} statement${result.statements.length === 1 ? '' : 's'}`;
      io.stdout(files ? `${service.name}: wrote ${files} (${count})` : `${service.name}: no changes`);
    }
    return 0;
  },
});

export const migrateCommand = defineCli({
  name: 'migrate',
  description: `Apply each service's migrations, recorded in ${MIGRATIONS_SCHEMA}.__drizzle_migrations_<service>`,
  args: { ...servicesArg, ...manifestArgs, ...targetArgs },
  handler: async (args, io) => {
    const p = project(args, io);
    const model = await loadProjectModel(p);
    const planned = plan(model, p, args, io);
    const { inMigrationSteps, migrationsDir, migrationsTable } = await import('../../db/migrations.js');
    const secrets = planned.flatMap((x) => (x.target.url ? [x.target.url] : []));
    const results = await withConnections(p.root, (connections) =>
      perDatabase(planned, async ({ service, target }) => {
        const folder = migrationsDir(p.root, service.name);
        if (!existsSync(folder))
          return `no migrations in ${relative(io.cwd, folder)}; run: npx schemagen migrations generate ${service.name}`;
        try {
          const db = await connections.get(target);
          const table = migrationsTable(service.name);
          const count = async () =>
            Number(
              (
                await db
                  .query<{ n: string }>(`select count(*) as n from "${MIGRATIONS_SCHEMA}"."${table}"`)
                  .catch(() => [{ n: '0' }])
              )[0]?.n ?? 0,
            );
          const before = await count();
          const lockKey = `schemagen migrate ${service.schema}`;
          await inMigrationSteps(folder, (step) =>
            db.migrate({
              migrationsFolder: step,
              migrationsSchema: MIGRATIONS_SCHEMA,
              migrationsTable: table,
              lockKey,
            }),
          );
          return (await count()) - before;
        } catch (err) {
          return `failed: ${scrubSecrets(errorLine(err), secrets)}`;
        }
      }),
    );
    let ok = true;
    for (const { service, target } of planned) {
      const r = results.get(service)!;
      if (typeof r === 'string') {
        ok = false;
        io.stderr(`${service.name} → ${target.label}: ${r}`);
      } else
        io.stdout(
          `${service.name} → ${target.label}: ${r === 0 ? 'up to date' : `applied ${r} migration${r === 1 ? '' : 's'}`}`,
        );
    }
    return ok ? 0 : 1;
  },
});
