import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { listedStatements } from '../support/cli.js';
import { BOTH, ORDERS_MANIFEST, catalogText, project, type Project } from '../support/project.js';
import { expectOk, expectSettled } from '../support/settled.js';

/**
 * Views and materialized views declared per service (`views:`): a database built by hand with views,
 * a materialized view with an index and options, and a view reading a view is imported, pushed
 * without a statement, verified and pushed into an empty database the same; a changed query is
 * replaced in place, and a view losing a column is dropped and created again with the views reading it.
 */
const BY_HAND = `
  create schema shop;
  create type shop.order_status as enum ('open', 'paid');
  create table shop.orders (id integer primary key, total integer not null, status shop.order_status not null default 'open');
  insert into shop.orders values (1, 50, 'open'), (2, 150, 'paid'), (3, 300, 'paid');
  create view shop.big_orders with (security_barrier = true) as
    select id, total, status from shop.orders where total > 100;
  create view shop.big_order_count as select count(*) as n from shop.big_orders;
  create materialized view shop.order_totals with (fillfactor = 70) as
    select status, sum(total) as total from shop.orders group by status;
  create unique index order_totals_status_idx on shop.order_totals (status);
`;

/** The views of a schema as the server prints them, with their options, columns and indexes. */
async function viewsText(p: Project, schema: string): Promise<string> {
  const rows = await p.sql<{ line: string }>(`
    select c.relname || ' ' || c.relkind::text || ' ' || coalesce(array_to_string(c.reloptions, ','), '') || ' '
           || pg_get_viewdef(c.oid, true) || ' '
           || (select string_agg(a.attname || ':' || format_type(a.atttypid, a.atttypmod), ',' order by a.attnum)
                 from pg_attribute a where a.attrelid = c.oid and a.attnum > 0)
           || coalesce((select string_agg(pg_get_indexdef(i.indexrelid), ';') from pg_index i
                 where i.indrelid = c.oid), '') as line
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = '${schema}' and c.relkind in ('v', 'm') order by 1`);
  return rows.map((r) => r.line).join('\n');
}

describe.each(BOTH)('on $name', (kind) => {
  test('views are imported, pushed without a statement, verified and pushed into an empty database the same', async () => {
    const p = await project(kind, ORDERS_MANIFEST);
    await p.sql(BY_HAND);
    const imported = await p.run(['import', '--strict', '--schema', 'shop', '--out', 'schema.yaml', '--force']);
    expect(imported.stderr).not.toMatch(/view/);
    expect(imported.code, imported.stderr).toBe(0);
    const manifest = readFileSync(join(p.dir, 'schema.yaml'), 'utf8');
    expect(manifest).toContain('    views:\n');
    expect(manifest).toContain('columns: { status: order_status, total: bigint }');
    expect(manifest).toContain('with: { security_barrier: true }');
    expect(manifest).toContain('indexes: [ { columns: [ status ], unique: true } ]');
    expect((await p.run(['generate'])).stderr).toBe('');
    expect(readFileSync(join(p.dir, 'generated/shop/schema.ts'), 'utf8')).toContain(
      "export const orderTotals = shopSchema\n  .materializedView('order_totals', {",
    );

    const before = await viewsText(p, 'shop');
    const dry = await p.run(['push', '--dry-run']);
    expectOk(dry, 'dry run after import');
    expect(listedStatements(dry.stdout)).toEqual([]);
    await expectSettled(p, ['shop'], 'push after import');
    const verified = await p.run(['verify']);
    expectOk(verified, 'verify after import');
    expect(verified.stdout).not.toContain('unmanaged');
    expect(await viewsText(p, 'shop')).toBe(before);
    expect(await p.sql(`select n::int from shop.big_order_count`)).toEqual([{ n: 2 }]);

    const copy = await project(kind, ORDERS_MANIFEST);
    writeFileSync(join(copy.dir, 'schema.yaml'), manifest);
    expect((await copy.run(['generate'])).stderr).toBe('');
    expectOk(await copy.run(['push']), 'push into an empty database');
    expect(await viewsText(copy, 'shop')).toBe(before);
    expect(await catalogText(copy, 'shop')).toBe(await catalogText(p, 'shop'));
    expectOk(await copy.run(['verify']), 'verify of the copy');
  }, 180_000);

  test('views of public move with the tables import sends to a service, reading the same rows', async () => {
    const p = await project(kind, ORDERS_MANIFEST);
    await p.sql(`
      create table public.product (product_id integer primary key, price integer not null);
      create view public.pricey as select product_id, price from public.product where price > 10;
      create materialized view public.price_total as select sum(price) as total from public.product;
      insert into public.product values (1, 5), (2, 50);
      refresh materialized view public.price_total;`);
    const imported = await p.run(['import', '--strict', '--map', '*=shop', '--out', 'schema.yaml', '--force']);
    expect(imported.code, imported.stderr).toBe(0);
    expect(readFileSync(join(p.dir, 'schema.yaml'), 'utf8')).toMatch(
      /FROM shop\.product\s+WHERE (product\.)?price > 10/,
    );
    expectOk(await p.run(['generate']), 'generate');
    const pushed = await p.run(['push']);
    expectOk(pushed, 'push');
    expect(listedStatements(pushed.stdout).filter((l) => l.includes('SET SCHEMA'))).toEqual([
      '  ALTER TABLE "public"."product" SET SCHEMA "shop";',
      '  ALTER VIEW "public"."pricey" SET SCHEMA "shop";',
      '  ALTER MATERIALIZED VIEW "public"."price_total" SET SCHEMA "shop";',
    ]);
    expect(await p.sql(`select product_id from shop.pricey`)).toEqual([{ product_id: 2 }]);
    expect(await p.sql(`select total::int as total from shop.price_total`)).toEqual([{ total: 55 }]);
    expectOk(await p.run(['verify']), 'verify');
    await expectSettled(p, ['shop'], 'push after the move');
  }, 120_000);

  test("a view's trigger and rule are named by import and verify, which have no form for them, and kept", async () => {
    const p = await project(kind, ORDERS_MANIFEST);
    await p.sql(BY_HAND);
    await p.sql(`
      create function shop.big_orders_insert() returns trigger language plpgsql
        as $$ begin insert into shop.orders (id, total) values (new.id, new.total); return new; end $$;
      create trigger big_orders_insert instead of insert on shop.big_orders
        for each row execute function shop.big_orders_insert();
      create rule big_orders_keep as on delete to shop.big_orders do instead nothing;`);
    const strict = await p.run(['import', '--strict', '--schema', 'shop', '--out', 'schema.yaml', '--force']);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('  trigger shop.big_orders.big_orders_insert\n');
    expect(strict.stderr).toContain('  rule shop.big_orders.big_orders_keep\n');
    expect(strict.stderr).not.toContain('_RETURN');
    expect((await p.run(['import', '--schema', 'shop', '--out', 'schema.yaml', '--force'])).code).toBe(0);
    expectOk(await p.run(['generate']), 'generate after import');
    const verified = await p.run(['verify']);
    expectOk(verified, 'verify after import');
    expect(verified.stdout).toContain('unmanaged: trigger shop.big_orders.big_orders_insert');
    expect(verified.stdout).toContain('unmanaged: rule shop.big_orders.big_orders_keep');
    await expectSettled(p, ['shop'], 'push after import');
    await p.sql(`insert into shop.big_orders (id, total) values (4, 500)`);
    expect(await p.sql(`select total from shop.orders where id = 4`)).toEqual([{ total: 500 }]);
  }, 120_000);

  test('a changed query is replaced in place; a view losing a column is created again with the views reading it', async () => {
    const manifest = (bigOrders: string, columns: string) => `version: 1
services:
  shop:
    tables:
      orders:
        base: false
        columns:
          id: { type: integer, primaryKey: true }
          total: { type: integer }
    views:
      big_orders:
        sql: ${bigOrders}
        columns: ${columns}
      big_total:
        sql: select sum(total) as total from shop.big_orders
        columns: { total: bigint }
      order_ids:
        sql: select id from shop.orders
        materialized: true
        columns: { id: integer }
        indexes: [{ columns: [id], unique: true }]
`;
    const p = await project(
      kind,
      manifest('select id, total from shop.orders where total > 100', '{ id: integer, total: integer }'),
    );
    expectOk(await p.run(['push']), 'first push');
    await p.sql(`insert into shop.orders values (1, 50), (2, 150), (3, 300)`);
    expect(await p.sql(`select total::int from shop.big_total`)).toEqual([{ total: 450 }]);
    await expectSettled(p, ['shop'], 'push after the first');

    await p.write(manifest('select id, total from shop.orders where total > 200', '{ id: integer, total: integer }'));
    const replaced = await p.run(['push']);
    expectOk(replaced, 'push of a changed query');
    expect(listedStatements(replaced.stdout)).toEqual([
      '  CREATE OR REPLACE VIEW "shop"."big_orders" AS select id, total from shop.orders where total > 200;',
    ]);
    expect(await p.sql(`select total::int from shop.big_total`)).toEqual([{ total: 300 }]);
    await expectSettled(p, ['shop'], 'push after the replacement');

    // big_total reads big_orders.total: big_orders without it is dropped with big_total, which comes back.
    await p.write(manifest('select id, total * 2 as doubled from shop.orders', '{ id: integer, doubled: integer }'));
    const verify = await p.run(['verify']);
    expect(verify.code).toBe(1);
    expect(verify.stderr).toContain(
      'shop.big_orders: columns are (id integer, total integer); expected (id integer, doubled integer)',
    );
    // big_total could not be created again: the push fails in its transaction and changes nothing.
    const refused = await p.run(['push']);
    expect(refused.code, refused.stderr).toBe(1);
    expect(refused.stderr).toContain('does not exist (42703)');
    expect(await p.sql(`select total::int from shop.big_total`)).toEqual([{ total: 300 }]);
    // With big_total reading what stays, big_orders is dropped and created again before big_total.
    await p.write(
      manifest(
        'select id, total * 2 as doubled, total from shop.orders',
        '{ id: integer, doubled: integer, total: integer }',
      ),
    );
    const dropped = await p.run(['push']);
    expectOk(dropped, 'push of a view whose columns change');
    expect(listedStatements(dropped.stdout)).toEqual([
      '  DROP VIEW "shop"."big_total";',
      '  DROP VIEW "shop"."big_orders";',
      '  CREATE VIEW "shop"."big_orders" AS select id, total * 2 as doubled, total from shop.orders;',
      // big_total as the server printed it, from the catalog (PostgreSQL 16 and later qualify the column).
      expect.stringMatching(/^ {2}CREATE VIEW "shop"\."big_total" AS SELECT sum\((big_orders\.)?total\) AS total$/),
      '       FROM shop.big_orders;',
    ]);
    expect(await p.sql(`select total::int from shop.big_total`)).toEqual([{ total: 500 }]);
    expectOk(await p.run(['verify']), 'verify after the changes');
    await expectSettled(p, ['shop'], 'push after the changes');
  }, 180_000);
});
