import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { loadModel } from '../../src/model/load-model.js';
import { manifestKey, readCache, writeCache } from '../../src/model/model-cache.js';
import { FIXTURES } from '../support/fixtures.js';

test.each(['column-types', 'base-default', 'foreign-keys'])(
  'the cached model of %s reads back equal, bigint defaults included',
  (name) => {
    const path = join(FIXTURES, name, 'schema.yaml');
    const model = loadModel(path, 'schema.yaml');
    const root = mkdtempSync(join(tmpdir(), 'schemagen-cache-'));
    writeCache(root, { key: 'k', model });
    expect(readCache(root, 'k')?.model).toEqual(model);
    expect(readCache(root, 'other')).toBeUndefined();
  },
);

test('a bigint beyond 2^53 survives the cache exactly', () => {
  const model = loadModel(join(FIXTURES, 'column-types', 'schema.yaml'), 'schema.yaml');
  expect(JSON.stringify(model, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))).toContain(
    '9007199254740993n',
  );
  const root = mkdtempSync(join(tmpdir(), 'schemagen-cache-'));
  writeCache(root, { key: manifestKey('x'), model });
  expect(
    JSON.stringify(readCache(root, manifestKey('x'))!.model, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)),
  ).toContain('9007199254740993n');
});
