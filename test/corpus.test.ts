import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { VALID_MANIFEST, hostileManifests } from './corpus/hostile-manifests.js';
import { cli } from './support/cli.js';
import { readTree } from './support/fixtures.js';

const CASES = hostileManifests();
const LINE = /^schema\.yaml:\d+:\d+: .+: .+$/;

function projectWith(text: string | Buffer) {
  const dir = mkdtempSync(join(tmpdir(), 'schemagen-corpus-'));
  writeFileSync(join(dir, 'schema.yaml'), text);
  // An existing output folder with a generated file and a user's file: neither may change.
  writeFileSync(join(dir, 'keep.txt'), 'untouched\n');
  return dir;
}

test('the corpus is large and the base manifest it mutates is valid', async () => {
  expect(CASES.length).toBeGreaterThanOrEqual(150);
  const dir = projectWith(VALID_MANIFEST);
  const valid = await cli(['validate'], { cwd: dir });
  expect(valid.stderr).toBe('');
  expect(valid.code).toBe(0);
});

describe.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, hostile) => {
  test('validate and generate exit 1 with positioned messages and write nothing', async () => {
    const dir = projectWith(hostile.text);
    const before = readTree(dir);
    for (const command of ['validate', 'generate']) {
      const result = await cli([command], { cwd: dir });
      expect(result.code, result.stdout + result.stderr).toBe(1);
      expect(result.stderr).not.toMatch(/internal error|\n\s+at \S+ \(|RangeError|TypeError/);
      const lines = result.stderr.trimEnd().split('\n');
      expect(lines.at(-1)).toMatch(/^\d+ errors? in schema\.yaml; nothing was written$/);
      for (const line of lines.slice(0, -1)) {
        expect(line).toMatch(LINE);
        expect(line.length).toBeLessThan(1000);
      }
      expect(readTree(dir)).toEqual(before);
    }
  });
});

// Expanding the bomb would take minutes and gigabytes; the test's own timeout is the hang guard
// (speed itself is the benchmark's business).
test('an alias bomb is refused as an alias problem, without expanding it', async () => {
  const bomb = CASES.find((c) => c.name === 'alias bomb')!;
  const dir = projectWith(bomb.text);
  const result = await cli(['validate'], { cwd: dir });
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(/YAML anchors and aliases are not supported/);
}, 20_000);

test('independent errors in one manifest are all reported in one run', async () => {
  const dir = projectWith(`version: 1
services:
  Shop:
    tables:
      orders:
        columns:
          created_at: { type: timestamptz }
          total: { type: integr }
          flag: { type: boolean, default: 3 }
          ref: { type: uuid, references: { table: nowhere } }
        indexes:
          - { columns: [missing] }
`);
  const result = await cli(['validate'], { cwd: dir });
  expect(result.code).toBe(1);
  expect(result.stderr.trimEnd().split('\n')).toHaveLength(7);
});
