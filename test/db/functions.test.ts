import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { listedStatements } from '../support/cli.js';
import { BOTH, ORDERS_MANIFEST, project } from '../support/project.js';
import { expectOk, expectSettled } from '../support/settled.js';

/**
 * Functions and procedures declared per service (`functions:`): created by push in the service's
 * transaction, called, pushed again without a statement and verified; an edited body replaced in
 * place, another signature dropped and created again; an undeclared function left alone and listed;
 * a function of tables moved out of public moved with them, its body naming them where they are.
 */
const manifest = (totalBody: string, totalReturns = 'integer') => `version: 1
services:
  shop:
    tables:
      orders:
        base: false
        columns:
          id: { type: integer, primaryKey: true }
          total: { type: integer }
    functions:
      order_total:
        args: o shop.orders
        returns: ${totalReturns}
        language: sql
        volatility: stable
        body: ${totalBody}
      twice:
        args: n int
        returns: int
        language: plpgsql
        volatility: immutable
        body: |
          begin
            return n * 2;
          end;
      add_order:
        args: order_id int, amount int
        procedure: true
        language: sql
        body: insert into shop.orders values (order_id, amount)
`;

describe.each(BOTH)('on $name', (kind) => {
  test('declared functions are created, called, settled and verified; edits replace them; others are left alone', async () => {
    const p = await project(kind, manifest('select o.total * 2'));
    const first = await p.run(['push']);
    expectOk(first, 'first push');
    expect(listedStatements(first.stdout).filter((l) => l.includes('FUNCTION') || l.includes('PROCEDURE'))).toEqual([
      '  CREATE OR REPLACE FUNCTION "shop"."order_total"(o shop.orders) RETURNS integer LANGUAGE sql STABLE AS $body$select o.total * 2$body$;',
      '  CREATE OR REPLACE FUNCTION "shop"."twice"(n int) RETURNS int LANGUAGE plpgsql IMMUTABLE AS $body$begin',
      '  CREATE OR REPLACE PROCEDURE "shop"."add_order"(order_id int, amount int) LANGUAGE sql AS $body$insert into shop.orders values (order_id, amount)$body$;',
    ]);
    await p.sql(`call shop.add_order(1, 150)`);
    expect(await p.sql(`select shop.order_total(o) as t, shop.twice(21) as n from shop.orders o`)).toEqual([
      { t: 300, n: 42 },
    ]);
    // `int` is printed `integer` by the server: the signature is compared as the server spells it.
    await expectSettled(p, ['shop'], 'push after the first');
    await p.sql(`create function shop.by_hand() returns int language sql as 'select 1'`);
    const verified = await p.run(['verify']);
    expectOk(verified, 'verify after the first push');
    expect(verified.stdout).toContain('unmanaged: function shop.by_hand() (not in the manifest; push leaves it alone)');
    expect(verified.stdout).not.toMatch(/unmanaged: (function|procedure) shop\.(order_total|twice|add_order)/);

    await p.write(manifest('select o.total * 3'));
    const edited = await p.run(['verify']);
    expect(edited.code).toBe(1);
    expect(edited.stderr).toContain('shop.order_total(o shop.orders): body differs from the manifest');
    const replaced = await p.run(['push']);
    expectOk(replaced, 'push of an edited body');
    expect(listedStatements(replaced.stdout)).toEqual([
      '  CREATE OR REPLACE FUNCTION "shop"."order_total"(o shop.orders) RETURNS integer LANGUAGE sql STABLE AS $body$select o.total * 3$body$;',
    ]);
    expect(await p.sql(`select shop.order_total(o) as t from shop.orders o`)).toEqual([{ t: 450 }]);

    // Another return type cannot be replaced in place: the function is dropped and created again.
    await p.write(manifest('select o.total::bigint * 3', 'bigint'));
    const recreated = await p.run(['push']);
    expectOk(recreated, 'push of another return type');
    expect(listedStatements(recreated.stdout)).toEqual([
      '  DROP FUNCTION "shop"."order_total"(o shop.orders);',
      '  CREATE OR REPLACE FUNCTION "shop"."order_total"(o shop.orders) RETURNS bigint LANGUAGE sql STABLE AS $body$select o.total::bigint * 3$body$;',
    ]);
    await expectSettled(p, ['shop'], 'push after the changes');
    expectOk(await p.run(['verify']), 'verify after the changes');
    expect(await p.sql(`select shop.by_hand() as one`)).toEqual([{ one: 1 }]);
  }, 180_000);

  test('a function of tables moved out of public moves with them, its body naming them where they are', async () => {
    const p = await project(
      kind,
      `version: 1
services:
  shop:
    tables:
      orders:
        from: public.orders
        base: false
        columns:
          id: { type: integer, primaryKey: true }
          total: { type: integer }
    functions:
      order_count:
        returns: bigint
        language: sql
        body: select count(*) from shop.orders
`,
    );
    await p.sql(`create table public.orders (id integer primary key, total integer not null);
      insert into public.orders values (1, 10), (2, 20);
      create function public.order_count() returns bigint language sql as 'select count(*) from public.orders';`);
    const pushed = await p.run(['push']);
    expectOk(pushed, 'push moving orders');
    // The SQL body is checked by the server when the function is created: after the move, in the same transaction.
    expect(await p.sql(`select shop.order_count()::int as n`)).toEqual([{ n: 2 }]);
    // The function moved with its table (its grants and the triggers calling it kept), its body naming it where it is.
    expect(
      await p.sql(`select pronamespace::regnamespace::text as schema from pg_proc where proname = 'order_count'`),
    ).toEqual([{ schema: 'shop' }]);
    expect(listedStatements(pushed.stdout)).toEqual([
      '  CREATE SCHEMA IF NOT EXISTS "shop";',
      '  ALTER ROUTINE "public"."order_count"() SET SCHEMA "shop";',
      '  ALTER TABLE "public"."orders" SET SCHEMA "shop";',
      '  CREATE OR REPLACE FUNCTION "shop"."order_count"() RETURNS bigint LANGUAGE sql AS $body$select count(*) from shop.orders$body$;',
    ]);
    await expectSettled(p, ['shop'], 'push after the move');
  }, 120_000);

  test('import moves the functions of public with its tables, naming them where they go; push then settles', async () => {
    const p = await project(kind, ORDERS_MANIFEST);
    await p.sql(`create table public.orders (id integer primary key, total integer not null);
      insert into public.orders values (1, 10), (2, 20);
      create function public.order_count() returns bigint stable language sql as 'select count(*) from public.orders';
      create function public.big(o public.orders) returns boolean language plpgsql
        as $$ begin return o.total > (select avg(total) from "public"."orders"); end $$;
      create procedure public.add_order(int, int) language sql as 'insert into public.orders values ($1, $2)';
      create function public.half(n int) returns int language sql as 'select n / 2';
      create function public.half(n bigint) returns bigint language sql as 'select n / 2';`);
    const imported = await p.run(['import', '--map', '*=shop', '--out', 'schema.yaml', '--force']);
    expect(imported.code, imported.stderr).toBe(0);
    // One name, two functions: the manifest holds one, the other is listed, whole.
    expect(imported.stderr).toContain('function public.half(n integer): another function half is imported');
    expect(imported.stderr).not.toMatch(/order_count|add_order|public\.big/);
    const manifest = readFileSync(join(p.dir, 'schema.yaml'), 'utf8');
    expect(manifest).toContain('body: select count(*) from shop.orders');
    expect(manifest).toContain('args: o shop.orders');
    expect(manifest).toContain('(select avg(total) from shop.orders)');
    expect((await p.run(['generate'])).stderr).toBe('');
    expectOk(await p.run(['push']), 'push after import');
    expect(await p.sql(`select shop.order_count()::int as n`)).toEqual([{ n: 2 }]);
    await p.sql(`call shop.add_order(3, 90)`);
    expect(await p.sql(`select id from shop.orders o where shop.big(o)`)).toEqual([{ id: 3 }]);
    await expectSettled(p, ['shop'], 'push after import');
    expectOk(await p.run(['verify']), 'verify after import');
  }, 180_000);
});
