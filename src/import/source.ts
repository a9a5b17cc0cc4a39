import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../shared/errors.js';
import { maskUrl } from '../db/connect/connection.js';
import { EMBEDDED_DIR, embeddedTarget, type Target } from '../db/connect/targets.js';

export interface SourceOptions {
  readonly url?: string;
  readonly embedded: boolean;
  readonly requireUrl: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

/** The database to import: `--url`, else DATABASE_URL, else the embedded one (refused like push refuses it). */
export function importSource(o: SourceOptions): Target {
  if (o.embedded) return embeddedTarget(o.cwd, o.cwd, '--embedded');
  const url = o.url || o.env['DATABASE_URL'];
  if (url) return { key: url, url, label: maskUrl(url), source: o.url ? '--url' : 'DATABASE_URL' };
  if (o.requireUrl || o.env['CI'] === 'true') {
    const refused = 'the embedded fallback is refused with --require-url and when CI=true';
    throw new UserError(`no database URL (give --url or set DATABASE_URL); ${refused}`);
  }
  if (!existsSync(join(o.cwd, EMBEDDED_DIR))) {
    throw new UserError(`no --url, no DATABASE_URL and no embedded database in ${EMBEDDED_DIR}`);
  }
  return embeddedTarget(o.cwd, o.cwd, 'no --url or DATABASE_URL');
}

/** Refuses to replace an existing file unless forced; the file appears whole or not at all. */
export function checkWritable(path: string, force: boolean) {
  if (!force && existsSync(path)) throw new UserError(`${path} exists; give --force to overwrite it`);
}
