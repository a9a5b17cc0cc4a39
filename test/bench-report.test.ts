import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { withSection, writeSection } from '../bench/report.mjs';

// Every benchmark script writes bench/results.md through bench/report.mjs: each replaces its own
// marked section, or appends it, and never touches another's figures.

const BENCH = join(import.meta.dirname, '..', 'bench');
const RESULTS = readFileSync(join(BENCH, 'results.md'), 'utf8');
const FILE =
  '# Benchmark results\n\n<!-- bench:a -->\nA1\n<!-- /bench:a -->\n\nbetween\n\n<!-- bench:b -->\nB1\n<!-- /bench:b -->\n';

test('a section is replaced where it stands; the text around it and the other sections are kept', () => {
  expect(withSection(FILE, 'a', '\nA2\n\nmore\n')).toBe(FILE.replace('A1', 'A2\n\nmore'));
  expect(withSection(FILE, 'b', 'B2')).toBe(FILE.replace('B1', 'B2'));
});

test('a missing section is appended after one blank line; a missing file starts with the heading', () => {
  expect(withSection(FILE, 'c', 'C1')).toBe(`${FILE}\n<!-- bench:c -->\nC1\n<!-- /bench:c -->\n`);
  expect(withSection(undefined, 'a', 'A1')).toBe('# Benchmark results\n\n<!-- bench:a -->\nA1\n<!-- /bench:a -->\n');
});

test('markers that do not pair up are refused rather than guessed at', () => {
  const unpaired = [
    FILE.replace('<!-- /bench:a -->', ''),
    FILE.replace('<!-- bench:a -->', ''),
    FILE.replace('<!-- bench:b -->\nB1\n<!-- /bench:b -->', '<!-- /bench:a -->\nB1\n<!-- bench:a -->'),
    `${FILE}<!-- bench:a -->\nA0\n<!-- /bench:a -->\n`,
  ];
  for (const text of unpaired)
    expect(() => withSection(text, 'a', 'A2')).toThrow(/markers of section a do not pair up/);
});

test("rewriting each section of the committed results with its own content changes nothing (a dry run of every script's write)", () => {
  const sections = [...RESULTS.matchAll(/<!-- bench:(\w+) -->\n([\s\S]*?)\n<!-- \/bench:\1 -->/g)];
  expect(sections.map((m) => m[1])).toEqual(['main', 'import', 'online', 'noop', 'testing', 'tenants']);
  for (const [, id, markdown] of sections) expect(withSection(RESULTS, id!, markdown!)).toBe(RESULTS);
  const dir = mkdtempSync(join(tmpdir(), 'schemagen-bench-report-'));
  writeFileSync(join(dir, 'results.md'), RESULTS);
  for (const [, id, markdown] of sections) writeSection(id!, markdown!, join(dir, 'results.md'));
  expect(readFileSync(join(dir, 'results.md'), 'utf8')).toBe(RESULTS);
});

test('every benchmark script writes its own section through writeSection, and nothing else writes the results', () => {
  const scripts = readdirSync(BENCH).filter((f) => f.endsWith('.mjs') && f !== 'report.mjs');
  const writers = new Map<string, string[]>();
  for (const script of scripts) {
    const text = readFileSync(join(BENCH, script), 'utf8');
    expect(text, script).not.toMatch(/results\.md['`]|RESULTS_FILE/);
    const ids = [...text.matchAll(/writeSection\('(\w+)'/g)].map((m) => m[1]!);
    if (ids.length > 0) writers.set(script, ids);
  }
  expect(Object.fromEntries(writers)).toEqual({
    'import.mjs': ['import'],
    'noop.mjs': ['noop'],
    'online.mjs': ['online'],
    'run.mjs': ['main'],
    'tenants.mjs': ['tenants'],
    'testing.mjs': ['testing'],
  });
});
