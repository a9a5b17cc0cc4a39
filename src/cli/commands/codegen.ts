import { ManifestError, UserError } from '../../errors.js';
import { formatDiagnostic } from '../../manifest/diagnostics.js';
import { DRIFT_TEXT, fileStates, type Drift } from '../../write/output-tree.js';
import { writeTree } from '../../write/write-tree.js';
import { defineCli, manifestArgs, outArgs } from '../command.js';
import { loadProjectModel, project, renderProject, type Project } from '../project.js';
import type { Model } from '../../model/types.js';
import type { CliIo } from '../io.js';
import { relative } from 'node:path';

export const validateCommand = defineCli({
  name: 'validate',
  description: 'Validate the manifest; list every problem with file:line:col',
  args: { ...manifestArgs },
  handler: async (args, io) => {
    const p = project(args, io);
    const model = await loadProjectModel(p, 'none');
    const tables = model.services.reduce((n, s) => n + s.tables.length, 0);
    io.stdout(`${p.manifestArg}: valid (${model.services.length} services, ${tables} tables)`);
    return 0;
  },
});

export const generateCommand = defineCli({
  name: 'generate',
  description: 'Validate, then rewrite the output folder (atomically; files without the generated header are kept)',
  args: { ...manifestArgs, ...outArgs },
  handler: async (args, io) => {
    const p = project(args, io);
    // generate never writes the model cache: one large write it does not need; push and verify fill it.
    await generateProject(p, await loadProjectModel(p, 'read'), io);
    return 0;
  },
});

export async function generateProject(p: Project, model: Model, io: CliIo): Promise<void> {
  const files = await renderProject(p, model);
  const result = await writeTree(p.outDir, files);
  const where = relative(io.cwd, p.outDir) || '.';
  if (result.unchanged) io.stdout(`${where}: up to date (${files.size} files)`);
  else io.stdout(`${where}: wrote ${result.written} files, removed ${result.removed} (${files.size} generated files)`);
}

export const checkCommand = defineCli({
  name: 'check',
  description: 'Exit 1 listing every file that generate would add, change or remove; writes nothing',
  args: {
    ...manifestArgs,
    ...outArgs,
    json: { type: 'boolean', description: 'print one JSON document { ok, out, files: [{ path, state }] }' },
  },
  handler: async (args, io) => {
    const p = project(args, io);
    const where = relative(io.cwd, p.outDir) || '.';
    let files: Map<string, string>;
    try {
      // check writes nothing, not even the cache
      files = await renderProject(p, await loadProjectModel(p, 'read'));
    } catch (err) {
      // The JSON document says what went wrong too; the usual messages still follow on stderr.
      if (args.json && (err instanceof ManifestError || err instanceof UserError)) {
        const errors = err instanceof ManifestError ? err.diagnostics.map(formatDiagnostic) : [err.message];
        io.stdout(JSON.stringify({ ok: false, out: where, files: [], errors }));
      }
      throw err;
    }
    const states = fileStates(p.outDir, files);
    const drift = states.filter((f): f is { path: string; state: Drift } => f.state !== 'ok');
    if (args.json) io.stdout(JSON.stringify({ ok: drift.length === 0, out: where, files: states }));
    else if (drift.length === 0) io.stdout(`${where}: in sync with ${p.manifestArg} (${files.size} files)`);
    else {
      for (const d of drift) io.stderr(`${where}/${d.path}: ${DRIFT_TEXT[d.state]}`);
      // generate refuses to overwrite a file it did not write: those need the user first.
      const unowned = drift.filter((d) => d.state === 'unowned').length;
      const fix =
        unowned > 0
          ? `move away or delete the ${unowned} file(s) without the generated header, then run: npx schemagen generate`
          : 'run: npx schemagen generate';
      io.stderr(`${drift.length} file(s) out of sync; ${fix}`);
    }
    return drift.length === 0 ? 0 : 1;
  },
});
