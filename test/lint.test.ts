import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { LINT_RULES } from '../src/lint/finding.js';
import { ignoredBy } from '../src/lint/ignore.js';
import type { LintReport } from '../src/lint/report.js';
import { cli } from './support/cli.js';
import { UPDATING } from './support/fixtures.js';
import { codeBlocks } from './support/markdown.js';

const CASES = join(dirname(fileURLToPath(import.meta.url)), 'lint-fixtures');
const ROOT = join(CASES, '..', '..');
const cases = readdirSync(CASES, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(CASES, d.name, 'expected.txt')))
  .map((d) => d.name)
  .sort();

/** A copy of the case, so runs never write into the repository (the model cache, for one). */
function copyOf(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `schemagen-lint-${name}-`));
  cpSync(join(CASES, name), dir, { recursive: true, filter: (src) => !src.endsWith('expected.txt') });
  return dir;
}

const argsOf = (transcript: string) =>
  transcript
    .split('\n')[0]!
    .replace(/^\$ schemagen /, '')
    .split(' ');

// expected.txt is a transcript: `$ schemagen lint <args>`, the output, `(exit <code>)`; see lint-fixtures/README.md.
describe.each(cases)('lint %s', (name) => {
  const expectedFile = join(CASES, name, 'expected.txt');
  const args = argsOf(readFileSync(expectedFile, 'utf8'));

  test('prints exactly expected.txt and exits with its code', async () => {
    const run = await cli(args, { cwd: copyOf(name) });
    const transcript = `$ schemagen ${args.join(' ')}\n${run.stdout}${run.stderr}(exit ${run.code})\n`;
    if (UPDATING) writeFileSync(expectedFile, transcript);
    expect(transcript).toBe(readFileSync(expectedFile, 'utf8'));
  });

  test('--json prints the text findings as one document on stdout, with the same exit code', async () => {
    const dir = copyOf(name);
    const plain = args.filter((a) => a !== '--json');
    const text = await cli(plain, { cwd: dir });
    const json = await cli([...plain, '--json'], { cwd: dir });
    expect(json.stderr).toBe('');
    expect(json.code).toBe(text.code);
    const doc = JSON.parse(json.stdout) as LintReport;
    expect(Object.keys(doc)).toEqual(['ok', 'findings']);
    expect(doc.ok).toBe(text.code === 0);
    const findingLines = text.stderr.split('\n').filter((l) => /^[^ ]+:\d+:\d+: /.test(l));
    expect(doc.findings.map((f) => `${f.file}:${f.line}:${f.col}: ${f.message}`)).toEqual(findingLines);
    for (const f of doc.findings) expect(LINT_RULES).toContain(f.rule);
  });
});

test('the fixtures cover every rule, a clean project and --json', () => {
  const all = cases.map((c) => readFileSync(join(CASES, c, 'expected.txt'), 'utf8')).join('\n');
  for (const rule of LINT_RULES) expect(all).toContain(`"rule":"${rule}"`);
  expect(all).toContain('(exit 0)');
  expect(all).toContain('$ schemagen lint --json');
});

test('a 100,000-term expression is walked without overflowing the stack; thousands of nested brackets are a clear error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'schemagen-lint-deep-'));
  const terms = Array.from({ length: 100_000 }, (_, i) => `a${i}`).join(' + ');
  writeFileSync(join(dir, 'wide.js'), `export const x = ${terms};\nexport const t = pgTable('t', {});\n`);
  const wide = await cli(['lint', 'wide.js'], { cwd: dir });
  expect(wide.stderr.split('\n')[0]).toBe(
    'wide.js:2:18: Drizzle table "public.t" written by hand (pgTable); ' +
      'declare it in the manifest and import it from the generated code',
  );
  writeFileSync(join(dir, 'deep.ts'), `export const y = ${'['.repeat(20_000)}${']'.repeat(20_000)};\n`);
  const deep = await cli(['lint', 'deep.ts'], { cwd: dir });
  expect(deep).toEqual({ code: 1, stdout: '', stderr: 'error: lint: deep.ts: nested too deeply to parse\n' });
});

test('lint --help lists its options; an unknown option is a usage error (exit 2)', async () => {
  const help = await cli(['lint', '--help']);
  expect(help.code).toBe(0);
  for (const option of ['--json', '--manifest', '--out', 'PATHS']) expect(help.stdout).toContain(option);
  const wrong = await cli(['lint', '--jsn'], { cwd: copyOf('clean') });
  expect(wrong).toEqual({ code: 2, stdout: '', stderr: 'unknown option --jsn\n(see schemagen lint --help)\n' });
});

test('a path that does not exist is a user error naming it', async () => {
  const run = await cli(['lint', 'nowhere'], { cwd: copyOf('clean') });
  expect(run.code).toBe(1);
  expect(run.stderr).toBe('error: lint: no such file or folder: nowhere\n');
});

test('a manifest named with --manifest must exist; only the default schema.yaml may be absent', async () => {
  const run = await cli(['lint', '--manifest', 'nope.yaml'], { cwd: copyOf('pgtable-by-hand') });
  expect(run.code).toBe(1);
  expect(run.stdout).toBe('');
  expect(run.stderr.split('\n')[0]).toBe(
    'error: nope.yaml not found, so there is no manifest to read; create a starter one with `npx schemagen init --manifest nope.yaml`, or pass --manifest <file>',
  );
});

test('an invalid manifest is reported as by validate, with no findings', async () => {
  const dir = copyOf('clean');
  writeFileSync(join(dir, 'schema.yaml'), 'version: 1\nservices:\n  auth:\n    schema: public\n    tables: {}\n');
  const run = await cli(['lint'], { cwd: dir });
  expect(run.code).toBe(1);
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(/^schema\.yaml:4:13: services\.auth\.schema: /);
});

test('this repository lints clean: its own deliberate exceptions are ignored or suppressed with reasons', async () => {
  const run = await cli(['lint'], { cwd: ROOT });
  expect(run.stderr).toBe('');
  expect(run.stdout).toMatch(/^no findings in \d+ files\n$/);
  expect(run.code).toBe(0);
}, 120_000);

test("docs/lint.md's suppression examples suppress what they name, and each would be a finding without it", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'schemagen-lint-docs-'));
  const examples = codeBlocks('docs/lint.md').filter((b) => b.lang === 'ts' || b.lang === 'sql');
  expect(examples.map((b) => b.lang)).toEqual(['ts', 'sql']);
  for (const [i, b] of examples.entries()) writeFileSync(join(dir, `example-${i}.${b.lang}`), b.text);
  expect(await cli(['lint'], { cwd: dir })).toEqual({ code: 0, stdout: 'no findings in 2 files\n', stderr: '' });
  for (const [i, b] of examples.entries())
    writeFileSync(join(dir, `example-${i}.${b.lang}`), b.text.replace(/(--|\/\/) schemagen-lint-ignore .*/g, ''));
  expect((await cli(['lint'], { cwd: dir })).stderr).toMatch(/^4 findings in 2 files$/m);
});

test('a path named on the command line is linted even where lint.ignore leaves it out', async () => {
  const run = await cli(['lint', 'legacy', 'db/seed.sql'], { cwd: copyOf('ignore-globs') });
  expect(run.code).toBe(1);
  expect(run.stderr.split('\n').map((l) => l.split(': ')[0])).toEqual([
    'db/seed.sql:1:1',
    'legacy/old.ts:2:20',
    'legacy/old.ts:2:20',
    '3 findings in 2 files',
    '',
  ]);
});

describe('lint.ignore globs, relative to the manifest folder', () => {
  const ignored = (globs: string[], paths: string[]) => paths.filter(ignoredBy(globs));

  test('a path without wildcards is that file or folder, anchored at the manifest folder', () => {
    expect(
      ignored(['test/fixtures', 'a.ts'], ['test/fixtures', 'test/fixtures2', 'x/test/fixtures', 'a.ts', 'b/a.ts']),
    ).toEqual(['test/fixtures', 'a.ts']);
    expect(ignored(['test/fixtures/'], ['test/fixtures'])).toEqual(['test/fixtures']);
  });

  test('* and ? stay within one name; ** spans any number of folders, none included', () => {
    const paths = ['a.sql', 'db/a.sql', 'db/x/a.sql', 'db/a.sql.ts', 'db/ab.sql'];
    expect(ignored(['*.sql'], paths)).toEqual(['a.sql']);
    expect(ignored(['db/*.sql'], paths)).toEqual(['db/a.sql', 'db/ab.sql']);
    expect(ignored(['**/*.sql'], paths)).toEqual(['a.sql', 'db/a.sql', 'db/x/a.sql', 'db/ab.sql']);
    expect(ignored(['db/?.sql'], paths)).toEqual(['db/a.sql']);
    expect(ignored(['db/**'], paths)).toEqual(['db/a.sql', 'db/x/a.sql', 'db/a.sql.ts', 'db/ab.sql']);
  });

  test('other characters are literal', () => {
    expect(ignored(['a.(b)+[c]$.ts'], ['a.(b)+[c]$.ts', 'aX(b)+[c]$.ts', 'a.bbc.ts'])).toEqual(['a.(b)+[c]$.ts']);
  });
});
