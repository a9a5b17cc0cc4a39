import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deserialize, serialize } from 'node:v8';
import { writeFileAtomic } from '../shared/atomic-write.js';
import { MODEL_CACHE_FILE, OUTPUTS_CACHE_FILE } from '../shared/conventions.js';
import { shareRepeats } from './share-repeats.js';
import type { Model } from './types.js';

/**
 * Parsing YAML dominates a no-op push or verify. A manifest whose exact bytes were validated before,
 * by the same build of the model code, resolves to the same model, so it is kept in the
 * project's `.schemagen/cache/`. Only valid manifests are stored: errors always come from a full
 * parse with their positions.
 */
const CACHE_FILE = MODEL_CACHE_FILE;
/** Kept apart from the (large) model so recording an output folder rewrites only a few bytes. */
const OUTPUTS_FILE = OUTPUTS_CACHE_FILE;
const MODEL_CODE_DIR = dirname(fileURLToPath(import.meta.url));

/**
 * Everything that shapes a cached entry: the model code makes the model, and the render code and
 * templates make the output whose hash is stored beside it (push's staleness check trusts that hash).
 */
const CODE_DIRS = [
  MODEL_CODE_DIR,
  join(MODEL_CODE_DIR, '..', 'manifest'),
  join(MODEL_CODE_DIR, '..', 'render'),
  join(MODEL_CODE_DIR, '..', 'shared'),
  join(MODEL_CODE_DIR, '..', '..', 'templates'),
];

const modelCodeFingerprint = (): string => filesFingerprint(CODE_DIRS);

/** The build does not change while the process runs: each set of folders is hashed once. */
const fingerprints = new Map<string, string>();

/** A hash of the code and template files (not subfolders) of `dirs`: changes whenever the tool's build does. */
export function filesFingerprint(dirs: readonly string[]): string {
  const id = dirs.join('\0');
  let fingerprint = fingerprints.get(id);
  if (fingerprint === undefined) {
    const hash = createHash('sha256');
    // Folders are read whole, their subfolders too (src/db keeps its stages in subfolders).
    const add = (dir: string, prefix: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) add(path, `${prefix}${entry.name}/`);
        else if (/\.([jt]s|hbs)$/.test(entry.name)) hash.update(prefix + entry.name).update(readFileSync(path));
      }
    };
    for (const dir of dirs) add(dir, '');
    fingerprints.set(id, (fingerprint = hash.digest('hex')));
  }
  return fingerprint;
}

export function manifestKey(manifestText: Buffer | string): string {
  return createHash('sha256').update(modelCodeFingerprint()).update('\0').update(manifestText).digest('hex');
}

interface CacheEntry {
  readonly key: string;
  readonly model: Model;
}

/** Hashes of the files generate writes for a model key, by output folder. */
interface Outputs {
  readonly key: string;
  readonly outputs: Record<string, string>;
}

/**
 * The file is the key on its first line, then the model in V8's serialization format, with equal
 * subtrees shared (see shareRepeats): several times smaller and faster to read than JSON, bigints
 * included. A file written by another Node version that this one cannot read is a cache miss.
 */
export function readCache(root: string, key: string): CacheEntry | undefined {
  try {
    const bytes = readFileSync(join(root, CACHE_FILE));
    const header = Buffer.from(`${key}\n`);
    if (!bytes.subarray(0, header.length).equals(header)) return undefined;
    return { key, model: deserialize(bytes.subarray(header.length)) as Model };
  } catch {
    return undefined;
  }
}

export function writeCache(root: string, entry: CacheEntry): void {
  writeAtomically(
    join(root, CACHE_FILE),
    Buffer.concat([Buffer.from(`${entry.key}\n`), serialize(shareRepeats(entry.model))]),
  );
}

export function readOutputHash(root: string, key: string, output: string): string | undefined {
  try {
    const entry = JSON.parse(readFileSync(join(root, OUTPUTS_FILE), 'utf8')) as Outputs;
    return entry.key === key ? entry.outputs[output] : undefined;
  } catch {
    return undefined;
  }
}

export function writeOutputHash(root: string, key: string, output: string, hash: string): void {
  let outputs: Record<string, string> = {};
  try {
    const entry = JSON.parse(readFileSync(join(root, OUTPUTS_FILE), 'utf8')) as Outputs;
    if (entry.key === key) outputs = entry.outputs;
  } catch {
    /* first record for this key */
  }
  if (outputs[output] !== hash)
    writeAtomically(join(root, OUTPUTS_FILE), JSON.stringify({ key, outputs: { ...outputs, [output]: hash } }));
}

/** Best effort: a read-only project or a full disk only costs speed. */
function writeAtomically(path: string, data: string | Buffer): void {
  try {
    writeFileAtomic(path, data);
  } catch {
    /* the cache is an optimisation only */
  }
}

/** Order-independent hash of a file map, to recognise an output folder already in sync. */
export function filesHash(files: ReadonlyMap<string, string>): string {
  const hash = createHash('sha256');
  for (const path of [...files.keys()].sort()) hash.update(path).update('\0').update(files.get(path)!).update('\0');
  return hash.digest('hex');
}
