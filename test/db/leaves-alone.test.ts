import { describe, expect, test } from 'vitest';
import { listedStatements } from '../support/cli.js';
import { BOTH, project } from '../support/project.js';
import { expectOk, expectSettled } from '../support/settled.js';

/**
 * Push never destroys what the manifest cannot declare: objects made by hand in a service's schema
 * (views, a materialized view, a function, a sequence, a trigger) stay, and verify lists them as
 * unmanaged without failing. A check and a foreign key made by hand are of kinds the manifest
 * declares: push removes them, printing each statement, and says it removes a rule.
 */
const MANIFEST = `version: 1
services:
  shop:
    tables:
      customers:
        base: false
        columns:
          code: { type: integer, primaryKey: true }
      orders:
        columns:
          total: { type: integer }
          customer_code: { type: integer, nullable: true }
`;

const BY_HAND = `
  create view shop.big_orders as select id, total from shop.orders where total > 100;
  create materialized view shop.order_count as select count(*) as n from shop.orders;
  create function shop.double_it(x integer) returns integer language sql as 'select x * 2';
  create sequence shop.invoice_no;
  create function shop.stamp() returns trigger language plpgsql as 'begin return new; end';
  create trigger orders_audit before update on shop.orders for each row execute function shop.stamp();
  alter table shop.orders add constraint orders_by_hand check (total >= 0);
  alter table shop.orders add constraint orders_customer_by_hand foreign key (customer_code) references shop.customers (code);
`;

const KEPT = `select
  (select count(*)::int from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'shop' and c.relname in ('big_orders', 'order_count', 'invoice_no')) as relations,
  (select count(*)::int from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'shop' and p.proname in ('double_it', 'stamp')) as functions,
  (select count(*)::int from pg_trigger where tgname = 'orders_audit') as triggers,
  (select count(*)::int from pg_constraint where conname like '%by_hand') as constraints`;

describe.each(BOTH)('on $name', (kind) => {
  test('objects the manifest cannot declare are left alone and listed; undeclared rules are removed, visibly', async () => {
    const p = await project(kind, MANIFEST);
    expectOk(await p.run(['push']), 'first push');
    await p.sql(
      `insert into shop.customers (code) values (1); insert into shop.orders (total, customer_code) values (150, 1)`,
    );
    await p.sql(BY_HAND);
    expect(await p.sql(KEPT)).toEqual([{ relations: 3, functions: 2, triggers: 1, constraints: 2 }]);

    const before = await p.run(['verify']);
    expect(before.code).toBe(1);
    expect(before.stderr).toContain('shop.orders.orders_by_hand: constraint is not in the manifest');
    for (const object of [
      'view shop.big_orders',
      'materialized view shop.order_count',
      'function shop.double_it(x integer)',
      'sequence not owned by a column shop.invoice_no',
      'trigger shop.orders.orders_audit',
    ])
      expect(before.stdout).toContain(`  unmanaged: ${object} (not in the manifest; push leaves it alone)`);

    // The dry run marks each removal; no statement touches the views, the function, the sequence or the trigger.
    const dry = await p.run(['push', '--dry-run']);
    expectOk(dry, 'dry run');
    expect(dry.stdout).toContain(
      '  ALTER TABLE "shop"."orders" DROP CONSTRAINT "orders_customer_by_hand";\n' +
        '    -- in the transaction; SHARE ROW EXCLUSIVE lock on shop.orders; no scan\n' +
        '    -- REMOVES A RULE: removes foreign key orders_customer_by_hand from shop.orders (not in the manifest)\n' +
        '  ALTER TABLE "shop"."orders" DROP CONSTRAINT "orders_by_hand";\n' +
        '    -- in the transaction; ACCESS EXCLUSIVE lock on shop.orders; no scan\n' +
        '    -- REMOVES A RULE: removes check orders_by_hand from shop.orders (not in the manifest)\n',
    );
    expect(listedStatements(dry.stdout).filter((s) => /VIEW|FUNCTION|SEQUENCE|TRIGGER/.test(s))).toEqual([]);

    const pushed = await p.run(['push']);
    expectOk(pushed, 'push');
    expect(pushed.stdout).toContain('  ALTER TABLE "shop"."orders" DROP CONSTRAINT "orders_by_hand";');
    expect(pushed.stdout).toContain('  removes check orders_by_hand from shop.orders (not in the manifest)');
    expect(pushed.stdout).toContain(
      '  removes foreign key orders_customer_by_hand from shop.orders (not in the manifest)',
    );
    expect(await p.sql(KEPT)).toEqual([{ relations: 3, functions: 2, triggers: 1, constraints: 0 }]);
    expect(await p.sql(`select total from shop.big_orders`)).toEqual([{ total: 150 }]);

    const after = await p.run(['verify']);
    expectOk(after, 'verify after the push');
    expect(after.stdout).toContain('  unmanaged: view shop.big_orders (not in the manifest; push leaves it alone)');
    await expectSettled(p, ['shop'], 'push after the push');
  }, 120_000);
});
