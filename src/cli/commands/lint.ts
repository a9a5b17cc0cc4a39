import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { findingLine, lintReport } from '../../lint/report.js';
import { manifestArgs, outArgs, projectOptions } from '../args.js';
import { defineCli } from '../command.js';
import { loadProjectModel, openProject } from '../../app/project.js';
import { plural } from '../../shared/plural.js';

export const lintCommand = defineCli({
  name: 'lint',
  description:
    'Exit 1 listing hand-written Drizzle tables, tables in public, columns repeating a base column ' +
    'and CREATE TABLE outside migrations/<service>/',
  args: {
    paths: { type: 'positional', required: false, description: 'files and folders (default: the project root)' },
    ...manifestArgs,
    ...outArgs,
    json: { type: 'boolean', description: 'print one JSON document' },
  },
  handler: async (args, io) => {
    const p = openProject(projectOptions(args, io));
    // Without a manifest there is still something to lint (the default base, any migrations/<folder>/),
    // unless the user named one with --manifest.
    const named = args.manifest !== manifestArgs.manifest.default;
    const model = named || existsSync(p.manifestPath) ? await loadProjectModel(p, 'read') : undefined;
    const paths = args._.length > 0 ? args._ : [relative(io.cwd, p.root) || '.'];
    const { lint } = await import('../../lint/lint.js');
    const { lintSettings } = await import('../../manifest/lint-settings.js');
    const ignore = model ? (lintSettings(p.manifestPath, p.manifestArg).ignore ?? []) : [];
    const result = await lint({ root: p.root, paths, cwd: io.cwd, excluded: [p.outDir], ignore, model });
    const report = lintReport(result, io.cwd);
    if (args.json) io.stdout(JSON.stringify(report));
    else if (report.ok) io.stdout(`no findings in ${plural(result.files, 'file')}`);
    else {
      for (const f of report.findings) io.stderr(findingLine(f));
      io.stderr(`${plural(report.findings.length, 'finding')} in ${plural(result.files, 'file')}`);
    }
    return report.ok ? 0 : 1;
  },
});
