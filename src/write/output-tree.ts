import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { generatedHeaderFor } from '../render/header.js';

/** How a file on disk differs from what generate writes. */
export type FileChange = 'missing' | 'differs' | 'orphan' | 'unowned';

export interface ChangedFile {
  readonly path: string;
  readonly change: FileChange;
}

export const FILE_CHANGE_TEXT: Record<FileChange, string> = {
  missing: 'missing',
  differs: 'differs from what generate writes (stale or edited by hand)',
  orphan: 'no longer generated (generate removes it)',
  unowned: 'exists without the generated header, so generate will not overwrite it',
};

/** Every file under `dir` as a posix path relative to it. */
export function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.push(relative(dir, full).split(sep).join('/'));
    }
  };
  if (statSync(dir).isDirectory()) walk(dir);
  return out.sort();
}

/** Whether the file at `path` starts with the generated header for its file type (.ts, .md). */
export const isGenerated = (path: string, contents: string) => contents.startsWith(`${generatedHeaderFor(path)}\n`);

/** Compares the output folder with what generate would write. Reads only. */
export function compareTree(dir: string, expected: ReadonlyMap<string, string>): ChangedFile[] {
  const changed: ChangedFile[] = [];
  const present = new Set(listFiles(dir));
  for (const [path, contents] of expected) {
    if (!present.has(path)) changed.push({ path, change: 'missing' });
    else {
      const actual = readFileSync(join(dir, path), 'utf8');
      if (actual !== contents) changed.push({ path, change: isGenerated(path, actual) ? 'differs' : 'unowned' });
    }
  }
  for (const path of present) {
    const orphan = !expected.has(path) && isGenerated(path, readFileSync(join(dir, path), 'utf8'));
    if (orphan) changed.push({ path, change: 'orphan' });
  }
  return changed.sort((a, b) => a.path.localeCompare(b.path));
}

export type FileState = FileChange | 'ok';

/** Every file generate would write or remove, each with its state: compareTree plus the files in sync. */
export function fileStates(dir: string, expected: ReadonlyMap<string, string>): { path: string; state: FileState }[] {
  const changed = new Map(compareTree(dir, expected).map((d) => [d.path, d.change] as const));
  const paths = [...new Set([...expected.keys(), ...changed.keys()])].sort((a, b) => a.localeCompare(b));
  return paths.map((path) => ({ path, state: changed.get(path) ?? 'ok' }));
}
