import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { FIXTURES } from './support/fixtures.js';

const ROOT = join(FIXTURES, '..', '..');

const tsc = (project: string) =>
  spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, project)], {
    encoding: 'utf8',
  });

// The committed generated/ and every golden must compile under strict (tsconfig.fixtures.json).
test('generated code and goldens type-check with tsc --noEmit under strict', () => {
  const result = tsc('tsconfig.fixtures.json');
  expect(result.stdout + result.stderr).toBe('');
  expect(result.status).toBe(0);
}, 120_000);

test('sources, tests and benchmark type-check under strict', () => {
  const result = tsc('tsconfig.json');
  expect(result.stdout + result.stderr).toBe('');
  expect(result.status).toBe(0);
}, 120_000);
