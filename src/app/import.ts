import { resolve } from 'node:path';
import { importDatabase, type ImportResult } from '../import/import-database.js';
import type { PrefixMap } from '../import/placement.js';
import { checkWritable, importSource } from '../import/source.js';
import { writeFileAtomic } from '../shared/atomic-write.js';
import { withConnections } from './services.js';

export interface ImportManifestOptions {
  /** the database (default: DATABASE_URL from `env`, else the embedded database) */
  readonly url?: string;
  readonly embedded?: boolean;
  readonly requireUrl?: boolean;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** default: the process's working folder */
  readonly cwd?: string;
  /** schemas to read (default: every non-system schema holding tables) */
  readonly schemas?: readonly string[];
  /** public tables by prefix → service (`*` for the rest); Django's `<app>_` prefixes otherwise */
  readonly maps?: PrefixMap;
  /** keep every base variant as it is instead of proposing one base */
  readonly keepBases?: boolean;
  /** write the manifest here (relative to `cwd`); refused when it exists unless `force` */
  readonly out?: string;
  readonly force?: boolean;
  /** anything that could not be imported makes the result not ok */
  readonly strict?: boolean;
}

export interface ImportReport extends ImportResult {
  /** the manifest validates, and with `strict` nothing was left out */
  readonly ok: boolean;
  /** where the manifest was written, as given */
  readonly out?: string;
}

/** Reads a live database and returns (or writes) a manifest for it, with what it could not express. */
export async function importManifest(options: ImportManifestOptions = {}): Promise<ImportReport> {
  const cwd = options.cwd ?? process.cwd();
  const out = options.out === undefined ? undefined : resolve(cwd, options.out);
  if (out) checkWritable(out, options.force ?? false);
  const target = importSource({
    url: options.url,
    embedded: options.embedded ?? false,
    requireUrl: options.requireUrl ?? false,
    env: options.env ?? process.env,
    cwd,
  });
  const settings = { schemas: options.schemas, maps: options.maps ?? [], keepBases: options.keepBases ?? false };
  const result = await withConnections(cwd, async (connections) =>
    importDatabase(await connections.get(target), { ...settings, source: target.label }),
  );
  if (out) writeFileAtomic(out, result.manifest);
  const ok = result.problems.length === 0 && !(options.strict && result.unsupported.length > 0);
  return { ...result, ok, out: options.out };
}
