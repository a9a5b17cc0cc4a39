import { expect, test } from 'vitest';
import { planSteps, type Facts } from '../../src/db/plan/online.js';
import { parseDuration, policyFrom } from '../../src/cli/args.js';

const facts: Facts = {
  tables: new Map([
    ['orders', { rows: 5000, populated: true }],
    ['empty', { rows: 0, populated: false }],
  ]),
  indexTable: new Map([
    ['orders_total_idx', 'orders'],
    ['empty_idx', 'empty'],
  ]),
};
const noTypes = () => undefined;
const plan = (statements: string[], online = true) =>
  planSteps(statements, 'shop', facts, noTypes, online).map((s) => [s.phase, s.sql]);

test('a changed index on a table holding rows is built beside the old one, then swapped in', () => {
  expect(
    plan([
      'DROP INDEX "shop"."orders_total_idx";',
      'CREATE INDEX "orders_total_idx" ON "shop"."orders" USING btree ("total","rank");',
    ]),
  ).toEqual([
    [
      'online',
      'CREATE INDEX CONCURRENTLY "orders_total_idx_schemagen_swap" ON "shop"."orders" USING btree ("total","rank")',
    ],
    ['online', 'DROP INDEX CONCURRENTLY IF EXISTS "shop"."orders_total_idx"'],
    ['online', 'ALTER INDEX "shop"."orders_total_idx_schemagen_swap" RENAME TO "orders_total_idx"'],
  ]);
});

test('an index dropped from a table holding rows goes concurrently; on an empty table, in the transaction', () => {
  expect(plan(['DROP INDEX "shop"."orders_total_idx"', 'DROP INDEX "shop"."empty_idx"'])).toEqual([
    ['online', 'DROP INDEX CONCURRENTLY IF EXISTS "shop"."orders_total_idx"'],
    ['transaction', 'DROP INDEX "shop"."empty_idx"'],
  ]);
});

test('a NOT NULL helper check left by a killed push is replaced, not dropped by the re-plan', () => {
  expect(
    plan([
      'ALTER TABLE "shop"."orders" DROP CONSTRAINT "rank_schemagen_nn";',
      'ALTER TABLE "shop"."orders" ALTER COLUMN "rank" SET NOT NULL;',
    ]),
  ).toEqual([
    [
      'transaction',
      'ALTER TABLE "shop"."orders" DROP CONSTRAINT IF EXISTS "rank_schemagen_nn", ADD CONSTRAINT "rank_schemagen_nn" CHECK ("rank" IS NOT NULL) NOT VALID',
    ],
    ['online', 'ALTER TABLE "shop"."orders" VALIDATE CONSTRAINT "rank_schemagen_nn"'],
    ['online', 'ALTER TABLE "shop"."orders" ALTER COLUMN "rank" SET NOT NULL'],
    ['online', 'ALTER TABLE "shop"."orders" DROP CONSTRAINT "rank_schemagen_nn"'],
  ]);
});

test('without online forms (PGlite) every statement stays as planned, in the transaction', () => {
  const statements = [
    'CREATE INDEX "i" ON "shop"."orders" USING btree ("total")',
    'ALTER TABLE "shop"."orders" ADD CONSTRAINT "c" CHECK (total > 0)',
  ];
  expect(plan(statements, false)).toEqual(statements.map((s) => ['transaction', s]));
});

test('durations for --lock-timeout, --retry-for and --statement-timeout', () => {
  expect([
    parseDuration('2s'),
    parseDuration('500ms'),
    parseDuration('1m'),
    parseDuration('3'),
    parseDuration('0'),
    parseDuration('2 h'),
  ]).toEqual([2000, 500, 60000, 3000, undefined, undefined]);
  expect(policyFrom({ 'lock-timeout': '250ms' })).toEqual({
    lockTimeoutMs: 250,
    retryForMs: 60000,
    statementTimeoutMs: 60000,
  });
  expect(policyFrom({ 'retry-for': 'soon' })).toBe(
    '--retry-for "soon": expected a positive duration such as 2s, 500ms or 1m',
  );
});
