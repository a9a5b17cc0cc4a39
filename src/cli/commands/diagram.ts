import { platformDiagram, serviceDiagram } from '../../render/diagram.js';
import { manifestArgs, projectOptions } from '../args.js';
import { defineCli } from '../command.js';
import { loadProject } from '../../app/project.js';

export const diagramCommand = defineCli({
  name: 'diagram',
  description: "Print the Mermaid erDiagram across services, or one service's (generate writes them as ERD.md files)",
  args: {
    ...manifestArgs,
    service: { type: 'string', description: "print only this service's diagram", valueHint: 'name' },
  },
  handler: async (args, io) => {
    const { model } = await loadProject(projectOptions(args, io, 'read'));
    if (args.service === undefined) {
      io.stdout(`${platformDiagram(model)}\n`);
      return 0;
    }
    // the same unknown-service message (and exit 2) as push and verify; loaded lazily like the database code
    const { selectServices } = await import('../../db/connect/targets.js');
    io.stdout(`${serviceDiagram(selectServices(model, [args.service])[0]!)}\n`);
    return 0;
  },
});
