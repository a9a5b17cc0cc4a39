import { expect, test } from 'vitest';
import { outsideSchema } from '../../src/db/plan/guard.js';
import { ORDERS_MANIFEST, POSTGRES, catalogText, project, snapshot } from '../support/project.js';
import { listedStatements } from '../support/cli.js';

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

  await p.write(
    TWO_SERVICES(
      '          name: { type: text }\n          size: { type: integer, nullable: true }\n      more_things:\n        columns:\n          x: { type: text }\n',
    ),
  );
  const dry = await p.run(['push', 'alpha', '--dry-run']);
  expect(dry.code).toBe(0);
  const statements = listedStatements(dry.stdout);
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
  expect(pushed.stderr).toMatch(/^shop → .*: failed, 4 statements$/m);
  // On a table holding rows the unique index is built online; the rows are counted before anything runs,
  // and the plan that fails is listed whole.
  expect(pushed.stderr).toMatch(
    /CREATE UNIQUE INDEX CONCURRENTLY "orders_email_key".*\n.*UNIQUE USING INDEX "orders_email_key";\n {2}unique constraint orders_email_key is violated by 2 existing rows of shop\.orders\n {2}nothing was changed\n$/,
  );
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
  await p.sql(
    `alter table alpha.things rename to things_old; create table alpha.things (id uuid primary key default gen_random_uuid())`,
  );
  await p.sql(
    `alter table beta.widgets drop constraint widgets_thing_id_fkey; alter table beta.widgets add constraint widgets_thing_id_fkey foreign key (thing_id) references alpha.things_old(id)`,
  );
  const beta = await catalogText(p, 'beta');
  const pushed = await p.run(['push', 'alpha', '--accept-data-loss']);
  expect(pushed.code).toBe(1);
  expect(pushed.stderr).toMatch(
    /would also drop constraint widgets_thing_id_fkey of beta\.widgets outside schema alpha/,
  );
  expect(await catalogText(p, 'beta')).toBe(beta);
});

test('a table dropped together with every reference to it goes in one push once the referencing service let go', async () => {
  const manifest = (withThings: boolean) => `version: 1
services:
  alpha:
    tables:
      keep:
        columns:
          name: { type: text }
${withThings ? '      things:\n        columns:\n          name: { type: text }\n' : ''}  beta:
    tables:
      widgets:
        columns:
          label: { type: text }
${withThings ? '          thing_id: { type: uuid, references: { service: alpha, table: things } }\n' : ''}`;
  const p = await project(POSTGRES, manifest(true));
  expect((await p.run(['push'])).code).toBe(0);
  await p.sql(
    `insert into alpha.things (name) values ('t'); insert into beta.widgets (label, thing_id) select 'w', id from alpha.things`,
  );
  await p.write(manifest(false));
  // Without the flag both losses are refused and nothing changes.
  const refused = await p.run(['push']);
  expect(refused.code).toBe(1);
  expect(
    await p.sql(
      `select to_regclass('alpha.things') is not null as things, (select count(*)::int from beta.widgets where thing_id is not null) as refs`,
    ),
  ).toEqual([{ things: true, refs: 1 }]);
  const pushed = await p.run(['push', '--accept-data-loss']);
  expect(pushed.stderr).toBe('');
  expect(pushed.code).toBe(0);
  expect(pushed.stdout).toMatch(/^alpha → .*: altered, \d+ statements?$/m);
  expect(pushed.stdout).toMatch(/^beta → .*: altered, \d+ statements?$/m);
  expect(
    await p.sql(
      `select to_regclass('alpha.things') is null as gone, (select count(*)::int from beta.widgets) as widgets, (select count(*)::int from information_schema.columns where table_schema = 'beta' and column_name = 'thing_id') as ref_columns`,
    ),
  ).toEqual([{ gone: true, widgets: 1, ref_columns: 0 }]);
  expect((await p.run(['verify'])).code).toBe(0);
});

// Scenario 3, the guard itself: a push of alpha may only change alpha.
test.each([
  ['ALTER TABLE "beta"."widgets" ADD COLUMN "x" text', 'touches schema beta; a push of alpha may only change alpha'],
  ['CREATE TABLE "public"."things" ("id" uuid)', 'touches schema public; a push of alpha may only change alpha'],
  [
    'CREATE TABLE "things" ("id" uuid)',
    'names no schema-qualified object, so it would act on the search path (public); expected objects in alpha',
  ],
  ['DROP SCHEMA "alpha" CASCADE', 'drops schema alpha'],
  ['DROP SCHEMA "beta"', 'drops schema beta'],
])('the guard refuses %s in a push of alpha', (statement, why) => {
  expect(outsideSchema(statement, 'alpha', new Set(['beta']))).toBe(why);
  expect(outsideSchema('ALTER TABLE "alpha"."things" ADD COLUMN "x" text', 'alpha', new Set(['beta']))).toBeUndefined();
});

// The CASCADE refusal covers views too: a hand-made view in beta on a table alpha drops.
test('dropping a table a view in another schema reads is refused, even with --accept-data-loss', async () => {
  const p = await project(
    POSTGRES,
    TWO_SERVICES('          name: { type: text }\n      old_things:\n        columns:\n          x: { type: text }\n'),
  );
  expect((await p.run(['push'])).code).toBe(0);
  await p.sql(`create view beta.old_view as select x from alpha.old_things`);
  const beta = await catalogText(p, 'beta');
  await p.write(TWO_SERVICES('          name: { type: text }\n'));
  const pushed = await p.run(['push', 'alpha', '--accept-data-loss']);
  expect(pushed.code).toBe(1);
  expect(pushed.stderr).toMatch(/^alpha → .*: refused, \d+ statements?$/m);
  expect(pushed.stderr).toContain(
    '  view beta.old_view reads alpha.old_things, which push would drop: push never drops a view with what it reads; change or drop the view first',
  );
  expect(await catalogText(p, 'beta')).toBe(beta);
  expect(await p.sql(`select count(*)::int as n from information_schema.views where table_schema = 'beta'`)).toEqual([
    { n: 1 },
  ]);
  // Once the view is gone, the same push applies.
  await p.sql('drop view beta.old_view');
  expect((await p.run(['push', 'alpha', '--accept-data-loss'])).code).toBe(0);
});

// Scenario 7 with a check constraint: the new table and column run first, then the check fails; all of it rolls back.
test('a check constraint existing rows violate fails the push and rolls back the additions before it', async () => {
  const manifest = (extra: string) => `${ORDERS_MANIFEST}${extra}`;
  const changed = manifest(`          note: { type: text, nullable: true }
        checks:
          positive: { sql: total > 0 }
      receipts:
        columns:
          number: { type: integer }
`);
  const p = await project(POSTGRES, manifest(''));
  expect((await p.run(['push'])).code).toBe(0);
  await p.sql(`insert into shop.orders (total) values (5), (-1)`);
  const rows = 'select total from shop.orders order by total';
  const before = await snapshot(p, 'shop', rows);
  await p.write(changed);
  const pushed = await p.run(['push']);
  expect(pushed.code).toBe(1);
  expect(pushed.stderr).toMatch(
    /^shop → .*: failed, 4 statements\n(.*\n)+ {2}check orders_positive_check is violated by 1 existing row of shop\.orders\n {2}nothing was changed\n$/,
  );
  expect(await snapshot(p, 'shop', rows)).toEqual(before);
  expect(before.catalog).not.toMatch(/receipts|orders\.note/);

  // Without the offending row the same plan applies; it shows the additions come before the check.
  await p.sql('delete from shop.orders where total < 0');
  const dry = await p.run(['push', '--dry-run']);
  expect(dry.code).toBe(0);
  const statements = listedStatements(dry.stdout);
  const at = (re: RegExp) => statements.findIndex((s) => re.test(s));
  const check = at(/ADD CONSTRAINT "orders_positive_check" CHECK/);
  expect(at(/^ {2}CREATE TABLE "shop"\."receipts"/)).toBeGreaterThanOrEqual(0);
  expect(at(/ADD COLUMN "note" text/)).toBeGreaterThanOrEqual(0);
  expect(check).toBeGreaterThan(Math.max(at(/CREATE TABLE "shop"\."receipts"/), at(/ADD COLUMN "note" text/)));
  const applied = await p.run(['push']);
  expect(applied.stderr).toBe('');
  expect(applied.code).toBe(0);
  expect((await p.run(['verify'])).code).toBe(0);
});
