import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { expect, test } from 'vitest';
import { loadModel } from '../../src/model/load-model.js';
import { manifestKey, readCache, writeCache } from '../../src/model/model-cache.js';
import { shareRepeats } from '../../src/model/share-repeats.js';
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

test('the cache stores equal parts of the model once and reads them back equal', () => {
  const model = loadModel(join(FIXTURES, 'foreign-keys', 'schema.yaml'), 'schema.yaml');
  const shared = shareRepeats(model);
  expect(shared).toEqual(model);
  // Tables share the base's id column: equal columns in the model are one object in the shared copy.
  const firstColumns = shared.services.flatMap((s) => s.tables).map((t) => t.columns[0]);
  for (const c of firstColumns) expect(firstColumns.find((x) => isDeepStrictEqual(x, c))).toBe(c);
  expect(new Set(firstColumns).size).toBeLessThan(firstColumns.length);
  expect(firstColumns[0]).not.toBe(model.services[0]!.tables[0]!.columns[0]);
});
