import postgres from 'postgres';
import { expect, test } from 'vitest';
import { POSTGRES, project, type Project } from '../support/project.js';

// A push that stops after something committed must say what, never "nothing was changed": the
// enum values committed ahead of a push that then gives up, the transaction before an online step.

/** Holds `lock` on `table` in an open transaction until the returned function is called. */
async function holding(p: Project, table: string, lock: string): Promise<() => Promise<void>> {
  const sql = postgres(p.env['DATABASE_URL']!, { max: 1, onnotice: () => {} });
  let release!: () => void;
  let held!: () => void;
  const locked = new Promise<void>((resolve) => (held = resolve));
  const open = sql.begin(async (tx) => {
    await tx.unsafe(`lock table ${table} in ${lock} mode`);
    held();
    await new Promise<void>((resolve) => (release = resolve));
  });
  await locked;
  return async () => {
    release();
    await open;
    await sql.end();
  };
}

const enumManifest = (values: string, used: string, extra = '') => `version: 1
services:
  shop:
    enums:
      state: [${values}]
    tables:
      a_orders:
        columns:
          state: { type: state, default: ${used} }
      b_items:
        columns:
          total: { type: integer }
${extra}`;

test('enum values committed ahead of a push that then gives up on a lock: it names them, not "nothing was changed"', async () => {
  const p = await project(POSTGRES, enumManifest('draft, paid', 'draft'));
  expect((await p.run(['push'])).code).toBe(0);
  // The new value is used in a_orders (so it commits first); b_items, changed after it, is locked.
  await p.write(enumManifest('draft, paid, open', 'open', '          note: { type: text, nullable: true }\n'));
  const release = await holding(p, 'shop.b_items', 'access share');
  const pushed = await p.run(['push', '--lock-timeout', '200ms', '--retry-for', '2s']);
  await release();
  expect(pushed.code).toBe(1);
  expect(await p.sql(`select enum_range(null::shop.state)::text as values`)).toEqual([{ values: '{draft,paid,open}' }]);
  expect(pushed.stderr).not.toContain('nothing was changed');
  expect(pushed.stderr).toMatch(
    /gave up after 2 s of lock timeouts waiting for pid \d+ .*; only the enum values added first were committed \(ALTER TYPE "shop"."state" ADD VALUE IF NOT EXISTS 'open'\)/,
  );
}, 60_000);

const onlineManifest = (customers = '', orders = '') => `version: 1
services:
  shop:
    tables:
      customers:
        columns:
          name: { type: text }
${customers}      orders:
        columns:
          total: { type: integer }
${orders}`;

test('an online step that fails after the commit: exit 1, saying how many statements the transaction committed', async () => {
  const p = await project(POSTGRES, onlineManifest());
  expect((await p.run(['push'])).code).toBe(0);
  await p.sql(`insert into shop.orders (total) select g from generate_series(1, 100) g; analyze shop.orders`);
  // customers changes in the transaction; the index on orders is built concurrently after the commit.
  await p.write(
    onlineManifest(
      '          note: { type: text, nullable: true }\n',
      '        indexes:\n          - { columns: [total] }\n',
    ),
  );
  const release = await holding(p, 'shop.orders', 'share');
  const pushed = await p.run(['push', '--lock-timeout', '200ms', '--retry-for', '1s']);
  await release();
  expect(pushed.code).toBe(1);
  expect(pushed.stderr).toMatch(/^shop → .*: failed, 2 statements$/m);
  expect(pushed.stderr).toContain(
    '  committed: 1 statement of the transaction; then:\n  gave up building index orders_total_idx after 1 s waiting for pid ',
  );
  expect(pushed.stderr).not.toContain('nothing was changed');
  expect(
    await p.sql(
      `select count(*)::int as n from information_schema.columns where table_name = 'customers' and column_name = 'note'`,
    ),
  ).toEqual([{ n: 1 }]);
}, 60_000);
