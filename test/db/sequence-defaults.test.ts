import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { BOTH, project } from '../support/project.js';
import { expectOk, expectSettled } from '../support/settled.js';

/**
 * A key numbered by a sequence no column owns, as pg_dump restores it without OWNED BY: import keeps
 * its default, push keeps it too, and identity or serial declared on it number past the rows.
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
  test('import keeps a nextval() default on a sequence no column owns, and push keeps it', async () => {
    const p = await project(kind, manifest('{ type: integer, primaryKey: true }'));
    await p.sql(DUMPED);
    const imported = await p.run(['import', '--map', '*=shop', '--out', 'imported.yaml']);
    expect(imported.code).toBe(0);
    expect(readFileSync(join(p.dir, 'imported.yaml'), 'utf8')).toMatch(
      /default:.*nextval\('orders_id_seq'::regclass\)/,
    );
    const withDefault = manifest(
      `{ type: integer, primaryKey: true, default: { sql: "nextval('orders_id_seq'::regclass)" } }`,
    );
    await p.write(withDefault);
    expectOk(await p.run(['push']), 'push');
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
