import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import postgres from 'postgres';
import { expect, test } from 'vitest';
import * as accounts from '../fixtures/tenants/expected/accounts/index.js';
import { tenantDb } from '../fixtures/tenants/expected/shop/db.js';
import * as shop from '../fixtures/tenants/expected/shop/index.js';
import { FIXTURES } from '../support/fixtures.js';
import { POSTGRES, project } from '../support/project.js';

/**
 * The generated factory as an application uses it: one shared client, and per request the tenant's
 * database (tenantDb), whose tables and relations are bound to that tenant's schema.
 */
test('a request-scoped query sees only its tenant; relations and the soft-delete helpers work per tenant', async () => {
  const p = await project(POSTGRES, readFileSync(join(FIXTURES, 'tenants', 'schema.yaml'), 'utf8'));
  await p.sql(
    `create table public.tenants (slug text primary key); insert into public.tenants values ('acme'), ('globex')`,
  );
  const pushed = await p.run(['push']);
  expect(pushed.code, pushed.stderr).toBe(0);
  const client = postgres(p.env['DATABASE_URL']!, { onnotice: () => {} });
  try {
    const [user] = await tenantDb(client, 'acme')
      .insert(accounts.users)
      .values({ email: 'ada@example.com' })
      .returning();
    // What a request handler does: look up the tenant's database, then query it like any Drizzle database.
    const handle = async (tenant: string, quantity: number) => {
      const db = tenantDb(client, tenant);
      const { orders, orderLines } = shop.forTenant(tenant);
      const [order] = await db.insert(orders).values({ placedBy: user!.id }).returning();
      await db.insert(orderLines).values({ orderId: order!.id, quantity });
      return db.query.orders.findMany({ with: { orderLines: true } });
    };
    const acme = await handle('acme', 3);
    const globex = await handle('globex', 7);
    expect(acme.map((o) => o.orderLines.map((l) => l.quantity))).toEqual([[3]]);
    expect(globex.map((o) => o.orderLines.map((l) => l.quantity))).toEqual([[7]]);
    expect(tenantDb(client, 'acme')).toBe(tenantDb(client, 'acme'));
    expect(shop.forTenant('globex')).toBe(shop.forTenant('globex'));

    const { orders } = shop.forTenant('acme');
    const [deleted] = await shop.softDelete(tenantDb(client, 'acme'), orders, eq(orders.status, 'open'));
    expect(deleted!.isDeleted).toBe(true);
    const live = await tenantDb(client, 'globex')
      .select()
      .from(shop.forTenant('globex').orders)
      .where(shop.notDeleted(shop.forTenant('globex').orders));
    expect(live).toHaveLength(1);
    // quantity is the service's domain, created in each tenant's schema with its check
    const zero = tenantDb(client, 'globex')
      .insert(shop.forTenant('globex').orderLines)
      .values({ orderId: globex[0]!.id, quantity: 0 });
    await expect(zero).rejects.toHaveProperty('cause.constraint_name', 'quantity_positive');
    expect(() => shop.tenantSchemaName('Acme; drop')).toThrow('invalid tenant name "Acme; drop"');
  } finally {
    await client.end();
  }
});
