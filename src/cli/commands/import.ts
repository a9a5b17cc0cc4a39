import { resolve } from 'node:path';
import { importDatabase } from '../../import/import-database.js';
import { parseMaps } from '../../import/placement.js';
import { checkWritable, importSource, withSource, writeManifest } from '../../import/source.js';
import { validateImported } from '../../import/validate.js';
import { defineCli } from '../command.js';

export const importCommand = defineCli({
  name: 'import',
  description: 'read a live database and write a manifest for it (report on stderr)',
  args: {
    url: { type: 'string', description: 'database URL (default: DATABASE_URL, else the embedded database)', valueHint: 'url' },
    schema: { type: 'string', description: 'schemas to read, comma-separated (default: every non-system schema)', valueHint: 'a,b' },
    map: { type: 'string', description: "public tables: prefix=service, or '*=service' for the rest (repeatable)", valueHint: 'prefix=service' },
    out: { type: 'string', description: 'write the manifest here instead of stdout', valueHint: 'file' },
    force: { type: 'boolean', description: 'overwrite --out if it exists' },
    strict: { type: 'boolean', description: 'exit 1 when anything could not be imported' },
    'keep-bases': { type: 'boolean', description: 'keep each base variant as it is instead of proposing one base' },
    embedded: { type: 'boolean', description: 'read the embedded PGlite database' },
    'require-url': { type: 'boolean', description: 'refuse the embedded fallback (implied by CI=true)' },
  },
  async handler(args, io) {
    const maps = parseMaps([args.map ?? []].flat());
    if (typeof maps === 'string') {
      io.stderr(maps);
      return 2;
    }
    const out = args.out === undefined ? undefined : resolve(io.cwd, args.out);
    if (out) checkWritable(out, args.force ?? false);
    const target = importSource({ url: args.url, embedded: args.embedded ?? false, requireUrl: args['require-url'] ?? false, env: io.env, cwd: io.cwd });
    const schemas = args.schema?.split(',').map((s) => s.trim()).filter(Boolean);
    const result = await withSource(target, io.cwd, (db) => importDatabase(db, { schemas, maps, keepBases: args['keep-bases'] ?? false, source: target.label }));
    const problems = validateImported(result.manifest);
    if (out) writeManifest(out, result.manifest);
    else io.stdout(result.manifest);
    for (const line of [...result.report, ...problems]) io.stderr(line);
    return problems.length > 0 || (args.strict && result.unsupported.length > 0) ? 1 : 0;
  },
});
