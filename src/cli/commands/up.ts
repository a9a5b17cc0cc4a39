import { defineCli, manifestArgs, outArgs } from '../command.js';
import { loadProjectModel, project } from '../project.js';
import { generateProject } from './codegen.js';
import { plan, printDrift, pushAll, pushFlagArgs, targetArgs, verifyAll, withConnections } from './database.js';

/** The whole day in one command: generate, push every service, verify, summarize. */
export const upCommand = defineCli({
  name: 'up',
  description: 'Generate, push every service and verify the result (npm start runs this on the embedded database)',
  args: { ...manifestArgs, ...outArgs, ...targetArgs, ...pushFlagArgs },
  handler: async (args, io) => {
    const p = project(args, io);
    const model = await loadProjectModel(p);
    const dryRun = args['dry-run'] ?? false;
    // A dry run writes nothing, generated files included: push plans from the model either way.
    if (!dryRun) await generateProject(p, model, io);
    const planned = plan(model, p, { ...args, _: [] }, io);
    return withConnections(p.root, async (connections) => {
      const pushed = await pushAll(model, planned, args, connections, io);
      const targets = [...new Set(planned.map((x) => x.target.label))].join(', ');
      if (dryRun) {
        io.stdout(`summary: dry run on ${targets}, nothing was changed`);
        return pushed ? 0 : 1;
      }
      const verified = printDrift(await verifyAll(model, planned, connections), planned, false, io);
      const tables = model.services.reduce((n, s) => n + s.tables.length, 0);
      if (pushed && verified) {
        io.stdout(`summary: ${planned.length} services, ${tables} tables generated, pushed and verified on ${targets}`);
        return 0;
      }
      io.stderr(
        `summary: ${pushed ? 'push succeeded' : 'push failed'}, ${verified ? 'verify passed' : 'verify found differences'} on ${targets}`,
      );
      return 1;
    });
  },
});
