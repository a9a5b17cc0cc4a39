import { expect, test } from 'vitest';
import { ORDERS_MANIFEST, POSTGRES, catalogText, project } from '../support/project.js';

const TWO_SERVICES = (aColumns: string) => `version: 1
services:
  alpha:
    tables:
      things:
        columns:
${aColumns}
  beta:
    tables:
      widgets:
        columns:
          label: { type: text }
        indexes:
          - { columns: [label] }
`;

// Scenario 3: a push of one service never touches another's schema or rows.
test('pushing service A after changing it leaves service B untouched and emits nothing on B', async () => {
  const p = await project(POSTGRES, TWO_SERVICES('          name: { type: text }\n'));
  expect((await p.run(['push'])).code).toBe(0);
  await p.sql(`insert into beta.widgets (label) values ('w1'), ('w2')`);
  const betaBefore = await catalogText(p, 'beta');
  const rowsBefore = await p.sql('select id, label, created_at from beta.widgets order by label');

  await p.write(TWO_SERVICES('          name: { type: text }\n          size: { type: integer, nullable: true }\n      more_things:\n        columns:\n          x: { type: text }\n'));
  const dry = await p.run(['push', 'alpha', '--dry-run']);
  expect(dry.code).toBe(0);
  const statements = dry.stdout.split('\n').filter((l) => l.startsWith('  '));
  expect(statements.length).toBeGreaterThan(0);
  for (const s of statements) expect(s).not.toMatch(/"beta"|"public"/);
  expect(await catalogText(p, 'alpha')).not.toContain('more_things');

  const pushed = await p.run(['push', 'alpha']);
  expect(pushed.stdout).toMatch(/^alpha → .*: altered, \d+ statements$/m);
  expect(pushed.stdout).not.toMatch(/^beta/m);
  expect(await catalogText(p, 'beta')).toBe(betaBefore);
  expect(await p.sql('select id, label, created_at from beta.widgets order by label')).toEqual(rowsBefore);
  expect(await catalogText(p, 'alpha')).toContain('more_things');
});

// Scenario 7: a statement failing half-way rolls the whole service back.
test('a failing statement mid-push exits 1 and leaves the schema exactly as before', async () => {
  const manifest = (extra: string) => `version: 1
services:
  shop:
    tables:
      orders:
        columns:
          email: { type: text${extra} }
          total: { type: integer }
`;
  const p = await project(POSTGRES, manifest(''));
  expect((await p.run(['push'])).code).toBe(0);
  await p.sql(`insert into shop.orders (email, total) values ('a@x', 1), ('a@x', 2)`);
  const before = await catalogText(p, 'shop');
  // New table and column first, then a unique constraint the duplicate rows violate.
  await p.write(`${manifest(', unique: true')}          note: { type: text, nullable: true }
      receipts:
        columns:
          number: { type: integer }
`);
  const pushed = await p.run(['push']);
  expect(pushed.code).toBe(1);
  expect(pushed.stderr).toMatch(/^shop → .*: failed$/m);
  expect(pushed.stderr).toMatch(/could not create unique index "orders_email_key"/);
  expect(pushed.stderr.split('\n').filter((l) => l.trim()).length).toBeLessThanOrEqual(3);
  expect(await catalogText(p, 'shop')).toBe(before);
  expect(await p.sql(`select count(*)::int as n from shop.orders`)).toEqual([{ n: 2 }]);
});

// drizzle-kit truncates a table to add a NOT NULL column without default; we never do.
test('a required column without default on a non-empty table fails cleanly and keeps every row', async () => {
  const manifest = ORDERS_MANIFEST;
  const p = await project(POSTGRES, manifest);
  expect((await p.run(['push'])).code).toBe(0);
  await p.sql(`insert into shop.orders (total) values (1), (2), (3)`);
  await p.write(`${manifest}          customer: { type: text }\n`);
  for (const flags of [[], ['--accept-data-loss']]) {
    const pushed = await p.run(['push', ...flags]);
    expect(pushed.code).toBe(1);
    expect(pushed.stderr).toMatch(/column "customer" of relation "orders" contains null values/);
    expect(pushed.stderr).not.toMatch(/truncate/i);
    expect(await p.sql(`select count(*)::int as n from shop.orders`)).toEqual([{ n: 3 }]);
  }
});

// DROP TABLE ... CASCADE would silently drop another service's foreign key: refused even with the flag.
test('dropping a table another service references is refused, even with --accept-data-loss', async () => {
  const manifest = (alphaTables: string) => `version: 1
services:
  alpha:
    tables:
${alphaTables}
  beta:
    tables:
      widgets:
        columns:
          thing_id: { type: uuid, references: { service: alpha, table: things } }
`;
  const keep = '      things:\n        columns:\n          name: { type: text }\n';
  const p = await project(POSTGRES, manifest(`${keep}      extra:\n        columns:\n          x: { type: text }\n`));
  expect((await p.run(['push'])).code).toBe(0);
  // A table of alpha's that the manifest no longer has, but beta's foreign key points at.
  await p.sql(`alter table alpha.things rename to things_old; create table alpha.things (id uuid primary key default gen_random_uuid())`);
  await p.sql(`alter table beta.widgets drop constraint widgets_thing_id_fkey; alter table beta.widgets add constraint widgets_thing_id_fkey foreign key (thing_id) references alpha.things_old(id)`);
  const beta = await catalogText(p, 'beta');
  const pushed = await p.run(['push', 'alpha', '--accept-data-loss']);
  expect(pushed.code).toBe(1);
  expect(pushed.stderr).toMatch(/would also drop constraint widgets_thing_id_fkey of beta\.widgets outside schema alpha/);
  expect(await catalogText(p, 'beta')).toBe(beta);
});
