import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { BOTH, catalogText, ORDERS_MANIFEST, project } from '../support/project.js';
import { expectOk, expectSettled } from '../support/settled.js';

/**
 * A database whose constraints and indexes are named by another house style (SQL Server's, here):
 * import keeps every name as it is, push after import changes nothing, and the manifest pushed into
 * an empty database gives the same names.
 */
const NAMED = `
  create schema shop;
  create table shop.customers (
    id integer not null, email text not null,
    constraint "PK_Customer_ID" primary key (id),
    constraint "UQ_Customer_Email" unique (email));
  create table shop.orders (
    id integer not null, customer_id integer not null, status text not null, total integer not null,
    constraint "PK_Order_ID" primary key (id),
    constraint "FK_Order_Customer" foreign key (customer_id) references shop.customers (id) on delete cascade,
    constraint "CK_Order_Status" check (status in ('new', 'paid')),
    constraint total_positive check (total > 0),
    constraint orders_id_check check (id > 0));
  create table shop.order_lines (
    order_id integer not null, line integer not null,
    constraint "PK_OrderLine" primary key (order_id, line),
    constraint order_lines_order_fk foreign key (order_id) references shop.orders (id));
  create index "IX_Order_Status" on shop.orders (status);
  create unique index "UX_Order_Customer_New" on shop.orders (customer_id, status) where status = 'new';
  insert into shop.customers values (1, 'a@example.com');
  insert into shop.orders values (1, 1, 'new', 5);`;

const NAMES = [
  'PK_Customer_ID',
  'UQ_Customer_Email',
  'PK_Order_ID',
  'FK_Order_Customer',
  'CK_Order_Status',
  'total_positive',
  'orders_id_check',
  'PK_OrderLine',
  'order_lines_order_fk',
  'IX_Order_Status',
  'UX_Order_Customer_New',
];

describe.each(BOTH)('on $name', (kind) => {
  test('import keeps every constraint and index name, push changes nothing, a round trip gives the same', async () => {
    const p = await project(kind, ORDERS_MANIFEST);
    await p.sql(NAMED);
    const imported = await p.run(['import', '--out', 'schema.yaml', '--force']);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stderr).not.toContain('renamed on push');
    expect(imported.stderr).toContain('not imported (the manifest cannot express them): 0');
    const manifest = readFileSync(join(p.dir, 'schema.yaml'), 'utf8');
    // Names the manifest derives (orders_id_check: the check keyed id) are not written out.
    for (const name of NAMES.filter((n) => n !== 'orders_id_check')) expect(manifest).toContain(name);

    expect((await p.run(['generate'])).stderr).toBe('');
    const code = readFileSync(join(p.dir, 'generated', 'shop', 'schema.ts'), 'utf8');
    expect(code).toMatch(/primaryKey\(\{\s*name: 'PK_Order_ID',\s*columns: \[t\.id\]/);
    expect(code).toMatch(/primaryKey\(\{\s*name: 'PK_OrderLine',\s*columns: \[t\.orderId, t\.line\]/);
    expect(code).toMatch(/foreignKey\(\{\s*name: 'FK_Order_Customer'/);
    expect(code).toContain(`index('IX_Order_Status')`);
    expect(code).toContain(`uniqueIndex('UX_Order_Customer_New')`);
    expect(code).toContain(`check('CK_Order_Status'`);
    expect(code).toContain(`unique('UQ_Customer_Email')`);

    const before = await catalogText(p, 'shop');
    for (const name of NAMES) expect(before).toContain(name);
    await expectSettled(p, ['shop'], 'push right after import');
    expectOk(await p.run(['verify']), 'verify');
    expect(await catalogText(p, 'shop')).toBe(before);

    // The imported manifest pushed into an empty database of the same kind.
    const fresh = await project(kind, manifest);
    expectOk(await fresh.run(['push']), 'push into an empty database');
    expect(await catalogText(fresh, 'shop')).toBe(before);
    await expectSettled(fresh, ['shop'], 'push after the round trip');
  }, 180_000);
});
