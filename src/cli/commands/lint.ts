import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { findingLine, lintReport } from '../../lint/report.js';
import { defineCli, manifestArgs, outArgs } from '../command.js';
import { loadProjectModel, project } from '../project.js';

export const lintCommand = defineCli({
  name: 'lint',
  description: 'Find Drizzle tables written by hand, tables in public, columns repeating a base column and stray CREATE TABLE migrations',
  args: {
    paths: { type: 'positional', required: false, description: 'files and folders to lint (default: the project root)' },
    ...manifestArgs,
    ...outArgs,
    json: { type: 'boolean', description: 'print one JSON document' },
  },
  handler: async (args, io) => {
    const p = project(args, io);
    // Without a manifest there is still something to lint: the default base and any migrations/<folder>/.
    const model = existsSync(p.manifestPath) ? await loadProjectModel(p, 'read') : undefined;
    const paths = args._.length > 0 ? args._ : [relative(io.cwd, p.root) || '.'];
    const { lint } = await import('../../lint/lint.js');
    const result = await lint({ root: p.root, paths, cwd: io.cwd, excluded: [p.outDir], model });
    const report = lintReport(result, io.cwd);
    if (args.json) io.stdout(JSON.stringify(report));
    else if (report.ok) io.stdout(`no findings in ${result.files} file${result.files === 1 ? '' : 's'}`);
    else {
      for (const f of report.findings) io.stderr(findingLine(f));
      io.stderr(`${report.findings.length} finding${report.findings.length === 1 ? '' : 's'} in ${result.files} file${result.files === 1 ? '' : 's'}`);
    }
    return report.ok ? 0 : 1;
  },
});
