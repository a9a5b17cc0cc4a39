import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import type { CatalogColumn, CatalogConstraint, CatalogIndex, CatalogTable } from '../../src/db/catalog/types.js';
import type { Change, Drift } from '../../src/db/compare/types.js';
import { planService } from '../../src/db/plan/changes.js';
import type { DependentView, Facts } from '../../src/db/plan/facts.js';
import { loadModel } from '../../src/model/load-model.js';
import type { Service } from '../../src/model/types.js';

/** The planner alone: changes in, steps out, no database (the db tests run the plans for real). */
const MANIFEST = `version: 1
services:
  shop:
    enums:
      status: [draft, open, closed]
    tables:
      orders:
        base: false
        columns:
          id: { type: integer, primaryKey: true }
          total: { type: integer, nullable: true }
          rank: { type: integer }
          code: { type: text, nullable: true }
          status: { type: status, default: open }
          seq: { type: serial }
          ident: { type: bigint, identity: by default }
        indexes:
          - { columns: [total, rank], name: orders_total_idx }
        checks:
          positive: { sql: total > 0 }
`;

function service(manifest = MANIFEST): Service {
  const dir = mkdtempSync(join(tmpdir(), 'schemagen-plan-'));
  writeFileSync(join(dir, 'schema.yaml'), manifest);
  return loadModel(join(dir, 'schema.yaml'), 'schema.yaml').services[0]!;
}
const shop = service();
const orders = shop.tables[0]!;
const column = (name: string) => orders.columns.find((c) => c.name === name)!;

const liveColumn = (name: string, type: string, extra: Partial<CatalogColumn> = {}): CatalogColumn => ({
  name,
  type,
  dims: 0,
  notNull: false,
  default: null,
  identity: '',
  comment: null,
  typeName: type,
  typeSchema: 'pg_catalog',
  typeKind: 'b',
  generated: false,
  ownedSequence: null,
  ...extra,
});
const liveOrders = (extra: Partial<CatalogTable> = {}): CatalogTable => ({
  schema: 'shop',
  name: 'orders',
  partitioned: false,
  partition: false,
  comment: null,
  columns: [liveColumn('id', 'integer', { notNull: true }), liveColumn('total', 'integer')],
  constraints: [],
  indexes: [],
  triggers: [],
  rls: false,
  forceRls: false,
  policies: [],
  grants: [],
  ...extra,
});
const liveIndex = (name: string): CatalogIndex => ({
  name,
  unique: false,
  method: 'btree',
  columns: ['total'],
  keys: [{ column: 'total' }],
  predicate: null,
  valid: true,
  special: false,
  definition: null,
});
const liveCheck = (name: string): CatalogConstraint => ({
  name,
  type: 'c',
  columns: ['total'],
  definition: 'CHECK (total > 1)',
  deferrable: false,
  refSchema: null,
  refTable: null,
  refColumns: null,
  onDelete: null,
  onUpdate: null,
  validated: true,
});

function plan(
  changes: Change[],
  options: {
    online?: boolean;
    rows?: number;
    table?: CatalogTable;
    views?: DependentView[];
    casts?: [string, 'assignment' | 'explicit'][];
  } = {},
) {
  const table = options.table ?? liveOrders();
  const rows = options.rows ?? 5000;
  const facts: Facts = {
    tables: new Map([['orders', { rows, populated: rows > 0 }]]),
    indexTable: new Map(table.indexes.map((i) => [i.name, 'orders'])),
    dependents: options.views ?? [],
    casts: new Map(options.casts ?? []),
    enumColumns: [],
  };
  const drift: Drift[] = changes.map((change) => ({ service: 'shop', where: 'shop.orders', message: '', change }));
  return planService({
    service: shop,
    catalog: {
      exists: true,
      tables: [table],
      enums: [],
      domains: [],
      composites: [],
      views: [],
      functions: [],
      sequences: [],
      extensions: [],
      roles: [],
      elsewhere: [],
    },
    drift,
    facts,
    online: options.online ?? true,
  });
}
const sqlOf = (p: ReturnType<typeof plan>) => p.steps.map((s) => [s.phase, s.sql]);
const index = orders.indexes[0]!;

test('a changed index on a table holding rows is built beside the old one, then swapped in', () => {
  const live = liveIndex('orders_total_idx');
  expect(
    sqlOf(plan([{ kind: 'create index', table: orders, index, live }], { table: liveOrders({ indexes: [live] }) })),
  ).toEqual([
    [
      'online',
      'CREATE INDEX CONCURRENTLY "orders_total_idx_schemagen_swap" ON "shop"."orders" USING btree ("total", "rank")',
    ],
    ['online', 'DROP INDEX CONCURRENTLY IF EXISTS "shop"."orders_total_idx"'],
    ['online', 'ALTER INDEX "shop"."orders_total_idx_schemagen_swap" RENAME TO "orders_total_idx"'],
  ]);
});

test('an index the manifest does not declare is dropped concurrently from a busy table, in the transaction otherwise, and marked', () => {
  const live = liveIndex('orders_by_hand');
  const change: Change = { kind: 'drop index', table: orders, live };
  const busy = plan([change], { table: liveOrders({ indexes: [live] }) });
  const empty = plan([change], { table: liveOrders({ indexes: [live] }), rows: 0 });
  expect([...sqlOf(busy), ...sqlOf(empty)]).toEqual([
    ['online', 'DROP INDEX CONCURRENTLY IF EXISTS "shop"."orders_by_hand"'],
    ['transaction', 'DROP INDEX "shop"."orders_by_hand"'],
  ]);
  expect(busy.steps[0]!.removesRule).toBe('removes index orders_by_hand from shop.orders (not in the manifest)');
});

test('a check the manifest does not declare is removed with a mark; a changed one is replaced in one statement', () => {
  const removed = plan([{ kind: 'drop constraint', table: orders, live: liveCheck('by_hand') }]);
  expect(removed.steps.map((s) => [s.sql, s.removesRule])).toEqual([
    [
      'ALTER TABLE "shop"."orders" DROP CONSTRAINT "by_hand"',
      'removes check by_hand from shop.orders (not in the manifest)',
    ],
  ]);
  const constraint = { type: 'c' as const, name: 'orders_positive_check', sql: 'total > 0' };
  const replaced = plan([{ kind: 'add constraint', table: orders, constraint, live: liveCheck(constraint.name) }]);
  expect(sqlOf(replaced)).toEqual([
    [
      'transaction',
      'ALTER TABLE "shop"."orders" DROP CONSTRAINT "orders_positive_check", ADD CONSTRAINT "orders_positive_check" CHECK (total > 0) NOT VALID',
    ],
    ['online', 'ALTER TABLE "shop"."orders" VALIDATE CONSTRAINT "orders_positive_check"'],
  ]);
});

test('a NOT NULL helper check left by a killed push is replaced, not dropped, by the SET NOT NULL that uses it', () => {
  const live = liveOrders({ columns: [...liveOrders().columns, liveColumn('rank', 'integer')] });
  const helper = { ...liveCheck('rank_schemagen_nn'), definition: 'CHECK (rank IS NOT NULL) NOT VALID' };
  const p = plan(
    [
      { kind: 'drop constraint', table: orders, live: helper },
      { kind: 'column', aspect: 'nullability', table: orders, column: column('rank'), live: live.columns[2]! },
    ],
    { table: live },
  );
  expect(sqlOf(p)).toEqual([
    [
      'transaction',
      'ALTER TABLE "shop"."orders" DROP CONSTRAINT IF EXISTS "rank_schemagen_nn", ADD CONSTRAINT "rank_schemagen_nn" CHECK ("rank" IS NOT NULL) NOT VALID',
    ],
    ['online', 'ALTER TABLE "shop"."orders" VALIDATE CONSTRAINT "rank_schemagen_nn"'],
    ['online', 'ALTER TABLE "shop"."orders" ALTER COLUMN "rank" SET NOT NULL'],
    ['online', 'ALTER TABLE "shop"."orders" DROP CONSTRAINT "rank_schemagen_nn"'],
  ]);
});

test('without online forms (PGlite) every step runs in the transaction', () => {
  const constraint = { type: 'c' as const, name: 'c', sql: 'total > 0' };
  const p = plan(
    [
      { kind: 'create index', table: orders, index },
      { kind: 'add constraint', table: orders, constraint },
    ],
    { online: false },
  );
  expect(sqlOf(p)).toEqual([
    ['transaction', 'ALTER TABLE "shop"."orders" ADD CONSTRAINT "c" CHECK (total > 0)'],
    ['transaction', 'CREATE INDEX "orders_total_idx" ON "shop"."orders" USING btree ("total", "rank")'],
  ]);
});

test('data loss is marked on the step that loses it: dropped tables and columns, casts that may change values', () => {
  const p = plan(
    [
      { kind: 'drop table', live: liveOrders({ name: 'archive' }) },
      { kind: 'drop column', table: orders, live: liveColumn('legacy', 'text') },
      { kind: 'column', aspect: 'type', table: orders, column: column('code'), live: liveColumn('code', 'integer') },
      { kind: 'column', aspect: 'type', table: orders, column: column('rank'), live: liveColumn('rank', 'smallint') },
    ],
    { casts: [['integer→text', 'assignment']] },
  );
  expect(p.steps.map((s) => [s.sql, s.loss?.what])).toEqual([
    ['ALTER TABLE "shop"."orders" DROP COLUMN "legacy"', 'drops column shop.orders.legacy'],
    ['DROP TABLE "shop"."archive"', 'drops table shop.archive'],
    [
      'ALTER TABLE "shop"."orders" ALTER COLUMN "code" SET DATA TYPE text',
      'changes the type of shop.orders.code (values are cast)',
    ],
    // A widening keeps every value: no loss, no USING.
    ['ALTER TABLE "shop"."orders" ALTER COLUMN "rank" SET DATA TYPE integer', undefined],
  ]);
});

test('a type change without a cast goes through text, and counts the rows it cannot convert first', () => {
  const p = plan([
    {
      kind: 'column',
      aspect: 'type',
      table: orders,
      column: column('total'),
      live: liveColumn('total', 'timestamp without time zone'),
    },
  ]);
  const step = p.steps[0]!;
  expect(step.sql).toBe(
    'ALTER TABLE "shop"."orders" ALTER COLUMN "total" SET DATA TYPE integer USING "total"::text::integer',
  );
  expect(step.violations?.countSql).toMatch(
    /^select count\(\*\) as n from "shop"\."orders" a where a\."total" is not null and not pg_temp\.schemagen_explicit_\w+\(a\."total"::text\)$/,
  );
  expect(step.violations?.prelude).toMatch(/PERFORM v::integer;/);
});

test('an integer column becoming serial gets a sequence it owns, numbered past the rows already there', () => {
  const live = liveColumn('seq', 'integer', { notNull: true });
  const p = plan([{ kind: 'column', aspect: 'default', table: orders, column: column('seq'), live }]);
  expect(p.steps.map((s) => s.sql)).toEqual([
    'CREATE SEQUENCE "shop"."orders_seq_seq" AS integer OWNED BY "shop"."orders"."seq"',
    `ALTER TABLE "shop"."orders" ALTER COLUMN "seq" SET DEFAULT nextval('"shop"."orders_seq_seq"'::regclass)`,
    `SELECT setval(pg_get_serial_sequence('"shop"."orders"', 'seq'), m) FROM (SELECT max("seq") AS m FROM "shop"."orders") x WHERE m IS NOT NULL`,
  ]);
});

test('identity on a nullable column with a sequence default: default off, NOT NULL, identity on, numbered past the max', () => {
  const live = liveColumn('ident', 'bigint', { default: `nextval('orders_ident_seq'::regclass)` });
  const p = plan(
    [
      { kind: 'column', aspect: 'identity', table: orders, column: column('ident'), live },
      { kind: 'column', aspect: 'nullability', table: orders, column: column('ident'), live },
      { kind: 'column', aspect: 'default', table: orders, column: column('ident'), live },
    ],
    { online: false },
  );
  expect(p.steps.map((s) => s.sql)).toEqual([
    'ALTER TABLE "shop"."orders" ALTER COLUMN "ident" DROP DEFAULT',
    'ALTER TABLE "shop"."orders" ALTER COLUMN "ident" SET NOT NULL',
    'ALTER TABLE "shop"."orders" ALTER COLUMN "ident" ADD GENERATED BY DEFAULT AS IDENTITY',
    `SELECT setval(pg_get_serial_sequence('"shop"."orders"', 'ident'), m) FROM (SELECT max("ident") AS m FROM "shop"."orders") x WHERE m >= 1`,
  ]);
});

test('identity removed: NOT NULL goes too unless the manifest asks for it', () => {
  const live = liveColumn('total', 'integer', { identity: 'a', notNull: true });
  const p = plan([{ kind: 'column', aspect: 'identity', table: orders, column: column('total'), live }], {
    online: false,
  });
  expect(p.steps.map((s) => s.sql)).toEqual([
    'ALTER TABLE "shop"."orders" ALTER COLUMN "total" DROP IDENTITY IF EXISTS',
    'ALTER TABLE "shop"."orders" ALTER COLUMN "total" DROP NOT NULL',
  ]);
});

test('enum values added in place keep the order; a removed value replaces the type and recasts its columns', () => {
  const status = shop.enums[0]!;
  const added = plan([{ kind: 'enum values', enum: status, live: ['open', 'closed'] }]);
  expect(added.steps.map((s) => s.sql)).toEqual([`ALTER TYPE "shop"."status" ADD VALUE 'draft' BEFORE 'open'`]);
  const replaced = plan([{ kind: 'enum values', enum: status, live: ['draft', 'open', 'closed', 'gone'] }]);
  expect(replaced.steps.map((s) => s.sql)).toEqual([
    'ALTER TYPE "shop"."status" RENAME TO "status_schemagen_old"',
    `CREATE TYPE "shop"."status" AS ENUM ('draft', 'open', 'closed')`,
    'DROP TYPE "shop"."status_schemagen_old"',
  ]);
});

const view = (name: string, reads: string[], depth: number, schema = 'shop'): DependentView => ({
  schema,
  name,
  materialized: false,
  definition: ' SELECT orders.total FROM shop.orders;',
  options: [],
  comment: 'totals',
  grants: [{ privilege: 'SELECT', grantee: 'reporting' }],
  owner: null,
  indexes: [],
  attached: [],
  reads,
  depth,
});

test('views reading a recast column are dropped before and recreated after, inner view first; another schema refuses', () => {
  const change: Change = {
    kind: 'column',
    aspect: 'type',
    table: orders,
    column: column('rank'),
    live: liveColumn('rank', 'smallint'),
  };
  const views = [view('totals', ['shop.orders.rank'], 1), view('top', ['shop.totals.total'], 2)];
  const p = plan([change], { views, online: false });
  expect(p.steps.map((s) => s.sql)).toEqual([
    'DROP VIEW "shop"."top"',
    'DROP VIEW "shop"."totals"',
    'ALTER TABLE "shop"."orders" ALTER COLUMN "rank" SET DATA TYPE integer',
    'CREATE VIEW "shop"."totals" AS SELECT orders.total FROM shop.orders',
    `COMMENT ON VIEW "shop"."totals" IS 'totals'`,
    'GRANT SELECT ON "shop"."totals" TO "reporting"',
    'CREATE VIEW "shop"."top" AS SELECT orders.total FROM shop.orders',
    `COMMENT ON VIEW "shop"."top" IS 'totals'`,
    'GRANT SELECT ON "shop"."top" TO "reporting"',
  ]);
  const elsewhere = plan([change], { views: [view('report', ['shop.orders.rank'], 1, 'billing')] });
  expect(elsewhere.refusals).toEqual([
    'view billing.report of another schema reads a column this push changes: push its service after dropping the view there, or change the view by hand',
  ]);
  expect(plan([{ kind: 'drop table', live: liveOrders() }], { views }).refusals).toEqual([
    'view shop.totals reads shop.orders, which push would drop: push never drops a view with what it reads; change or drop the view first',
  ]);
});
