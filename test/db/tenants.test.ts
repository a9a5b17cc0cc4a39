import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { BOTH, POSTGRES, project } from '../support/project.js';
import { TENANTS, json, manifest, statuses } from '../support/tenants.js';

/**
 * A per-tenant service is pushed to every tenant's schema: one catalog read, one comparison per
 * distinct state, then each tenant that differs in its own transaction. A broken tenant stops no other,
 * a re-run pushes only the tenants not in sync, and verify reports tenant by tenant.
 */
describe.each(BOTH)('on $name', (kind) => {
  test('push creates every tenant schema with its tables bound to it; a second push changes nothing', async () => {
    const p = await project(kind, manifest());
    await p.sql(TENANTS);
    const first = await p.run(['push', '--json']);
    expect(first.code, first.stderr).toBe(0);
    expect(statuses(first.stdout)).toEqual({ acme: 'created', globex: 'created', initech: 'created' });
    const fks = await p.sql<{ def: string }>(
      `select pg_get_constraintdef(oid) as def from pg_constraint where conname = 'order_lines_order_id_fkey'
        and connamespace = 'tenant_globex'::regnamespace`,
    );
    expect(fks).toEqual([{ def: 'FOREIGN KEY (order_id) REFERENCES tenant_globex.orders(id) ON DELETE CASCADE' }]);
    const again = await p.run(['push', '--json']);
    expect(statuses(again.stdout)).toEqual({ acme: 'unchanged', globex: 'unchanged', initech: 'unchanged' });
    const verified = await p.run(['verify']);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toContain('shop (tenant_{tenant}) → ');
    expect(verified.stdout).toContain(': 3 tenants, every one matches the manifest');
  });

  test('a change reaches every tenant; --tenant narrows push and verify to the tenants named', async () => {
    const p = await project(kind, manifest());
    await p.sql(TENANTS);
    expect((await p.run(['push'])).code).toBe(0);
    await p.write(
      manifest(`\n          note: { type: text, nullable: true }\n        indexes:\n          - columns: [status]`),
    );
    const one = await p.run(['push', '--tenant', 'globex', '--json']);
    expect(one.code, one.stderr).toBe(0);
    expect(statuses(one.stdout)).toEqual({ globex: 'altered' });
    const verified = await p.run(['verify']);
    expect(verified.code).toBe(1);
    expect(verified.stderr).toContain('2 tenants of 3 differ');
    expect(verified.stderr).toContain('tenant_acme.orders.note: column is missing');
    expect(verified.stderr).not.toContain('tenant_globex');
    expect((await p.run(['verify', '--tenant', 'globex'])).code).toBe(0);
    const rest = await p.run(['push', '--json']);
    expect(statuses(rest.stdout)).toEqual({ acme: 'altered', globex: 'unchanged', initech: 'altered' });
    expect((await p.run(['verify'])).code).toBe(0);
  });

  test('a broken tenant fails alone and a re-run pushes only the tenants not in sync', async () => {
    const p = await project(kind, manifest());
    await p.sql(TENANTS);
    expect((await p.run(['push'])).code).toBe(0);
    // globex holds a row that the new NOT NULL column without a default cannot take.
    await p.sql(`insert into tenant_globex.orders (status) values ('paid')`);
    await p.write(manifest(`\n          total: { type: integer }`));
    const broken = await p.run(['push', '--json']);
    expect(broken.code).toBe(1);
    const report = json(broken.stdout);
    expect(report.ok).toBe(false);
    expect(statuses(broken.stdout)).toMatchObject({ acme: 'altered', initech: 'altered' });
    expect(['failed', 'refused']).toContain(statuses(broken.stdout)['globex']);
    await p.sql(`delete from tenant_globex.orders`);
    const resumed = await p.run(['push', '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(statuses(resumed.stdout)).toEqual({ acme: 'unchanged', globex: 'altered', initech: 'unchanged' });
  });

  test('bad tenant names and an unknown --tenant fail alone; a failing tenants query names the service', async () => {
    const p = await project(kind, manifest());
    await p.sql(`${TENANTS}; insert into public.tenants values ('Bad-Name')`);
    const pushed = await p.run(['push', '--json']);
    expect(pushed.code).toBe(1);
    const tenants = json(pushed.stdout).fleets[0]!.tenants;
    expect(tenants.find((t) => t.tenant === 'Bad-Name')).toMatchObject({ status: 'failed' });
    expect(tenants.find((t) => t.tenant === 'Bad-Name')!.reasons[0]).toContain('invalid tenant name "Bad-Name"');
    expect(tenants.filter((t) => t.status === 'created').map((t) => t.tenant)).toEqual(['acme', 'globex', 'initech']);
    const unknown = await p.run(['push', '--tenant', 'hooli']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('hooli: failed');
    expect(unknown.stderr).toContain('not a tenant of service shop (its query does not list it)');

    await p.sql(`drop table public.tenants`);
    const lost = await p.run(['push']);
    expect(lost.code).toBe(1);
    expect(lost.stderr).toMatch(
      /shop \(tenant_\{tenant\}\) → .*: service shop: the tenants query "select slug from public.tenants order by slug" failed, so its tenants are unknown: .*tenants.* does not exist/,
    );
    // The shared service was still pushed.
    expect(lost.stdout).toContain('accounts → ');
  });

  test('a dry run plans each distinct state once and changes nothing', async () => {
    const p = await project(kind, manifest());
    await p.sql(TENANTS);
    const dry = await p.run(['push', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('3 tenants: 3 would be created');
    expect(dry.stdout).toContain('CREATE TABLE "tenant_acme"."orders"');
    expect(dry.stdout).toContain('the same statements as acme, in tenant_globex');
    expect(await p.sql(`select nspname from pg_namespace where nspname like 'tenant%'`)).toEqual([]);
  });
});

describe('on postgres only', () => {
  test('tenants pushed concurrently, and two pushes at once never apply a tenant twice', async () => {
    const p = await project(POSTGRES, manifest());
    const names = Array.from({ length: 12 }, (_, i) => `t${i}`);
    await p.sql(`create table public.tenants (slug text primary key);
      insert into public.tenants values ${names.map((n) => `('${n}')`).join(', ')}`);
    const [a, b] = await Promise.all([
      p.run(['push', '--concurrency', '6', '--json']),
      p.run(['push', '--concurrency', '6', '--json']),
    ]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    // Each tenant was created by exactly one of them; the other found it made (unchanged) or altered nothing.
    const sa = statuses(a.stdout);
    const sb = statuses(b.stdout);
    for (const n of names) expect([sa[n], sb[n]].sort()).toEqual(['created', 'unchanged']);
    expect((await p.run(['verify'])).code).toBe(0);
  });

  test('a canary that fails stops the push before the other tenants; without a failure the rest follow', async () => {
    const p = await project(POSTGRES, manifest());
    await p.sql(TENANTS);
    expect((await p.run(['push'])).code).toBe(0);
    await p.sql(`insert into tenant_acme.orders (status) values ('paid')`);
    await p.write(manifest(`\n          total: { type: integer }`));
    const stopped = await p.run(['push', '--canary', '1', '--json']);
    expect(stopped.code).toBe(1);
    const report = json(stopped.stdout).fleets[0]!.tenants;
    expect(report.map((t) => [t.tenant, t.status])).toEqual([
      ['acme', expect.stringMatching(/^(failed|refused)$/)],
      ['globex', 'skipped'],
      ['initech', 'skipped'],
    ]);
    expect(report[1]!.reasons).toEqual(['not pushed: the canary stopped at acme']);
    expect(
      await p.sql(`select count(*)::int as n from information_schema.columns where column_name = 'total'`),
    ).toEqual([{ n: 0 }]);
    await p.sql(`delete from tenant_acme.orders`);
    const text = await p.run(['push', '--canary', '1']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('3 tenants: 3 altered');
  });

  test("tenants in one state share a plan, except where a tenant's rows call for the online forms", async () => {
    const p = await project(POSTGRES, manifest());
    const names = ['a1', 'a2', 'a3', 'busy', 'a4'];
    await p.sql(`create table public.tenants (slug text primary key);
      insert into public.tenants values ${names.map((n) => `('${n}')`).join(', ')}`);
    expect((await p.run(['push'])).code).toBe(0);
    await p.sql(`insert into tenant_busy.orders (status) values ('paid')`);
    await p.write(
      manifest(`\n          note: { type: text, nullable: true }\n        indexes:\n          - columns: [note]`),
    );
    // One at a time, so that a1's plan is there for the others.
    const pushed = await p.run(['push', '--concurrency', '1', '--json']);
    expect(pushed.code, pushed.stderr).toBe(0);
    const tenants = json(pushed.stdout).fleets[0]!.tenants;
    const index = (tenant: string) => tenants.find((t) => t.tenant === tenant)!.statements.find((s) => /INDEX/.test(s));
    expect(index('a1')).toBe('CREATE INDEX "orders_note_idx" ON "tenant_a1"."orders" USING btree ("note")');
    for (const n of ['a2', 'a3', 'a4']) expect(index(n)).toBe(index('a1')!.replace('tenant_a1', `tenant_${n}`));
    expect(index('busy')).toBe(
      'CREATE INDEX CONCURRENTLY "orders_note_idx" ON "tenant_busy"."orders" USING btree ("note")',
    );
    expect((await p.run(['verify'])).code).toBe(0);
  });

  test('tenants from the schemas that match the pattern, and from a file', async () => {
    const p = await project(
      POSTGRES,
      manifest().replace('{ query: select slug from public.tenants order by slug }', '{ schemas: true }'),
    );
    await p.sql(
      `create schema tenant_one; create schema tenant_two; create schema tenantthree; create schema "tenant_Bad"`,
    );
    const pushed = await p.run(['push', '--json']);
    expect(pushed.code, pushed.stderr).toBe(0);
    expect(statuses(pushed.stdout)).toEqual({ one: 'created', two: 'created' });
    writeFileSync(join(p.dir, 'tenants.txt'), '# one tenant a line\none\n\nthree  # a new one\n');
    await p.write(
      manifest().replace('{ query: select slug from public.tenants order by slug }', '{ file: tenants.txt }'),
    );
    const fromFile = await p.run(['push', '--json']);
    expect(fromFile.code, fromFile.stderr).toBe(0);
    expect(statuses(fromFile.stdout)).toEqual({ one: 'unchanged', three: 'created' });
  });
});
