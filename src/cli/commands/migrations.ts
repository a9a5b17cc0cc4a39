import { generateMigrations, migrate } from '../../app/migrations.js';
import { loadProject } from '../../app/project.js';
import { MIGRATIONS_SCHEMA, migrationsTable } from '../../shared/conventions.js';
import { manifestArgs, projectOptions, servicesArg, targetArgs, targetChoice } from '../args.js';
import { defineCli } from '../command.js';
import { printMigrate, printMigrationFiles } from '../report.js';

export const migrationsGenerateCommand = defineCli({
  name: 'migrations generate',
  description: 'Write the next SQL migration of each service into migrations/<service>/ (drizzle-kit format)',
  args: { ...servicesArg, ...manifestArgs },
  handler: async (args, io) => {
    const project = await loadProject(projectOptions(args, io));
    printMigrationFiles(await generateMigrations(project, { services: args._ }), io);
    return 0;
  },
});

export const migrateCommand = defineCli({
  name: 'migrate',
  description: `Apply each service's migrations, recorded in ${MIGRATIONS_SCHEMA}.${migrationsTable('<service>')}`,
  args: { ...servicesArg, ...manifestArgs, ...targetArgs },
  handler: async (args, io) => {
    const report = await migrate(await loadProject(projectOptions(args, io)), targetChoice(args, io));
    printMigrate(report, io);
    return report.ok ? 0 : 1;
  },
});
