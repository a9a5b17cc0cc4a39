import { createTestDatabase } from 'drizzle-schemagen/testing';
import { describe, expect, test } from 'vitest';
import * as accounts from '../fixtures/tenants/expected/accounts/index.js';
import * as shop from '../fixtures/tenants/expected/shop/index.js';
import * as shopPerDatabase from '../fixtures/tenant-databases/expected/shop/index.js';
import { KINDS, SLOW } from './kinds.js';
import { inject } from 'vitest';

/** A test database for a manifest with a per-tenant service: the tenants the test names, pushed. */
describe.each(KINDS)('createTestDatabase on %s', (kind) => {
  test(
    'creates the tenants asked for; a tenant is queried through its bound tables',
    async () => {
      await using t = await createTestDatabase({
        manifest: 'test/fixtures/tenants/schema.yaml',
        tenants: ['acme', 'globex'],
        schemas: { accounts, shop: { schema: shop.forTenant('acme') } },
        ...(kind === 'postgres' ? { url: inject('postgresUrl') } : {}),
      });
      const [user] = await t.db.accounts.insert(accounts.users).values({ email: 'ada@example.com' }).returning();
      await t.db.shop.insert(shop.forTenant('acme').orders).values({ placedBy: user!.id });
      const orders = await t.db.shop.query.orders.findMany({ with: { orderLines: true } });
      expect(orders).toHaveLength(1);
      expect(await t.query(`select count(*)::int as n from tenant_globex.orders`)).toEqual([{ n: 0 }]);
      expect(await t.query(`select nspname from pg_namespace where nspname like 'tenant%' order by 1`)).toEqual([
        { nspname: 'tenant_acme' },
        { nspname: 'tenant_globex' },
      ]);
    },
    SLOW,
  );

  test(
    "with a database per tenant, the test database is one tenant's: the service's schema is pushed into it",
    async () => {
      await using t = await createTestDatabase({
        manifest: 'test/fixtures/tenant-databases/schema.yaml',
        schemas: { shop: shopPerDatabase },
        ...(kind === 'postgres' ? { url: inject('postgresUrl') } : {}),
      });
      await t.db.shop.insert(shopPerDatabase.orders).values({});
      expect(await t.db.shop.select().from(shopPerDatabase.openOrders)).toHaveLength(1);
      expect(await t.query(`select count(*)::int as n from shop.orders`)).toEqual([{ n: 1 }]);
    },
    SLOW,
  );
});
