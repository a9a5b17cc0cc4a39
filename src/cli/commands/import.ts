import { resolve } from 'node:path';
import { importDatabase } from '../../import/import-database.js';
import { parseMaps } from '../../import/placement.js';
import { checkWritable, importSource, withSource, writeManifest } from '../../import/source.js';
import { defineCli } from '../command.js';

const flag = (description: string) => ({ type: 'boolean', description }) as const;
const option = (description: string, valueHint: string) => ({ type: 'string', description, valueHint }) as const;

export const importCommand = defineCli({
  name: 'import',
  description: 'read a live database and write a manifest for it (report on stderr)',
  args: {
    url: option('database URL (default: DATABASE_URL, else the embedded database)', 'url'),
    schema: option('schemas to read, comma-separated (default: every non-system schema)', 'a,b'),
    map: option("public tables: prefix=service, or '*=service' for the rest (repeatable)", 'prefix=service'),
    out: option('write the manifest here instead of stdout', 'file'),
    force: flag('overwrite --out if it exists'),
    strict: flag('exit 1 when anything could not be imported'),
    'keep-bases': flag('keep each base variant as it is instead of proposing one base'),
    embedded: flag('read the embedded PGlite database'),
    'require-url': flag('refuse the embedded fallback (implied by CI=true)'),
    json: flag('print one JSON document { ok, out, manifest, report, unsupported, problems } instead'),
  },
  async handler(args, io) {
    const maps = parseMaps([args.map ?? []].flat());
    if (typeof maps === 'string') return (io.stderr(maps), 2);
    const out = args.out === undefined ? undefined : resolve(io.cwd, args.out);
    if (out) checkWritable(out, args.force ?? false);
    const [embedded, requireUrl] = [args.embedded ?? false, args['require-url'] ?? false];
    const target = importSource({ url: args.url, embedded, requireUrl, env: io.env, cwd: io.cwd });
    const schemas = args.schema
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const options = { schemas, maps, keepBases: args['keep-bases'] ?? false, source: target.label };
    const result = await withSource(target, io.cwd, (db) => importDatabase(db, options));
    if (out) writeManifest(out, result.manifest);
    const { manifest, report, unsupported, problems } = result;
    const ok = problems.length === 0 && !(args.strict && unsupported.length > 0);
    if (args.json)
      io.stdout(
        JSON.stringify({ ok, out: args.out, manifest: out ? undefined : manifest, report, unsupported, problems }),
      );
    else {
      if (!out) io.stdout(manifest);
      for (const line of [...report, ...problems]) io.stderr(line);
    }
    return ok ? 0 : 1;
  },
});
