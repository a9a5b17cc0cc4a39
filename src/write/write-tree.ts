import {
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UnownedFilesError } from '../shared/errors.js';
import { compareTree, listFiles, isGenerated } from './output-tree.js';

/**
 * Replaces the output folder as a whole: the new tree is built beside it and swapped in with two
 * renames, so a crash leaves the old tree, the new tree, or (between the renames) a complete new tree
 * waiting under `.<name>.schemagen-new` that `recoverInterrupted` moves into place.
 * Files without the generated header are carried over untouched.
 */
export interface WriteResult {
  readonly written: number;
  readonly removed: number;
  readonly unchanged: boolean;
}

const sibling = (dir: string, suffix: string) => join(dirname(dir), `.${basename(dir)}.schemagen-${suffix}`);
const COMPLETE_MARK = '.schemagen-complete';

/** Finishes or discards a swap a killed run left behind. */
export function recoverInterrupted(dir: string): void {
  const fresh = sibling(dir, 'new');
  const old = sibling(dir, 'old');
  if (!existsSync(dir) && existsSync(join(fresh, COMPLETE_MARK))) renameSync(fresh, dir);
  rmSync(join(dir, COMPLETE_MARK), { force: true });
  if (!existsSync(dir) && existsSync(old)) renameSync(old, dir);
  rmSync(fresh, { recursive: true, force: true });
  rmSync(old, { recursive: true, force: true });
}

export async function writeTree(dir: string, files: ReadonlyMap<string, string>): Promise<WriteResult> {
  return withLock(sibling(dir, 'lock'), () => {
    recoverInterrupted(dir);
    const changed = compareTree(dir, files);
    const unowned = changed.filter((d) => d.change === 'unowned');
    if (unowned.length > 0) throw new UnownedFilesError(unowned);
    if (changed.length === 0) return { written: 0, removed: 0, unchanged: true };
    const fresh = sibling(dir, 'new');
    for (const path of listFiles(dir)) {
      if (files.has(path) || isGenerated(path, readFileSync(join(dir, path), 'utf8'))) continue;
      mkdirSync(dirname(join(fresh, path)), { recursive: true });
      copyFileSync(join(dir, path), join(fresh, path));
    }
    for (const [path, contents] of files) writeDurably(join(fresh, path), contents);
    writeDurably(join(fresh, COMPLETE_MARK), '');
    const old = sibling(dir, 'old');
    if (existsSync(dir)) renameSync(dir, old);
    renameSync(fresh, dir);
    rmSync(join(dir, COMPLETE_MARK));
    rmSync(old, { recursive: true, force: true });
    return {
      written: changed.filter((d) => d.change !== 'orphan').length,
      removed: changed.filter((d) => d.change === 'orphan').length,
      unchanged: false,
    };
  });
}

function writeDurably(path: string, contents: string) {
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, 'w');
  try {
    writeFileSync(fd, contents);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** A lock file beside the output; a second generate waits for the first instead of interleaving. */
async function withLock<T>(lockPath: string, fn: () => T, timeoutMs = 30_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (lockIsStale(lockPath)) rmSync(lockPath, { force: true });
      else if (Date.now() - started > timeoutMs)
        throw new Error(`another schemagen generate holds ${basename(lockPath)} for over ${timeoutMs / 1000}s`);
      else await new Promise((r) => setTimeout(r, 50));
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lockPath, { force: true });
  }
}

function lockIsStale(lockPath: string): boolean {
  try {
    const pid = Number(readFileSync(lockPath, 'utf8'));
    if (!Number.isInteger(pid) || pid <= 0) return false;
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
