import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { FIXTURES } from './support/fixtures.js';

const ROOT = join(FIXTURES, '..', '..');

const tsc = (project: string) =>
  spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, project)], {
    encoding: 'utf8',
  });

// The committed generated/ and every golden must compile under strict (tsconfig.fixtures.json), against
// drizzle-orm 0.x (the repository's own).
test('generated code and goldens type-check with tsc --noEmit under strict', () => {
  const result = tsc('tsconfig.fixtures.json');
  expect(result.stdout + result.stderr).toBe('');
  expect(result.status).toBe(0);
}, 120_000);

// Every golden's expected-drizzle1/, against drizzle-orm and drizzle-kit 1.x: test/drizzle-1/tsconfig.goldens.json maps
// their imports to that fixture project's node_modules.
test('the goldens for drizzle-orm 1.x type-check against drizzle-orm 1.x under strict', () => {
  const result = tsc('test/drizzle-1/tsconfig.goldens.json');
  expect(result.stdout + result.stderr).toBe('');
  expect(result.status).toBe(0);
}, 120_000);

test('sources, tests and benchmark type-check under strict', () => {
  const result = tsc('tsconfig.json');
  expect(result.stdout + result.stderr).toBe('');
  expect(result.status).toBe(0);
}, 120_000);
