import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { cli } from './support/cli.js';
import { FIXTURES, UPDATING, fixtureCases, projectFor, readTree, replaceTree } from './support/fixtures.js';

// Each case is what `schemagen generate --manifest test/fixtures/<case>/schema.yaml --out test/fixtures/<case>/expected`
// writes, run on a copy so the paths inside drizzle.config.ts are `./expected/...`.
describe.each(fixtureCases('expected'))('golden %s', (fixture) => {
  test('generate writes exactly expected/, byte for byte', async () => {
    const dir = projectFor(fixture);
    const first = await cli(['generate', '--out', 'expected'], { cwd: dir });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const actual = readTree(join(dir, 'expected'));
    const goldenDir = join(FIXTURES, fixture, 'expected');
    if (UPDATING) replaceTree(goldenDir, actual);
    const golden = readTree(goldenDir);
    expect([...actual.keys()]).toEqual([...golden.keys()]);
    for (const [path, contents] of golden) expect(actual.get(path), path).toBe(contents);
  });

  test('a second run is byte-identical and reports up to date', async () => {
    const dir = projectFor(fixture);
    await cli(['generate', '--out', 'expected'], { cwd: dir });
    const before = readTree(join(dir, 'expected'));
    const second = await cli(['generate', '--out', 'expected'], { cwd: dir });
    expect(second.stdout).toContain('up to date');
    expect(readTree(join(dir, 'expected'))).toEqual(before);
    expect((await cli(['check', '--out', 'expected'], { cwd: dir })).code).toBe(0);
  });
});

test('the repository generated/ matches schema.yaml (schemagen check)', async () => {
  const result = await cli(['check'], { cwd: join(FIXTURES, '..', '..') });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
});
