import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { cli } from './support/cli.js';
import {
  DRIZZLE_MAJORS,
  FIXTURES,
  UPDATING,
  expectSameTree,
  fixtureCases,
  projectOn,
  readTree,
  replaceTree,
} from './support/fixtures.js';

const ROOT = join(FIXTURES, '..', '..');

// Each case is what `schemagen generate --manifest test/fixtures/<case>/schema.yaml --out test/fixtures/<case>/expected`
// writes with drizzle-orm 0.x installed, and `expected-drizzle1/` with 1.x; run on a copy so the paths inside
// drizzle.config.ts are `./expected/...`.
const cases = fixtureCases('golden').flatMap((fixture) =>
  DRIZZLE_MAJORS.map((on) => [fixture, `${on.major}.x`, on] as const),
);
describe.each(cases)('golden %s, drizzle-orm %s', (fixture, _major, on) => {
  test('generate writes exactly the golden folder, byte for byte, and says which drizzle-orm it targets', async () => {
    const dir = projectOn(fixture, on);
    const first = await cli(['generate', '--out', on.expected], { cwd: dir });
    expect(first.stderr).toBe('');
    expect(first.stdout).toMatch(
      new RegExp(`for drizzle-orm ${on.major}\\.x \\(drizzle-orm ${on.major}\\.\\S+ installed\\)$`, 'm'),
    );
    expect(first.code).toBe(0);
    const actual = readTree(join(dir, on.expected));
    const goldenDir = join(FIXTURES, fixture, on.expected);
    if (UPDATING) replaceTree(goldenDir, actual);
    expectSameTree(actual, readTree(goldenDir));
  });

  test('a second run is byte-identical and reports up to date', async () => {
    const dir = projectOn(fixture, on);
    await cli(['generate', '--out', on.expected], { cwd: dir });
    const before = readTree(join(dir, on.expected));
    const second = await cli(['generate', '--out', on.expected], { cwd: dir });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('up to date');
    expect(readTree(join(dir, on.expected))).toEqual(before);
    expect((await cli(['check', '--out', on.expected], { cwd: dir })).code).toBe(0);
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
