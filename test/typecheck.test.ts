import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { FIXTURES } from './support/fixtures.js';

const ROOT = join(FIXTURES, '..', '..');

// The committed generated/ and every golden must compile under strict (tsconfig.fixtures.json).
test('generated code and goldens type-check with tsc --noEmit under strict', () => {
  const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.fixtures.json')], { encoding: 'utf8' });
  expect(tsc.stdout + tsc.stderr).toBe('');
  expect(tsc.status).toBe(0);
}, 120_000);
