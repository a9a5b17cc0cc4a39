import { describe, expect, test } from 'vitest';
import { BOTH, project } from '../support/project.js';

const manifest = (enforce: boolean) => `version: 1
base:
  id: { type: uuid, primaryKey: true, default: { sql: gen_random_uuid() } }
  updated_at: { type: timestamptz, default: { sql: now() }, onUpdate: now${enforce ? ', enforce: database' : ''} }
services:
  shop:
    tables:
      orders:
        columns:
          total: { type: integer }
`;

const STALE = `select (updated_at < '2001-01-01')::text as stale from shop.orders`;
const TRIGGERS = `select tgname from pg_trigger where tgrelid = 'shop.orders'::regclass and not tgisinternal`;

describe.each(BOTH)('on $name', (kind) => {
  test('enforce: database makes a raw SQL UPDATE refresh updated_at; removing it removes the trigger', async () => {
    const p = await project(kind, manifest(true));
    const pushed = await p.run(['push']);
    expect(pushed.stderr).toBe('');
    expect(pushed.stdout).toMatch(/^shop → .*: created, 4 statements$/m);
    await p.sql(
      `insert into shop.orders (total, updated_at) values (1, '2000-01-01'); update shop.orders set total = 2`,
    );
    expect(await p.sql(STALE)).toEqual([{ stale: 'false' }]);
    expect((await p.run(['verify'])).code).toBe(0);
    expect((await p.run(['push'])).stdout).toMatch(/^shop → .*: unchanged$/m);

    await p.sql(`drop trigger orders_updated_at_on_update on shop.orders`);
    expect((await p.run(['verify'])).stderr).toMatch(
      /shop\.orders\.orders_updated_at_on_update: trigger is missing \(enforce: database on updated_at\)/,
    );
    expect((await p.run(['push'])).stdout).toMatch(/^shop → .*: altered, 2 statements$/m);

    await p.write(manifest(false));
    const removed = await p.run(['push']);
    expect(removed.stdout).toMatch(/^shop → .*: altered, 1 statement$/m);
    expect(await p.sql(TRIGGERS)).toEqual([]);
    await p.sql(`update shop.orders set updated_at = '2000-01-01'; update shop.orders set total = 3`);
    expect(await p.sql(STALE)).toEqual([{ stale: 'true' }]);
    expect((await p.run(['verify'])).code).toBe(0);
  }, 120_000);
});

test('enforce: database without onUpdate: now is refused at its position', async () => {
  const { cli } = await import('../support/cli.js');
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'schemagen-enforce-'));
  writeFileSync(
    join(dir, 'schema.yaml'),
    manifest(false).replace('total: { type: integer }', 'total: { type: integer, enforce: database }'),
  );
  const result = await cli(['validate'], { cwd: dir });
  expect(result.code).toBe(1);
  expect(result.stderr).toContain(
    'schema.yaml:10:44: services.shop.tables.orders.columns.total.enforce: enforce: database makes the database refresh the column on update; expected it with onUpdate: now',
  );
});
