import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Extension } from '@electric-sql/pglite';
import { UserError } from '../../shared/errors.js';

/** Built into PGlite itself: nothing to load. */
const BUILT_IN = new Set(['plpgsql']);

/**
 * What `PGlite.create({ extensions })` needs for the manifest's extensions: PGlite can only create an
 * extension whose files it was started with, so each contrib module (`uuid-ossp` is
 * `@electric-sql/pglite/contrib/uuid_ossp`) is loaded before the database opens. One PGlite does not
 * ship is refused here, by name, with the ones it does.
 */
export async function pgliteExtensions(names: readonly string[]): Promise<Record<string, Extension>> {
  const out: Record<string, Extension> = {};
  for (const name of names) {
    if (BUILT_IN.has(name)) continue;
    const module = name.replace(/-/g, '_');
    const loaded = await import(`@electric-sql/pglite/contrib/${module}`).then(
      (m: Record<string, Extension>) => m[module],
      () => undefined,
    );
    if (!loaded)
      throw new UserError(
        `extension ${name}: embedded PGlite cannot load it; it ships ${shipped().join(', ')} ` +
          '(set DATABASE_URL to push to a PostgreSQL server that has it)',
      );
    out[module] = loaded;
  }
  return out;
}

/** The contrib extensions of the installed PGlite, as CREATE EXTENSION names them. */
function shipped(): string[] {
  const folder = dirname(fileURLToPath(import.meta.resolve('@electric-sql/pglite/contrib/pgcrypto')));
  return readdirSync(folder)
    .filter((f) => f.endsWith('.js'))
    .map((f) => f.slice(0, -3).replace(/^uuid_ossp$/, 'uuid-ossp'))
    .sort();
}
