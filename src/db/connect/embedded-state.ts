import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { filesFingerprint } from '../../model/model-cache.js';
import type { Service } from '../../model/types.js';
import { writeFileAtomic } from '../../shared/atomic-write.js';
import { EMBEDDED_DIR, EMBEDDED_STATE_FILE } from '../../shared/conventions.js';

/**
 * Opening PGlite costs about a second, most of a no-op push or verify. After a run that found a
 * service exactly matching its manifest, we record a fingerprint of the closed data folder (every
 * file's path, size and modification time) with a hash of that service's model. While both are
 * unchanged, nothing can have changed the database: any write, by hand or by an app, touches its
 * files. Otherwise the database is opened and compared as usual.
 */
/** The local folder of the embedded database, relative to the project root (git-ignored). */
export { EMBEDDED_DIR };
const STATE_FILE = EMBEDDED_STATE_FILE;

interface State {
  readonly fingerprint: string;
  readonly services: Record<string, string>;
}

export function dataFingerprint(root: string): string {
  const hash = createHash('sha256');
  const walk = (dir: string, rel: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path, `${rel}${entry.name}/`);
      else {
        const st = statSync(path);
        hash.update(`${rel}${entry.name}\0${st.size}\0${st.mtimeMs}\0`);
      }
    }
  };
  try {
    walk(join(root, EMBEDDED_DIR), '');
  } catch {
    return '';
  }
  return hash.digest('hex');
}

/** The code that decides whether a service matches (all of src/db): a record made by another build proves nothing. */
const DB_CODE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

export function serviceHash(service: Service): string {
  return createHash('sha256')
    .update(filesFingerprint([DB_CODE_DIR]))
    .update(JSON.stringify(service, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)))
    .digest('hex');
}

function readState(root: string): State | undefined {
  try {
    return JSON.parse(readFileSync(join(root, STATE_FILE), 'utf8')) as State;
  } catch {
    return undefined;
  }
}

/** True when the embedded database was last seen matching this exact service model, untouched since. */
export function recordedInSync(root: string, service: Service, fingerprint: () => string): boolean {
  const state = readState(root);
  return (
    state !== undefined &&
    state.services[service.name] === serviceHash(service) &&
    state.fingerprint !== '' &&
    state.fingerprint === fingerprint()
  );
}

/** Call with the database closed: records which services were just seen in sync. */
export function recordInSync(root: string, inSync: readonly Service[]): void {
  const path = join(root, STATE_FILE);
  const fingerprint = dataFingerprint(root);
  const previous = readState(root);
  // Records of services not seen this run stay valid only if the files did not change meanwhile.
  const kept = previous?.fingerprint === fingerprint ? previous.services : {};
  const state: State = {
    fingerprint,
    services: { ...kept, ...Object.fromEntries(inSync.map((s) => [s.name, serviceHash(s)])) },
  };
  try {
    writeFileAtomic(path, JSON.stringify(state));
  } catch {
    /* only an optimisation */
  }
}
