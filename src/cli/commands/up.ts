import { loadProject } from '../../app/project.js';
import { up } from '../../app/up.js';
import { manifestArgs, outArgs, projectOptions, pushFlagArgs, pushOptions, targetArgs, targetChoice } from '../args.js';
import { defineCli } from '../command.js';
import { printGenerate, printUp } from '../report.js';
import type { GenerateResult } from '../../app/codegen.js';

/** The whole day in one command: generate, push every service, verify, summarize. */
export const upCommand = defineCli({
  name: 'up',
  description: 'Generate, push every service and verify the result (npm start runs this on the embedded database)',
  args: { ...manifestArgs, ...outArgs, ...targetArgs, ...pushFlagArgs },
  handler: async (args, io) => {
    const project = await loadProject(projectOptions(args, io));
    const onGenerated = (r: GenerateResult) => printGenerate(r, io);
    const options = {
      ...targetChoice({ ...args, _: [] }, io),
      ...pushOptions(args, undefined, io.stdout),
      onGenerated,
    };
    const report = await up(project, options);
    printUp(report, io);
    return report.ok ? 0 : 1;
  },
});
