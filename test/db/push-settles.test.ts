import { describe, expect, test } from 'vitest';
import { BOTH, project, type Project } from '../support/project.js';
import { listedStatements } from '../support/cli.js';
import { manifestExample } from '../support/fixtures.js';

async function pushOk(p: Project, args: string[] = []) {
  const pushed = await p.run(['push', ...args]);
  expect(pushed.stderr).toBe('');
  expect(pushed.code).toBe(0);
  return pushed;
}

async function expectSettled(p: Project) {
  expect((await p.run(['verify'])).code).toBe(0);
  const again = await pushOk(p, ['--dry-run']);
  expect(again.stdout).not.toMatch(/would be (altered|created)/);
  expect(listedStatements(again.stdout)).toEqual([]);
}

const KEYED = (extra = '') => `version: 1
services:
  shop:
    tables:
      members:
        base: false
        columns:
          a: { type: integer }
          b: { type: integer }
${extra}        primaryKey: [a, b]
`;

const MANIFEST_EXAMPLE = manifestExample();

describe.each(BOTH)('on $name', (kind) => {
  test('a service with a composite-key table takes a new column (it failed with "there is no parameter $1")', async () => {
    const p = await project(kind, KEYED());
    await pushOk(p);
    await p.sql(`insert into shop.members (a, b) values (1, 2), (2, 1)`);
    await p.write(KEYED('          motto: { type: text, nullable: true }\n'));
    const pushed = await pushOk(p);
    expect(pushed.stdout).toMatch(/^shop → .*: altered, 1 statement$/m);
    expect(pushed.stdout).not.toMatch(/members_pkey/);
    await expectSettled(p);
    expect(await p.sql(`select count(*)::int as n from shop.members`)).toEqual([{ n: 2 }]);
  }, 120_000);

  test('a check and an index predicate changed by hand are rebuilt by the next push, which then settles', async () => {
    const manifest = `version: 1
services:
  shop:
    tables:
      orders:
        columns:
          total: { type: integer }
          note: { type: text, nullable: true }
        checks:
          total_positive: { sql: total >= 0 }
        indexes:
          - { columns: [total], where: { sql: note IS NOT NULL } }
`;
    const p = await project(kind, manifest);
    await pushOk(p);
    await p.sql(`alter table shop.orders drop constraint orders_total_positive_check, add constraint orders_total_positive_check check (total >= 5);
      drop index shop.orders_total_idx; create index orders_total_idx on shop.orders (total) where note is null`);
    expect((await p.run(['verify'])).stderr).toMatch(/orders_total_positive_check: check is CHECK \(total >= 5\)/);
    const planned = await pushOk(p, ['--dry-run']);
    expect(listedStatements(planned.stdout)).toEqual([
      '  ALTER TABLE "shop"."orders" DROP CONSTRAINT "orders_total_positive_check", ADD CONSTRAINT "orders_total_positive_check" CHECK (total >= 0);',
      '  DROP INDEX "shop"."orders_total_idx";',
      '  CREATE INDEX "orders_total_idx" ON "shop"."orders" USING btree ("total") WHERE note IS NOT NULL;',
    ]);
    expect((await pushOk(p)).stdout).toMatch(/^shop → .*: altered, 3 statements$/m);
    await expectSettled(p);
    const [check] = await p.sql<{ def: string }>(
      `select pg_get_constraintdef(oid) as def from pg_constraint where conname = 'orders_total_positive_check'`,
    );
    expect(check!.def).toBe('CHECK ((total >= 0))');
  }, 120_000);

  test('the manifest example of docs/manifest.md: a change to auth emits only its own statement, and pushes after it none', async () => {
    const p = await project(kind, MANIFEST_EXAMPLE);
    await pushOk(p);
    await expectSettled(p);
    await p.write(
      MANIFEST_EXAMPLE.replace(
        '          email: { type: varchar(320) }\n',
        '          email: { type: varchar(320) }\n          nick: { type: text, nullable: true }\n',
      ),
    );
    const planned = await pushOk(p, ['auth', '--dry-run']);
    expect(listedStatements(planned.stdout)).toEqual(['  ALTER TABLE "auth"."accounts" ADD COLUMN "nick" text;']);
    expect((await pushOk(p, ['auth'])).stdout).toMatch(/^auth → .*: altered, 1 statement$/m);
    await expectSettled(p);
  }, 120_000);

  test('integer → bigint and integer → numeric(12,2) with defaults apply without --accept-data-loss and settle', async () => {
    const manifest = (count: string, price: string) => `version: 1
services:
  shop:
    tables:
      orders:
        columns:
          qty: { type: ${count}, default: 0 }
          price: { type: "${price}", default: 7 }
`;
    const p = await project(kind, manifest('integer', 'integer'));
    await pushOk(p);
    await p.sql(`insert into shop.orders (qty, price) values (2147483647, -2147483648)`);
    await p.write(manifest('bigint', 'numeric(12,2)'));
    expect((await pushOk(p)).stdout).toMatch(/^shop → .*: altered/m);
    await expectSettled(p);
    expect(await p.sql(`select qty::text, price::text from shop.orders`)).toEqual([
      { qty: '2147483647', price: '-2147483648.00' },
    ]);
  }, 120_000);
});
