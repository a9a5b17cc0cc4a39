import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { listFiles } from '../../src/write/output-tree.js';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
/** `UPDATE_GOLDENS=1` rewrites expected output instead of comparing (npm run test:update-goldens). */
export const UPDATING = process.env['UPDATE_GOLDENS'] === '1';

/** Cases named `error-*` are manifests to reject (expected-error.txt); the others are goldens (expected/). */
export function fixtureCases(kind: 'golden' | 'error'): string[] {
  return readdirSync(FIXTURES, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(FIXTURES, d.name, 'schema.yaml')))
    .filter((d) => d.name.startsWith('error-') === (kind === 'error'))
    .map((d) => d.name)
    .sort();
}

/** A temp project holding a copy of the fixture's manifest, so runs never write into test/fixtures. */
export function projectFor(fixture: string): string {
  const dir = mkdtempSync(join(tmpdir(), `schemagen-${fixture}-`));
  cpSync(join(FIXTURES, fixture, 'schema.yaml'), join(dir, 'schema.yaml'));
  return dir;
}

const ROOT = join(FIXTURES, '..', '..');

/**
 * The two drizzle-orm majors the generated code is written for: where each is installed (the repository's
 * own 0.x, and 1.x in the fixture project test/drizzle-1, an npm workspace), the golden folder of each, and
 * a git-ignored folder for projects whose modules import that drizzle-orm (and drizzle-kit).
 */
export const DRIZZLE_MAJORS = [
  { major: 0, expected: 'expected', project: ROOT, work: join(ROOT, 'test', '.work') },
  {
    major: 1,
    expected: 'expected-drizzle1',
    project: join(ROOT, 'test', 'drizzle-1'),
    work: join(ROOT, 'test', 'drizzle-1', '.work'),
  },
] as const;
export type DrizzleMajorCase = (typeof DRIZZLE_MAJORS)[number];

/** Installs that major's drizzle-orm in the project at `dir` (a link): generate targets it. */
export function installDrizzle(dir: string, on: DrizzleMajorCase): string {
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(join(on.project, 'node_modules', 'drizzle-orm'), join(dir, 'node_modules', 'drizzle-orm'), 'dir');
  return dir;
}

/** projectFor, with that major's drizzle-orm installed in the project. */
export const projectOn = (fixture: string, on: DrizzleMajorCase): string => installDrizzle(projectFor(fixture), on);

/** Every file of a tree, by relative path. */
export function readTree(dir: string): Map<string, string> {
  return new Map(listFiles(dir).map((p) => [p, readFileSync(join(dir, p), 'utf8')] as const));
}

export function replaceTree(dir: string, files: ReadonlyMap<string, string>) {
  rmSync(dir, { recursive: true, force: true });
  for (const [path, contents] of files) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), contents);
  }
}

/** The same file list and every file byte for byte; a difference names the file. */
export function expectSameTree(actual: ReadonlyMap<string, string>, expected: ReadonlyMap<string, string>) {
  expect([...actual.keys()]).toEqual([...expected.keys()]);
  for (const [path, contents] of expected) expect(actual.get(path), path).toBe(contents);
}

/** The example opening docs/manifest.md: the whole manifest a new user copies first. */
export function manifestExample(): string {
  const page = readFileSync(join(FIXTURES, '..', '..', 'docs', 'manifest.md'), 'utf8');
  const block = /```yaml\n([\s\S]*?)```/.exec(page);
  if (!block) throw new Error('docs/manifest.md has no yaml block');
  return block[1]!;
}
