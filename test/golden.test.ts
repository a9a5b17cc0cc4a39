import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { cli } from './support/cli.js';
import {
  FIXTURES,
  UPDATING,
  expectSameTree,
  fixtureCases,
  projectFor,
  readTree,
  replaceTree,
} from './support/fixtures.js';

const ROOT = join(FIXTURES, '..', '..');

// Each case is what `schemagen generate --manifest test/fixtures/<case>/schema.yaml --out test/fixtures/<case>/expected`
// writes, run on a copy so the paths inside drizzle.config.ts are `./expected/...`.
describe.each(fixtureCases('golden'))('golden %s', (fixture) => {
  test('generate writes exactly expected/, byte for byte', async () => {
    const dir = projectFor(fixture);
    const first = await cli(['generate', '--out', 'expected'], { cwd: dir });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const actual = readTree(join(dir, 'expected'));
    const goldenDir = join(FIXTURES, fixture, 'expected');
    if (UPDATING) replaceTree(goldenDir, actual);
    expectSameTree(actual, readTree(goldenDir));
  });

  test('a second run is byte-identical and reports up to date', async () => {
    const dir = projectFor(fixture);
    await cli(['generate', '--out', 'expected'], { cwd: dir });
    const before = readTree(join(dir, 'expected'));
    const second = await cli(['generate', '--out', 'expected'], { cwd: dir });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('up to date');
    expect(readTree(join(dir, 'expected'))).toEqual(before);
    expect((await cli(['check', '--out', 'expected'], { cwd: dir })).code).toBe(0);
  });
});

describe('the repository generated/ (npm run codegen rewrites it)', () => {
  test('schemagen check exits 0', async () => {
    const result = await cli(['check'], { cwd: ROOT });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  test('is byte for byte what generate writes from schema.yaml', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'schemagen-repo-'));
    cpSync(join(ROOT, 'schema.yaml'), join(dir, 'schema.yaml'));
    expect((await cli(['generate'], { cwd: dir })).code).toBe(0);
    expectSameTree(readTree(join(dir, 'generated')), readTree(join(ROOT, 'generated')));
  });
});
