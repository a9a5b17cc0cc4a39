import { describe, expect, test } from 'vitest';
import { listedStatements } from '../support/cli.js';
import { BOTH, project } from '../support/project.js';
import { expectOk, expectSettled } from '../support/settled.js';

// PostgreSQL stores an expression as a tree and prints it back in its own words: IN becomes
// = ANY (ARRAY[...]), BETWEEN two comparisons, literals carry casts. Push and verify compare the
// manifest's text with that print; where the texts differ, the server spells the manifest's
// expression itself (src/db/compare/deparse.ts), so these settle instead of failing forever.

const CHECKS = `        checks:
          status_in: { sql: "status IN ('a','b')" }
          total_between: { sql: total BETWEEN 0 AND 100 }
          email_lower: { sql: email = lower(email) }
          code_coalesce: { sql: "coalesce(code, '') <> 'x'" }
          code_not_like: { sql: "code NOT LIKE 'tmp%'" }
          total_case: { sql: "CASE WHEN status = 'a' THEN total > 0 ELSE true END" }
          status_any: { sql: "status = ANY (ARRAY['a', 'b', 'c'])" }
          total_cast: { sql: "total::numeric < 1000.5" }
          state_in: { sql: "state IN ('draft', 'paid')" }
`;
const INDEXES = `        indexes:
          - { columns: [total], where: { sql: "status IN ('a','b')" } }
          - { columns: [{ sql: lower(email) }, total], name: orders_email_total_idx }
`;

/** The orders table: its columns, then `extra` (checks, indexes). */
const orders = (extra = '', status = "status IN ('a','b')") => `version: 1
services:
  shop:
    enums:
      state: [draft, paid, void]
    tables:
      orders:
        columns:
          status: { type: text }
          total: { type: integer }
          email: { type: varchar(320) }
          code: { type: text, nullable: true }
          state: { type: state, default: draft }
          label: { type: text, default: { sql: "upper(lower(CAST('ABC' AS varchar)))" } }
          day: { type: date, default: { sql: CAST(now() AS date) } }
          flags: { type: "boolean[]", default: [true, false] }
          wait: { type: interval, default: 2 hours }
${extra.replaceAll("status IN ('a','b')", status)}`;

describe.each(BOTH)('on $name', (kind) => {
  test('checks, defaults and a predicate in ordinary SQL settle: push, verify exits 0, the next push is unchanged with no statement', async () => {
    const p = await project(kind, orders(CHECKS + INDEXES));
    expectOk(await p.run(['push']), 'push');
    expectOk(await p.run(['verify']), 'verify');
    await expectSettled(p, ['shop'], 'push after push');
  }, 120_000);

  test('checks and a predicate added to a table holding rows settle (on PostgreSQL validated after the commit)', async () => {
    const p = await project(kind, orders());
    expectOk(await p.run(['push']), 'first push');
    await p.sql(`insert into shop.orders (status, total, email) values ('a', 1, 'x'), ('b', 2, 'y')`);
    await p.write(orders(CHECKS + INDEXES));
    expectOk(await p.run(['push']), 'push adding the checks');
    expectOk(await p.run(['verify']), 'verify');
    await expectSettled(p, ['shop'], 'push after push');
  }, 120_000);

  test('a check and a predicate edited in the manifest are still found different, replaced once, then settle', async () => {
    const p = await project(kind, orders(CHECKS + INDEXES));
    expectOk(await p.run(['push']), 'push');
    await p.write(orders(CHECKS + INDEXES, "status IN ('a','b','c')"));
    const verify = await p.run(['verify']);
    expect(verify.code).toBe(1);
    expect(verify.stderr).toContain(
      "shop.orders.orders_status_in_check: check is CHECK (status = ANY (ARRAY['a'::text, 'b'::text])); " +
        "expected CHECK (status IN ('a','b','c'))",
    );
    expect(verify.stderr).toContain(
      "shop.orders.orders_total_idx: index predicate is (status = ANY (ARRAY['a'::text, 'b'::text])); " +
        "expected status IN ('a','b','c')",
    );
    expect(verify.stderr).toContain('2 differences');
    const pushed = await p.run(['push']);
    expectOk(pushed, 'push of the edit');
    expect(pushed.stdout).toMatch(/^shop → .*: altered, 3 statements$/m);
    expectOk(await p.run(['verify']), 'verify after');
    await expectSettled(p, ['shop'], 'push after push');
    const [check] = await p.sql<{ def: string }>(
      `select pg_get_constraintdef(oid) as def from pg_constraint where conname = 'orders_status_in_check'`,
    );
    expect(check!.def).toBe("CHECK ((status = ANY (ARRAY['a'::text, 'b'::text, 'c'::text])))");
  }, 120_000);

  test('an index over an expression edited in the manifest is found different, rebuilt once, then settles', async () => {
    const p = await project(kind, orders(INDEXES));
    expectOk(await p.run(['push']), 'push');
    await p.write(orders(INDEXES.replace('lower(email)', 'upper(email)')));
    const verify = await p.run(['verify']);
    expect(verify.code).toBe(1);
    expect(verify.stderr).toContain(
      'shop.orders.orders_email_total_idx: index covers (lower(email::text), total); expected (upper(email), total)',
    );
    expectOk(await p.run(['push']), 'push of the edit');
    expectOk(await p.run(['verify']), 'verify after');
    await expectSettled(p, ['shop'], 'push after push');
    const [index] = await p.sql<{ def: string }>(
      `select pg_get_indexdef(oid) as def from pg_class where relname = 'orders_email_total_idx'`,
    );
    expect(index!.def).toContain('(upper((email)::text), total)');
  }, 120_000);

  test('a check the manifest names otherwise but the server stores alike is renamed, not dropped and added', async () => {
    const p = await project(kind, orders());
    expectOk(await p.run(['push']), 'push');
    await p.sql(`alter table shop.orders add constraint legacy_status check (status = any (array['a', 'b']))`);
    await p.write(orders(`        checks:\n          status_in: { sql: "status IN ('a','b')" }\n`));
    const planned = await p.run(['push', '--dry-run']);
    expectOk(planned, 'dry run');
    expect(listedStatements(planned.stdout)).toEqual([
      '  ALTER TABLE "shop"."orders" RENAME CONSTRAINT "legacy_status" TO "orders_status_in_check";',
    ]);
    expectOk(await p.run(['push']), 'push');
    expectOk(await p.run(['verify']), 'verify');
    await expectSettled(p, ['shop'], 'push after push');
  }, 120_000);

  test('a varchar column turned text keeps its default cast to varchar: verify reports it until push sets it again', async () => {
    const manifest = (type: string) => `version: 1
services:
  shop:
    tables:
      orders:
        columns:
          status: { type: ${type}, default: draft }
`;
    const p = await project(kind, manifest('varchar(20)'));
    expectOk(await p.run(['push']), 'push');
    // One push changes the type and sets the default again, now cast to text.
    await p.write(manifest('text'));
    expectOk(await p.run(['push']), 'push of the type change');
    expectOk(await p.run(['verify']), 'verify');
    await expectSettled(p, ['shop'], 'push after push');
    const statusDefault = `select pg_get_expr(adbin, 0) as d from pg_attrdef where adrelid = 'shop.orders'::regclass
      and adnum = (select attnum from pg_attribute where attrelid = 'shop.orders'::regclass and attname = 'status')`;
    expect(await p.sql(statusDefault)).toEqual([{ d: "'draft'::text" }]);
    // What a push that changed only the type left behind: the same text, cast to the old type.
    await p.sql(`alter table shop.orders alter column status set default 'draft'::varchar`);
    const verify = await p.run(['verify']);
    expect(verify.code).toBe(1);
    expect(verify.stderr).toContain(
      "shop.orders.status: default is 'draft'::character varying, cast to another type than the column's; " +
        "expected 'draft'::text",
    );
    const planned = await p.run(['push', '--dry-run']);
    expect(listedStatements(planned.stdout)).toEqual([
      `  ALTER TABLE "shop"."orders" ALTER COLUMN "status" SET DEFAULT 'draft';`,
    ]);
    expectOk(await p.run(['push']), 'push setting the default');
    expectOk(await p.run(['verify']), 'verify after');
    await expectSettled(p, ['shop'], 'push after push');
    expect(await p.sql(statusDefault)).toEqual([{ d: "'draft'::text" }]);
  }, 120_000);
});
