import { importManifest } from '../../app/import.js';
import { parseMaps } from '../../import/placement.js';
import { defineCli } from '../command.js';
import { printImport } from '../report.js';

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
    const schemas = args.schema
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const { url, out, force, strict, embedded } = args;
    const options = { url, out, force, strict, embedded, requireUrl: args['require-url'], env: io.env, cwd: io.cwd };
    const report = await importManifest({ ...options, schemas, maps, keepBases: args['keep-bases'] });
    printImport(report, args.json ?? false, io);
    return report.ok ? 0 : 1;
  },
});
