import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { arbitraryManifest } from './support/arbitrary-manifest.js';
import { cli } from './support/cli.js';
import { FIXTURES, readTree } from './support/fixtures.js';

const ROOT = join(FIXTURES, '..', '..');
const RUNS = 40;

// Generation properties over random valid manifests; fast-check prints the seed and path to replay a failure.
test(`random valid manifests validate, generate deterministically and idempotently, and type-check (${RUNS} runs)`, async () => {
  // Inside the repository (git-ignored) so the compiler finds drizzle-orm in node_modules.
  mkdirSync(join(ROOT, 'test', '.work'), { recursive: true });
  const all = mkdtempSync(join(ROOT, 'test', '.work', 'props-'));
  let n = 0;
  await fc.assert(
    fc.asyncProperty(arbitraryManifest, async (manifest) => {
      const dirs = [0, 1].map(() => mkdtempSync(join(tmpdir(), 'schemagen-prop-')));
      for (const dir of dirs) {
        writeFileSync(join(dir, 'schema.yaml'), manifest);
        const generated = await cli(['generate'], { cwd: dir });
        expect(generated.stderr).toBe('');
        expect(generated.code).toBe(0);
      }
      const [a, b] = dirs.map((d) => readTree(join(d, 'generated')));
      expect(a).toEqual(b);
      const again = await cli(['generate'], { cwd: dirs[0] });
      expect(again.stdout).toContain('up to date');
      expect((await cli(['check'], { cwd: dirs[0] })).code).toBe(0);
      for (const [path, contents] of a!) {
        mkdirSync(dirname(join(all, `case${n}`, path)), { recursive: true });
        writeFileSync(join(all, `case${n}`, path), contents);
      }
      n++;
    }),
    { numRuns: RUNS, verbose: 1 },
  );
  // One compiler run over every sample's output keeps this affordable.
  writeFileSync(
    join(all, 'tsconfig.json'),
    JSON.stringify({
      extends: join(ROOT, 'tsconfig.base.json'),
      compilerOptions: { noEmit: true },
      include: ['**/*.ts'],
    }),
  );
  const tsc = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(all, 'tsconfig.json')],
    { encoding: 'utf8' },
  );
  rmSync(all, { recursive: true, force: true });
  expect(tsc.stdout + tsc.stderr).toBe('');
}, 300_000);
