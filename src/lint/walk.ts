import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../shared/errors.js';
import { STATE_DIR } from '../shared/conventions.js';

/** Folders never linted: dependencies, build output, history and the tool's own state. */
const SKIPPED_FOLDERS = new Set(['node_modules', 'dist', '.git', STATE_DIR]);

const TYPESCRIPT_FILE = /\.(?:[cm]?[jt]s|[jt]sx)$/;
const DECLARATION_FILE = /\.d\.[cm]?ts$/;
export const SQL_FILE = /\.sql$/i;

const linted = (name: string) => (TYPESCRIPT_FILE.test(name) && !DECLARATION_FILE.test(name)) || SQL_FILE.test(name);

/**
 * The TypeScript, JavaScript and SQL files under `paths`, sorted, skipping `excluded` folders (the
 * generated output) and SKIPPED_FOLDERS found while walking: a path named explicitly is always read.
 * Paths are relative to `cwd` and named as given in errors. Symbolic links met while walking are not
 * followed, so a link cycle cannot loop.
 */
export function lintedFiles(paths: readonly string[], cwd: string, excluded: readonly string[]): string[] {
  const skip = new Set(excluded.map((p) => resolve(p)));
  const out = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name) && !skip.has(full)) walk(full);
      } else if (entry.isFile() && linted(entry.name)) out.add(full);
    }
  };
  for (const given of paths) {
    const path = resolve(cwd, given);
    if (!existsSync(path)) throw new UserError(`lint: no such file or folder: ${given}`);
    if (!statSync(path).isDirectory()) {
      if (linted(path)) out.add(path);
    } else walk(path);
  }
  return [...out].sort();
}
