import { expect, test } from 'vitest';
import { parseColumnType } from '../../src/model/column-types.js';
import { declaredPair, softDeleteCheck, tableSoftDelete } from '../../src/model/soft-delete.js';

const column = (name: string, type: string, nullable: boolean) => {
  const parsed = parseColumnType(type, new Set());
  if (typeof parsed === 'string') throw new Error(parsed);
  return { name, type: parsed, nullable };
};
const SEED = [
  column('id', 'uuid', false),
  column('is_deleted', 'boolean', false),
  column('deleted_at', 'timestamptz', true),
];

test('a declared pair must name a boolean NOT NULL flag and a nullable timestamp of the base', () => {
  const problems: string[] = [];
  const report = (message: string, at: readonly (string | number)[]) => problems.push(`${at.join('.')}: ${message}`);
  expect(declaredPair({ flag: 'is_deleted', at: 'deleted_at' }, SEED, ['base', 'softDelete'], report)).toEqual({
    flag: 'is_deleted',
    at: 'deleted_at',
  });
  expect(problems).toEqual([]);
  const bad = [column('gone', 'boolean', true), column('when', 'date', true)];
  expect(declaredPair({ flag: 'gone', at: 'when' }, bad, ['base', 'softDelete'], report)).toBeUndefined();
  expect(declaredPair({ flag: 'nope', at: 'deleted_at' }, SEED, ['b'], report)).toBeUndefined();
  expect(problems).toEqual([
    'base.softDelete.flag: softDelete flag gone is boolean, nullable; expected a boolean NOT NULL column (nullable: false)',
    'base.softDelete.at: softDelete at when is date, nullable; expected a nullable timestamp or timestamptz column (nullable: true)',
    'b.flag: unknown column "nope" in this base; expected one of its columns: id, is_deleted, deleted_at',
  ]);
});

test('without a declaration the conventional columns give the helpers but no check', () => {
  expect(tableSoftDelete(undefined, SEED)).toEqual({ flag: 'is_deleted', at: 'deleted_at', enforced: false });
  expect(tableSoftDelete({ flag: 'is_deleted', at: 'deleted_at' }, SEED)?.enforced).toBe(true);
  // A nullable flag is not the pair: a NULL flag would say neither deleted nor alive.
  expect(tableSoftDelete(undefined, [column('is_deleted', 'boolean', true), SEED[2]!])).toBeUndefined();
  expect(tableSoftDelete(undefined, SEED.slice(0, 2))).toBeUndefined();
});

test('the check is named after the table and quotes the columns', () => {
  expect(softDeleteCheck('orders', { flag: 'is_deleted', at: 'deleted_at', enforced: true })).toEqual({
    name: 'orders_soft_delete_check',
    sql: '"is_deleted" = ("deleted_at" IS NOT NULL)',
  });
});
