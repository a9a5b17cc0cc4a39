import { describe, expect, test } from 'vitest';
import { dropTenant, loadProject, openTenants } from '../../src/index.js';
import { withSql } from '../support/databases.js';
import { ORDERS_MANIFEST, POSTGRES, project, type Project } from '../support/project.js';
import { TENANT_URLS, databaseManifest, json, statuses } from '../support/tenants.js';

/**
 * A service with a database per tenant: the fleet machinery of a schema per tenant (one comparison per
 * distinct state, each tenant in its own transaction, canary, resume, verify), with each tenant in its
 * own database, on one or several servers. The servers here are one server reached by two host
 * spellings (127.0.0.1 and localhost), which push counts as two.
 */
const TOTAL = `\n          total: { type: integer }`;
const NOTE = `\n          note: { type: text, nullable: true }`;

interface Fleet {
  readonly p: Project;
  /** the control database's name: the tenant databases are <control>_<tenant> */
  readonly control: string;
  /** a tenant's database URL */
  readonly url: (tenant: string, host?: string) => string;
  /** SQL in a tenant's database */
  readonly sql: <T>(tenant: string, text: string) => Promise<T[]>;
}

/** A project whose shop has a database per tenant; `names` get an empty database each, `elsewhere` theirs by localhost. */
async function fleet(names: readonly string[], elsewhere: readonly string[] = [], extra = ''): Promise<Fleet> {
  const p = await project(POSTGRES, ORDERS_MANIFEST);
  const controlUrl = new URL(p.env['DATABASE_URL']!);
  const control = controlUrl.pathname.slice(1);
  const url = (tenant: string, host = controlUrl.hostname) => {
    const u = new URL(controlUrl);
    u.hostname = host;
    u.pathname = `/${control}_${tenant}`;
    return u.toString();
  };
  await p.write(databaseManifest(control, extra));
  const all = [...names, ...elsewhere];
  await p.sql(TENANT_URLS);
  // One at a time: CREATE DATABASE refuses to run in the implicit transaction of several statements.
  for (const n of all) await p.sql(`create database ${control}_${n}`);
  if (all.length > 0)
    await p.sql(
      `insert into public.tenants values ${all
        .map((n) => `('${n}', ${elsewhere.includes(n) ? `'${url(n, 'localhost')}'` : 'null'})`)
        .join(', ')}`,
    );
  const sql = <T>(tenant: string, text: string) =>
    withSql(url(tenant), async (s) => (await s.unsafe(text)) as unknown as T[]);
  return { p, control, url, sql };
}

describe('on postgres only', () => {
  test('push brings every tenant database in line, on two servers; a second push changes nothing; verify agrees', async () => {
    const { p, control, sql } = await fleet(['acme', 'globex'], ['initech']);
    const first = await p.run(['push', '--json']);
    expect(first.code, first.stderr).toBe(0);
    expect(statuses(first.stdout)).toEqual({ acme: 'created', globex: 'created', initech: 'created' });
    const tenants = json(first.stdout).fleets[0]!.tenants as unknown as { tenant: string; database: string }[];
    expect(tenants.find((t) => t.tenant === 'initech')!.database).toMatch(
      new RegExp(`^postgres://postgres(:\\*\\*\\*)?@localhost:\\d+/${control}_initech$`),
    );
    // The service's schema in each tenant database, with its own foreign keys there; accounts stays in the control database.
    for (const tenant of ['acme', 'globex', 'initech'])
      expect(
        await sql(
          tenant,
          `select pg_get_constraintdef(oid) as def from pg_constraint where conname = 'order_lines_order_id_fkey'`,
        ),
      ).toEqual([{ def: 'FOREIGN KEY (order_id) REFERENCES shop.orders(id) ON DELETE CASCADE' }]);
    expect(await p.sql(`select nspname from pg_namespace where nspname in ('shop', 'accounts')`)).toEqual([
      { nspname: 'accounts' },
    ]);
    const again = await p.run(['push', '--json']);
    expect(statuses(again.stdout)).toEqual({ acme: 'unchanged', globex: 'unchanged', initech: 'unchanged' });
    // Tenants in the same state share one plan wherever their databases are.
    await p.write(databaseManifest(control, NOTE));
    const dry = await p.run(['push', '--dry-run']);
    expect(dry.stdout).toMatch(
      / {2}globex \(postgres:.*_globex\): would be altered, 1 statement\n {4}the same statements as acme,/,
    );
    expect(dry.stdout).toMatch(
      / {2}initech \(postgres:.*@localhost:.*_initech\): would be altered, 1 statement\n {4}the same statements as acme,/,
    );
    await p.write(databaseManifest(control));
    const verified = await p.run(['verify']);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toContain(`shop (${control}_{tenant}) → `);
    expect(verified.stdout).toContain(': 3 tenants, every one matches the manifest');
    await sql('globex', `alter table shop.orders drop column status`);
    const drifted = await p.run(['verify']);
    expect(drifted.code).toBe(1);
    expect(drifted.stderr).toContain('1 tenant of 3 differ');
    expect(drifted.stderr).toMatch(
      new RegExp(
        `  globex \\(postgres://postgres(:\\*\\*\\*)?@127\\.0\\.0\\.1:\\d+/${control}_globex\\): 1 difference`,
      ),
    );
  });

  test('an unreachable tenant database fails alone, named; the others are pushed and verified', async () => {
    const { p, control, url } = await fleet(['acme', 'globex']);
    // hooli's database was never created; umbrella's server is not there; wayne names acme's database.
    await p.sql(
      `insert into public.tenants values ('hooli', null), ('umbrella', 'postgres://postgres@127.0.0.1:1/umbrella'),
        ('wayne', '${url('acme')}')`,
    );
    const pushed = await p.run(['push', '--json']);
    expect(pushed.code).toBe(1);
    expect(statuses(pushed.stdout)).toEqual({
      acme: 'created',
      globex: 'created',
      hooli: 'failed',
      umbrella: 'failed',
      wayne: 'failed',
    });
    const reasons = Object.fromEntries(json(pushed.stdout).fleets[0]!.tenants.map((t) => [t.tenant, t.reasons[0]]));
    expect(reasons['hooli']).toMatch(
      new RegExp(
        `its database postgres://postgres(:\\*\\*\\*)?@127\\.0\\.0\\.1:\\d+/${control}_hooli cannot be read: .*${control}_hooli.* does not exist`,
      ),
    );
    expect(reasons['umbrella']).toMatch(
      /its database postgres:\/\/postgres(:\*\*\*)?@127\.0\.0\.1:1\/umbrella cannot be read: .*ECONNREFUSED/,
    );
    expect(reasons['wayne']).toMatch(/^its database postgres:.*_acme is tenant acme's$/);
    const text = await p.run(['push']);
    expect(text.code).toBe(1);
    expect(text.stderr).toMatch(/ {2}hooli \(postgres:\/\/postgres(:\*\*\*)?@127\.0\.0\.1:\d+\/.*_hooli\): failed/);
    const verified = await p.run(['verify']);
    expect(verified.code).toBe(1);
    expect(verified.stderr).toContain('3 tenants of 5 differ');
    expect(verified.stderr).toMatch(
      new RegExp(`  hooli: cannot verify: its database .*/${control}_hooli cannot be read`),
    );
    expect(verified.stderr).not.toMatch(/^  (acme|globex)/m);
  });

  test('two pushes at once apply each tenant database once: the advisory lock is taken in the tenant database', async () => {
    const names = Array.from({ length: 6 }, (_, i) => `t${i}`);
    const { p } = await fleet(names);
    const [a, b] = await Promise.all([p.run(['push', '--json']), p.run(['push', '--json'])]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const sa = statuses(a.stdout);
    const sb = statuses(b.stdout);
    for (const n of names) expect([sa[n], sb[n]].sort()).toEqual(['created', 'unchanged']);
    expect((await p.run(['verify'])).code).toBe(0);
  });

  test('a canary that fails stops the rest; a re-run pushes only the tenants not in sync', async () => {
    const { p, control, sql } = await fleet(['acme', 'globex'], ['initech']);
    expect((await p.run(['push'])).code).toBe(0);
    // acme holds a row that a new NOT NULL column without a default cannot take.
    await sql('acme', `insert into shop.orders (status) values ('paid')`);
    await p.write(databaseManifest(control, TOTAL));
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
      await sql('globex', `select column_name from information_schema.columns where column_name = 'total'`),
    ).toEqual([]);
    const rest = await p.run(['push', '--json']);
    expect(rest.code).toBe(1);
    expect(statuses(rest.stdout)).toMatchObject({ globex: 'altered', initech: 'altered' });
    await sql('acme', `delete from shop.orders`);
    const resumed = await p.run(['push', '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(statuses(resumed.stdout)).toEqual({ acme: 'altered', globex: 'unchanged', initech: 'unchanged' });
    expect((await p.run(['verify'])).code).toBe(0);
  });

  test('a dry run plans each distinct state once and changes no tenant database', async () => {
    const { p, sql } = await fleet(['acme', 'globex', 'initech']);
    const dry = await p.run(['push', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('3 tenants: 3 would be created');
    expect(dry.stdout).toContain('CREATE TABLE "shop"."orders"');
    expect(dry.stdout).toMatch(/the same statements as acme, in postgres:\/\/.*_globex/);
    for (const tenant of ['acme', 'globex', 'initech'])
      expect(await sql(tenant, `select nspname from pg_namespace where nspname = 'shop'`)).toEqual([]);
  });

  test('createTenant makes the database when it may and pushes it; dropTenant drops it under the data-loss rules', async () => {
    const { p, control, sql } = await fleet([]);
    expect((await p.run(['push'])).code).toBe(0);
    await p.sql(`insert into public.tenants values ('acme', null), ('globex', null)`);
    const exists = async (tenant: string) =>
      (await p.sql(`select datname from pg_database where datname = '${control}_${tenant}'`)).length === 1;
    const loaded = await loadProject({ cwd: p.dir });
    const admin = openTenants(loaded, { env: p.env });
    try {
      const acme = await admin.create('shop', 'acme');
      expect(acme).toMatchObject({ tenant: 'acme', schema: 'shop', status: 'created' });
      expect(acme.target).toMatch(new RegExp(`/${control}_acme$`));
      expect(acme.statements[0]).toBe(`CREATE DATABASE "${control}_acme"`);
      expect(acme.statements).toContain('CREATE SCHEMA IF NOT EXISTS "shop"');
      // globex's database exists already (an operator made it): it is filled with the statements that made acme.
      await p.sql(`create database ${control}_globex`);
      const globex = await admin.create('shop', 'globex');
      expect(globex.status).toBe('created');
      expect(globex.statements).toEqual(acme.statements.slice(1));
      expect((await admin.create('shop', 'acme')).status).toBe('unchanged');
    } finally {
      await admin.close();
    }
    const verified = await p.run(['verify', '--tenant', 'acme,globex']);
    expect(verified.code, verified.stderr).toBe(0);

    await sql('acme', `insert into shop.orders (status) values ('paid')`);
    const options = { env: p.env };
    const refused = await dropTenant(loaded, 'shop', 'acme', options);
    expect(refused.status).toBe('refused');
    expect(refused.statements).toEqual([`DROP DATABASE "${control}_acme"`]);
    expect(refused.reasons[0]).toContain('DATA LOSS: dropping schema shop deletes the rows of 1 table (shop.orders)');
    expect(await exists('acme')).toBe(true);
    await sql('globex', `create table public.audit (at timestamptz)`);
    const foreign = await dropTenant(loaded, 'shop', 'globex', { ...options, acceptDataLoss: true });
    expect(foreign.status).toBe('refused');
    expect(foreign.reasons[0]).toContain('would also drop 1 schema push does not manage (public)');
    const dropped = await dropTenant(loaded, 'shop', 'acme', { ...options, acceptDataLoss: true });
    expect(dropped).toMatchObject({ status: 'altered', statements: [`DROP DATABASE "${control}_acme"`] });
    expect(await exists('acme')).toBe(false);
    expect((await dropTenant(loaded, 'shop', 'acme', options)).status).toBe('unchanged');

    const cli = await p.run(['tenant', 'create', 'shop', 'initech']);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toContain(`CREATE DATABASE "${control}_initech"`);
  });
});
