import { describe, expect, test } from 'vitest';
import { BOTH, ORDERS_MANIFEST, POSTGRES, project } from '../support/project.js';
import { expectOk } from '../support/settled.js';
import { manifestExample } from '../support/fixtures.js';

const MANIFEST_EXAMPLE = manifestExample();
const NOTE = `          note: { type: text, nullable: true }\n`;
const NOTE_EXISTS = `select count(*)::int as n from information_schema.columns where table_schema = 'shop' and column_name = 'note'`;
const SCHEMAS = `select nspname from pg_namespace where nspname in ('auth', 'application') order by 1`;

describe.each(BOTH)('on $name', (kind) => {
  test('a dry run on a fresh database shows every service, foreign keys into a schema created in the same run included, and creates nothing', async () => {
    const p = await project(kind, MANIFEST_EXAMPLE);
    const dry = await p.run(['push', '--dry-run']);
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^auth → .*: would be created, 7 statements$/m);
    expect(dry.stdout).toMatch(/^application → .*: would be created, 5 statements$/m);
    expect(dry.stdout).toContain(`REFERENCES "auth"."accounts"("id") ON DELETE cascade`);
    expect(await p.sql(SCHEMAS)).toEqual([]);
    // The real push that follows does what the dry run showed (a dry run records nothing as in sync).
    const pushed = await p.run(['push']);
    expect(pushed.stdout).toMatch(/^application → .*: created, 5 statements$/m);
    expect(await p.sql(SCHEMAS)).toEqual([{ nspname: 'application' }, { nspname: 'auth' }]);
  }, 120_000);

  test('up --dry-run writes no file and changes nothing; up --accept-data-loss applies a drop', async () => {
    const p = await project(kind, MANIFEST_EXAMPLE);
    const dry = await p.run(['up', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^summary: dry run on .*, nothing was changed$/m);
    expect(await p.sql(SCHEMAS)).toEqual([]);
    expect((await p.run(['up'])).code).toBe(0);
    await p.write(MANIFEST_EXAMPLE.replace(/ {6}memberships:[\s\S]*$/, ''));
    expect((await p.run(['up'])).code).toBe(1);
    const accepted = await p.run(['up', '--accept-data-loss']);
    expect(accepted.stderr).toBe('');
    expect(accepted.stdout).toMatch(/^summary: 2 services, 2 tables generated, pushed and verified/m);
  }, 120_000);

  // On PGlite a dry run must not be remembered as "in sync": the real push would then skip the database.
  test('push --dry-run shows the statement and changes nothing; the real push after it applies the change', async () => {
    const p = await project(kind, ORDERS_MANIFEST);
    expectOk(await p.run(['push']), 'first push');
    await p.write(`${ORDERS_MANIFEST}${NOTE}`);

    const dry = await p.run(['push', '--dry-run']);
    expectOk(dry, 'dry run');
    expect(dry.stdout).toMatch(
      /^shop → .*: would be altered, 1 statement\n {2}ALTER TABLE "shop"\."orders" ADD COLUMN "note" text;$/m,
    );
    // verify first: on PGlite any other open of the database would hide a dry run recorded as in sync.
    const before = await p.run(['verify']);
    expect(before.code).toBe(1);
    expect(before.stderr).toContain('shop.orders.note: column is missing (from the table)');
    expect(await p.sql(NOTE_EXISTS)).toEqual([{ n: 0 }]);

    const pushed = await p.run(['push']);
    expectOk(pushed, 'push after the dry run');
    expect(pushed.stdout).toMatch(/^shop → .*: altered, 1 statement$/m);
    expect(await p.sql(NOTE_EXISTS)).toEqual([{ n: 1 }]);
    expectOk(await p.run(['verify']), 'verify after the push');
  }, 240_000);
});

test('a dry run with data loss lists the whole plan, additions after the drop included, and changes nothing', async () => {
  const manifest = (column: string) => `version: 1
services:
  shop:
    tables:
      orders:
        columns:
          ${column}: { type: integer, nullable: true }
`;
  const p = await project(POSTGRES, manifest('total'));
  expect((await p.run(['push'])).code).toBe(0);
  await p.sql(`insert into shop.orders (total) values (5)`);
  await p.write(manifest('amount'));
  const dry = await p.run(['push', '--dry-run']);
  expect(dry.code).toBe(1);
  expect(dry.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('    -- '))).toEqual([
    expect.stringMatching(/^shop → .*: refused, 2 statements$/),
    '  ALTER TABLE "shop"."orders" DROP COLUMN "total";',
    '  ALTER TABLE "shop"."orders" ADD COLUMN "amount" integer;',
    '  drops column shop.orders.total: 1 row affected',
    '  nothing was changed; re-run with --accept-data-loss to apply',
  ]);
  const accepted = await p.run(['push', '--dry-run', '--accept-data-loss']);
  expect(accepted.code).toBe(0);
  expect(accepted.stdout).toMatch(/would be altered, 2 statements/);
  expect(await p.sql(`select total from shop.orders`)).toEqual([{ total: 5 }]);
});
