import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { listedStatements } from '../support/cli.js';
import { BOTH, project } from '../support/project.js';
import { expectOk, expectSettled } from '../support/settled.js';

/**
 * A key numbered by a sequence no column owns, as pg_dump restores it without OWNED BY: import
 * declares the sequence where its table goes and push moves it along, so the default keeps drawing
 * from it; identity or serial declared on the key number past the rows.
 */
const DUMPED = `
  create sequence public.orders_id_seq;
  create table public.orders (id integer not null default nextval('public.orders_id_seq'::regclass) primary key, total integer);
  insert into public.orders (total) values (1), (2), (3);`;

const manifest = (id: string) => `version: 1
services:
  shop:
    tables:
      orders:
        from: public.orders
        base: false
        columns:
          id: ${id}
          total: { type: integer, nullable: true }
`;

describe.each(BOTH)('on $name', (kind) => {
  test('import declares a sequence no column owns where its table goes, and push moves it along', async () => {
    const p = await project(kind, manifest('{ type: integer, primaryKey: true }'));
    await p.sql(DUMPED);
    const imported = await p.run(['import', '--strict', '--map', '*=shop', '--out', 'schema.yaml', '--force']);
    expect(imported.code, imported.stderr).toBe(0);
    const text = readFileSync(join(p.dir, 'schema.yaml'), 'utf8');
    expect(text).toMatch(/default: \{ sql: nextval\('shop\.orders_id_seq'::regclass\) \}/);
    expect(text).toMatch(/ {4}sequences:\n {6}orders_id_seq: \{\}\n/);
    expectOk(await p.run(['generate']), 'generate');
    const pushed = await p.run(['push']);
    expectOk(pushed, 'push');
    expect(listedStatements(pushed.stdout)).toContain('  ALTER SEQUENCE "public"."orders_id_seq" SET SCHEMA "shop";');
    // The default holds the sequence itself: it draws on from where the rows left it.
    await p.sql(`insert into shop.orders (total) values (4)`);
    expect(await p.sql(`select id from shop.orders where total = 4`)).toEqual([{ id: 4 }]);
    expectOk(await p.run(['verify']), 'verify');
    await expectSettled(p, ['shop'], 'push after the move');
  }, 120_000);

  test('identity on such a key starts past its largest value; serial is accepted as it is', async () => {
    const p = await project(kind, manifest('{ type: integer, primaryKey: true, identity: by default }'));
    await p.sql(DUMPED);
    expectOk(await p.run(['push']), 'push to identity');
    await p.sql(`insert into shop.orders (total) values (4)`);
    expect(await p.sql(`select id from shop.orders where total = 4`)).toEqual([{ id: 4 }]);
    expectOk(await p.run(['verify']), 'verify');
    await expectSettled(p, ['shop'], 'push after identity');

    const q = await project(kind, manifest('{ type: serial, primaryKey: true }'));
    await q.sql(DUMPED);
    expectOk(await q.run(['push']), 'push with serial');
    await q.sql(`insert into shop.orders (total) values (4)`);
    expect(await q.sql(`select id from shop.orders where total = 4`)).toEqual([{ id: 4 }]);
    await expectSettled(q, ['shop'], 'push after serial');
  }, 120_000);
});
