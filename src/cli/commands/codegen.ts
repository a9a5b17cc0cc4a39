import { check, generate } from '../../app/codegen.js';
import { loadProject } from '../../app/project.js';
import { ManifestError } from '../../manifest/manifest-error.js';
import { UserError } from '../../shared/errors.js';
import { formatDiagnostic } from '../../manifest/diagnostics.js';
import { manifestArgs, outArgs, projectOptions } from '../args.js';
import { defineCli } from '../command.js';
import { printCheck, printGenerate } from '../report.js';

export const validateCommand = defineCli({
  name: 'validate',
  description: 'Validate the manifest; list every problem with file:line:col',
  args: { ...manifestArgs },
  handler: async (args, io) => {
    const { model } = await loadProject(projectOptions(args, io, 'none'));
    const tables = model.services.reduce((n, s) => n + s.tables.length, 0);
    io.stdout(`${args.manifest}: valid (${model.services.length} services, ${tables} tables)`);
    return 0;
  },
});

export const generateCommand = defineCli({
  name: 'generate',
  description: 'Validate, then rewrite the output folder (atomically; files without the generated header are kept)',
  args: { ...manifestArgs, ...outArgs },
  handler: async (args, io) => {
    // generate never writes the model cache: one large write it does not need; push and verify fill it.
    printGenerate(await generate(await loadProject(projectOptions(args, io, 'read'))), io);
    return 0;
  },
});

export const checkCommand = defineCli({
  name: 'check',
  description: 'Exit 1 listing every file that generate would add, change or remove; writes nothing',
  args: {
    ...manifestArgs,
    ...outArgs,
    json: { type: 'boolean', description: 'print one JSON document { ok, out, files: [{ path, state }] }' },
  },
  handler: async (args, io) => {
    // check writes nothing, not even the cache
    const project = await loadProject(projectOptions(args, io, 'read')).catch((err: unknown) => {
      // The JSON document says what went wrong too; the usual messages still follow on stderr.
      if (args.json && (err instanceof ManifestError || err instanceof UserError)) {
        const errors = err instanceof ManifestError ? err.diagnostics.map(formatDiagnostic) : [err.message];
        io.stdout(JSON.stringify({ ok: false, out: args.out, files: [], errors }));
      }
      throw err;
    });
    const result = await check(project);
    printCheck(result, args.manifest, args.json ?? false, io);
    return result.ok ? 0 : 1;
  },
});
