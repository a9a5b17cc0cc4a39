import { expect, test } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backwardImports } from '../scripts/check-shape.mjs';

test('every import in src/ points to its own folder or an earlier stage of the pipeline', () => {
  const { backwards, imports } = backwardImports();
  expect(imports).toBeGreaterThan(100);
  expect(backwards).toEqual([]);
});

test('inside src/db a stage may not import a later stage (connect ← catalog ← compare ← plan ← apply)', () => {
  const src = mkdtempSync(join(tmpdir(), 'shape-'));
  try {
    mkdirSync(join(src, 'db', 'connect'), { recursive: true });
    mkdirSync(join(src, 'db', 'plan'), { recursive: true });
    writeFileSync(join(src, 'db', 'plan', 'steps.ts'), "import { x } from '../connect/queryable.js';\n");
    writeFileSync(join(src, 'db', 'connect', 'queryable.ts'), "import { y } from '../plan/steps.js';\n");
    const { backwards } = backwardImports(src);
    expect(backwards).toEqual([`src/db/connect/queryable.ts imports ../plan/steps.js (db/connect → db/plan)`]);
  } finally {
    rmSync(src, { recursive: true, force: true });
  }
});
