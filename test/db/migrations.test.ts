import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { POSTGRES, project } from '../support/project.js';

const manifest = (extra = '') => `version: 1
services:
  crm:
    tables:
      customers:
        comment: People who buy.
        columns:
          name: { type: text }
${extra}  billing:
    tables:
      invoices:
        columns:
          customer_id: { type: uuid, references: { service: crm, table: customers } }
          total: { type: integer }
`;

const history = (p: { sql: <T>(q: string) => Promise<T[]> }, service: string) =>
  p.sql<{ hash: string }>(`select hash from drizzle.__drizzle_migrations_${service} order by id`);

// Scenario 10: per-service migrations, one history table each.
test('two services migrate into one database with separate histories; re-running is a no-op', async () => {
  const p = await project(POSTGRES, manifest());
  const generated = await p.run(['migrations', 'generate']);
  expect(generated.stdout).toBe(
    'crm: wrote migrations/crm/0000_crm.sql (3 statements)\nbilling: wrote migrations/billing/0000_billing.sql (3 statements)\n',
  );
  expect(readdirSync(join(p.dir, 'migrations', 'crm', 'meta')).sort()).toEqual(['0000_snapshot.json', '_journal.json']);
  expect(readFileSync(join(p.dir, 'migrations/crm/0000_crm.sql'), 'utf8')).toContain(
    `COMMENT ON TABLE "crm"."customers" IS 'People who buy.';`,
  );

  const first = await p.run(['migrate']);
  expect(first.stderr).toBe('');
  expect(first.stdout).toMatch(/^crm → .*: applied 1 migration$/m);
  expect(first.stdout).toMatch(/^billing → .*: applied 1 migration$/m);
  expect(await history(p, 'crm')).toHaveLength(1);
  expect(await history(p, 'billing')).toHaveLength(1);
  expect((await p.run(['verify'])).code).toBe(0);

  const again = await p.run(['migrate']);
  expect(again.code).toBe(0);
  expect(again.stdout).toMatch(/^crm → .*: up to date$/m);
  expect(again.stdout).toMatch(/^billing → .*: up to date$/m);

  // A change to one service adds a migration to its history only.
  await p.write(manifest('          email: { type: text, nullable: true }\n'));
  const next = await p.run(['migrations', 'generate']);
  expect(next.stdout).toBe('crm: wrote migrations/crm/0001_crm.sql (1 statement)\nbilling: no changes\n');
  const applied = await p.run(['migrate']);
  expect(applied.stdout).toMatch(/^crm → .*: applied 1 migration$/m);
  expect(applied.stdout).toMatch(/^billing → .*: up to date$/m);
  expect(await history(p, 'crm')).toHaveLength(2);
  expect(await history(p, 'billing')).toHaveLength(1);
  expect((await p.run(['verify'])).code).toBe(0);
});

test('migrate without generated migrations fails with a hint', async () => {
  const p = await project(POSTGRES, manifest());
  const result = await p.run(['migrate', 'crm']);
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(/no migrations in migrations\/crm; run: npx schemagen migrations generate crm/);
});

const STATUS = (values: string, fallback: string) => `version: 1
services:
  shop:
    enums:
      status: [${values}]
    tables:
      orders:
        columns:
          status: { type: status, default: ${fallback} }
`;

test('an enum value added and used as the default becomes a migration of its own that migrate commits first', async () => {
  const p = await project(POSTGRES, STATUS('open, closed', 'open'));
  expect((await p.run(['migrations', 'generate'])).code).toBe(0);
  expect((await p.run(['migrate'])).stdout).toMatch(/applied 1 migration$/m);
  await p.write(STATUS('draft, open, closed', 'draft'));
  const generated = await p.run(['migrations', 'generate']);
  expect(generated.stdout).toBe(
    'shop: wrote migrations/shop/0001_shop_enum_values.sql and migrations/shop/0002_shop.sql (2 statements)\n',
  );
  expect(readFileSync(join(p.dir, 'migrations/shop/0001_shop_enum_values.sql'), 'utf8')).toBe(
    `ALTER TYPE "shop"."status" ADD VALUE IF NOT EXISTS 'draft' BEFORE 'open';\n`,
  );
  const migrated = await p.run(['migrate']);
  expect(migrated.stderr).toBe('');
  expect(migrated.stdout).toMatch(/^shop → .*: applied 2 migrations$/m);
  expect((await p.run(['verify'])).code).toBe(0);
  expect(await history(p, 'shop')).toHaveLength(3);
  expect((await p.run(['migrate'])).stdout).toMatch(/up to date$/m);
});

test('a migration that fails shows the database message and code, not the driver wrapper', async () => {
  const p = await project(POSTGRES, STATUS('open, closed', 'open'));
  expect((await p.run(['migrations', 'generate'])).code).toBe(0);
  await p.sql(`create schema shop; create table shop.orders (id int)`);
  const migrated = await p.run(['migrate']);
  expect(migrated.code).toBe(1);
  expect(migrated.stderr).toMatch(/^shop → .*: failed: schema "shop" already exists \(42P06\)$/m);
  expect(migrated.stderr).not.toMatch(/Failed query|params:/);
});
