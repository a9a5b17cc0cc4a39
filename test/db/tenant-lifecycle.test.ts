import { describe, expect, test } from 'vitest';
import { UserError, dropTenant, loadProject, openTenants, push } from '../../src/index.js';
import { BOTH, POSTGRES, project, type Project } from '../support/project.js';
import { manifest } from '../support/tenants.js';

/**
 * Tenants made one at a time, as a sign-up does: created fully pushed (the first one compared after its
 * push, every later one from the same statements), dropped under push's data-loss rules.
 */
const MANIFEST = manifest('\n        indexes:\n          - columns: [status]', '');

const options = (p: Project, embedded: boolean) => ({ env: p.env, embedded });
const loaded = (p: Project) => loadProject({ cwd: p.dir });

describe.each(BOTH)('on $name', (kind) => {
  const embedded = kind.name === 'pglite';

  test('createTenant makes a tenant push and verify find matching; dropTenant refuses to lose rows', async () => {
    const p = await project(kind, MANIFEST);
    expect((await p.run(['push'])).code).toBe(0);
    const admin = openTenants(await loaded(p), options(p, embedded));
    try {
      const first = await admin.create('shop', 'acme');
      expect(first).toMatchObject({ service: 'shop', tenant: 'acme', schema: 'tenant_acme', status: 'created' });
      const second = await admin.create('shop', 'globex');
      expect(second.status).toBe('created');
      // The later tenant ran the first one's statements in its own schema.
      expect(second.statements).toEqual(first.statements.map((s) => s.replaceAll('tenant_acme', 'tenant_globex')));
      expect((await admin.create('shop', 'globex')).status).toBe('unchanged');
      await expect(admin.create('shop', 'Not-Valid')).rejects.toThrow(UserError);
      await expect(admin.create('shop', 'Not-Valid')).rejects.toThrow('invalid tenant name "Not-Valid"');
    } finally {
      await admin.close();
    }
    const verified = await p.run(['verify', '--tenant', 'acme,globex']);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toContain('2 tenants, every one matches the manifest');

    await p.sql(`insert into tenant_acme.orders (status) values ('paid')`);
    const project_ = await loaded(p);
    const refused = await dropTenant(project_, 'shop', 'acme', options(p, embedded));
    expect(refused.status).toBe('refused');
    expect(refused.reasons[0]).toContain(
      'DATA LOSS: dropping schema tenant_acme deletes the rows of 1 table (tenant_acme.orders)',
    );
    expect(await p.sql(`select count(*)::int as n from tenant_acme.orders`)).toEqual([{ n: 1 }]);
    const dropped = await dropTenant(project_, 'shop', 'acme', { ...options(p, embedded), acceptDataLoss: true });
    expect(dropped).toMatchObject({ status: 'altered', statements: ['DROP SCHEMA "tenant_acme" CASCADE'] });
    expect((await dropTenant(project_, 'shop', 'acme', options(p, embedded))).status).toBe('unchanged');
    expect(await p.sql(`select nspname from pg_namespace where nspname = 'tenant_acme'`)).toEqual([]);
  });

  test('schemagen tenant create and tenant drop on the command line', async () => {
    const p = await project(kind, MANIFEST);
    expect((await p.run(['push'])).code).toBe(0);
    const created = await p.run(['tenant', 'create', 'shop', 'initech']);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain('shop initech (tenant_initech) → ');
    expect(created.stdout).toContain(': created');
    expect(created.stdout).toContain('CREATE TABLE "tenant_initech"."orders"');
    const wrong = await p.run(['tenant', 'create', 'accounts', 'initech']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('service accounts is not per tenant');
    const dropped = await p.run(['tenant', 'drop', 'shop', 'initech', '--json']);
    expect(dropped.code, dropped.stderr).toBe(0);
    expect(JSON.parse(dropped.stdout)).toMatchObject({ tenant: 'initech', status: 'altered' });
  });
});

describe('on postgres only', () => {
  test('a tenant created fast for a sign-up, and while a fleet push runs', async () => {
    const p = await project(
      POSTGRES,
      manifest('\n        indexes:\n          - columns: [status]', 'from: { schemas: true }'),
    );
    expect((await p.run(['push'])).code).toBe(0);
    const names = Array.from({ length: 30 }, (_, i) => `t${i}`);
    await p.sql(names.map((n) => `create schema tenant_${n}`).join(';'));
    const proj = await loaded(p);
    const admin = openTenants(proj, options(p, false));
    try {
      await admin.create('shop', 'warmup');
      const times: number[] = [];
      for (const n of ['s1', 's2', 's3', 's4', 's5']) {
        const started = performance.now();
        expect((await admin.create('shop', n)).status).toBe('created');
        times.push(performance.now() - started);
      }
      times.sort((a, b) => a - b);
      console.log(`createTenant, warm: median ${times[2]!.toFixed(1)} ms`);
      expect(times[2]).toBeLessThan(250);
      // A fleet push of 30 empty tenant schemas while a sign-up creates another: both finish, all match.
      const [fleet, signUp] = await Promise.all([
        push(proj, { env: p.env, concurrency: 4 }),
        (async () => {
          await new Promise((r) => setTimeout(r, 50));
          return admin.create('shop', 'during');
        })(),
      ]);
      expect(signUp.status).toBe('created');
      expect(fleet.ok).toBe(true);
    } finally {
      await admin.close();
    }
    const verified = await p.run(['verify']);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toContain('37 tenants, every one matches the manifest');
  });
});
