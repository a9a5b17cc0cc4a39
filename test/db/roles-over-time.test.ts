import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cli, spawnCli, type CliResult } from '../support/cli.js';
import { freshDatabase, withSql } from '../support/databases.js';
import { startPostgres, type PostgresServer } from '../support/postgres-server.mjs';
import { PGLITE, project } from '../support/project.js';

// roles.test.ts checks the platform manifest; this file checks the parts of the role model
// that only show over time or under load: sequences, the own schema's data-only grants, tables added after
// the roles, grants taken back when a reference goes, repeated and concurrent applies, passwords.

const SECRET = 's3cr3t-Pa55';

const manifest = (ordersReference: 'products' | 'brands' | null, extraTables = '') => `version: 1
base:
  id: { type: uuid, primaryKey: true, default: { sql: gen_random_uuid() } }
services:
  catalog:
    tables:
      products:
        columns:
          name: { type: text }
      suppliers:
        columns:
          name: { type: text }
      brands:
        columns:
          name: { type: text }
  orders:
    tables:
      orders:
        columns:
          product_id: { type: uuid, nullable: true${ordersReference ? `, references: { service: catalog, table: ${ordersReference} }` : ''} }
      lines:
        base: false
        columns:
          id: { type: serial, primaryKey: true }
          qty: { type: integer }
${extraTables}`;

/** Whether PUBLIC (grantee 0 in the ACL) holds CREATE on schema public, and whether `role` may create there. */
const publicCreate = (
  role: string,
) => `select coalesce(bool_or(a.grantee = 0 and a.privilege_type = 'CREATE'), false) as everyone,
    has_schema_privilege('${role}', 'public', 'CREATE') as role
  from pg_namespace n, aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a where n.nspname = 'public'`;

const NOTES = `      notes:
        columns:
          body: { type: text }
`;

function projectDir(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'schemagen-roles-'));
  writeFileSync(join(dir, 'schema.yaml'), text);
  return dir;
}

async function rewrite(dir: string, text: string) {
  writeFileSync(join(dir, 'schema.yaml'), text);
  expect((await cli(['generate'], { cwd: dir })).stderr).toBe('');
}

const expectOk = (r: CliResult, what: string) => {
  expect(r.stderr, what).toBe('');
  expect(r.code, what).toBe(0);
};

/** Runs statements as `role` over its own login; 'ok' or the error message. */
async function as(url: string, role: string, statement: string, password?: string): Promise<string> {
  const u = new URL(url);
  u.username = role;
  u.password = password === undefined ? '' : encodeURIComponent(password);
  const sql = postgres(u.toString(), { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    await sql.unsafe(statement).simple();
    return 'ok';
  } catch (err) {
    return (err as Error).message;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

describe('on PostgreSQL, logged in as the service role', () => {
  let url = '';
  let dir = '';
  const asOrders = (statement: string) => as(url, 'orders_svc', statement);

  beforeAll(async () => {
    url = await freshDatabase('roles_top');
    dir = projectDir(manifest('products'));
    expectOk(await cli(['generate'], { cwd: dir }), 'generate');
    expectOk(await cli(['push'], { cwd: dir, env: { DATABASE_URL: url } }), 'push');
  });

  test('apply twice: same statements, both succeed', async () => {
    const first = await cli(['roles', '--apply'], { cwd: dir, env: { DATABASE_URL: url } });
    expectOk(first, 'first apply');
    const second = await cli(['roles', '--apply'], { cwd: dir, env: { DATABASE_URL: url } });
    expectOk(second, 'second apply');
    expect(second.stdout).toBe(first.stdout);
    expect(first.stdout).toMatch(/^orders → .*: role orders_svc applied$/m);
    expect(first.stdout).toContain('GRANT SELECT, REFERENCES ON "catalog"."products" TO "orders_svc";');
    expect(first.stdout).not.toContain('"catalog"."suppliers" TO');
  });

  test('own schema: every DML statement and sequences, but no schema changes', async () => {
    expect(await asOrders(`insert into orders.lines (qty) values (1), (2)`)).toBe('ok');
    expect(await asOrders(`select nextval(pg_get_serial_sequence('orders.lines', 'id'))`)).toBe('ok');
    expect(await asOrders(`update orders.lines set qty = qty + 1`)).toBe('ok');
    expect(await asOrders(`delete from orders.lines where qty = 2`)).toBe('ok');
    expect(await asOrders(`insert into orders.orders (product_id) values (null)`)).toBe('ok');
    expect(await asOrders(`truncate orders.lines`)).toMatch(/permission denied for table lines/);
    expect(await asOrders(`create table orders.scratch (id int)`)).toMatch(/permission denied for schema orders/);
  });

  test('other schemas: only the referenced table, read-only; public is closed', async () => {
    expect(await asOrders('select * from catalog.products')).toBe('ok');
    expect(await asOrders(`insert into catalog.products (name) values ('x')`)).toMatch(
      /permission denied for table products/,
    );
    expect(await asOrders(`update catalog.products set name = 'x'`)).toMatch(/permission denied for table products/);
    expect(await asOrders(`delete from catalog.products`)).toMatch(/permission denied for table products/);
    expect(await asOrders('select * from catalog.suppliers')).toMatch(/permission denied for table suppliers/);
    expect(await asOrders('create table catalog.sneaky (id int)')).toMatch(/permission denied for schema catalog/);
    expect(await asOrders('create table public.sneaky (id int)')).toMatch(/permission denied for schema public/);
    // Nothing references orders from catalog: no access at all, not even to the schema.
    expect(await as(url, 'catalog_svc', 'select * from orders.orders')).toMatch(/permission denied for schema orders/);
    const [privileges] = await withSql(
      url,
      (sql) => sql`select
        has_table_privilege('orders_svc', 'catalog.products', 'REFERENCES') as refs,
        has_table_privilege('orders_svc', 'catalog.products', 'INSERT') as ins,
        has_table_privilege('orders_svc', 'catalog.suppliers', 'REFERENCES') as other_refs,
        has_schema_privilege('orders_svc', 'catalog', 'CREATE') as create_there`,
    );
    expect(privileges).toEqual({ refs: true, ins: false, other_refs: false, create_there: false });
  });

  test('a table pushed after the roles is usable at once (default privileges)', async () => {
    await rewrite(dir, manifest('products', NOTES));
    expectOk(await cli(['push'], { cwd: dir, env: { DATABASE_URL: url } }), 'push notes');
    expect(await asOrders(`insert into orders.notes (body) values ('hi')`)).toBe('ok');
    expect(await asOrders('select body from orders.notes')).toBe('ok');
  });

  test('re-applying after a reference moved takes the old read access back', async () => {
    await rewrite(dir, manifest('brands', NOTES));
    expectOk(await cli(['push'], { cwd: dir, env: { DATABASE_URL: url } }), 'push moved reference');
    expectOk(await cli(['roles', '--apply', 'orders'], { cwd: dir, env: { DATABASE_URL: url } }), 'reapply');
    expect(await asOrders('select * from catalog.brands')).toBe('ok');
    expect(await asOrders('select * from catalog.products')).toMatch(/permission denied for table products/);
    await rewrite(dir, manifest(null, NOTES));
    expectOk(await cli(['push'], { cwd: dir, env: { DATABASE_URL: url } }), 'push without reference');
    expectOk(await cli(['roles', '--apply', 'orders'], { cwd: dir, env: { DATABASE_URL: url } }), 'reapply');
    expect(await asOrders('select * from catalog.brands')).toMatch(/permission denied for schema catalog/);
    expect(await asOrders('select * from orders.notes')).toBe('ok');
  });

  test('two applies at once both succeed', async () => {
    const db = await freshDatabase('roles_race');
    expectOk(await cli(['push'], { cwd: dir, env: { DATABASE_URL: db } }), 'push');
    const runs = await Promise.all(
      [0, 1, 2, 3, 4, 5].map(() => spawnCli(['roles', '--apply'], dir, { DATABASE_URL: db }).done),
    );
    for (const r of runs) expect(r.code, r.out).toBe(0);
    expect(await as(db, 'orders_svc', 'select * from orders.notes')).toBe('ok');
  });

  // PostgreSQL 15 stopped granting CREATE on public to PUBLIC; clusters upgraded from older versions still do.
  test('on a database whose public schema is open to everyone, apply closes it: nobody may create there', async () => {
    const db = await freshDatabase('roles_public');
    expectOk(await cli(['push'], { cwd: dir, env: { DATABASE_URL: db } }), 'push');
    await withSql(db, (sql) => sql`grant create on schema public to public`);
    const [before] = await withSql(db, (sql) => sql.unsafe(publicCreate('postgres')));
    expect(before!['everyone']).toBe(true);
    expectOk(await cli(['roles', '--apply'], { cwd: dir, env: { DATABASE_URL: db } }), 'apply');
    for (const role of ['orders_svc', 'catalog_svc'])
      expect(await withSql(db, (sql) => sql.unsafe(publicCreate(role))), role).toEqual([
        { everyone: false, role: false },
      ]);
    expect(await as(db, 'orders_svc', 'create table public.sneaky (id int)')).toMatch(
      /permission denied for schema public/,
    );
  });

  test('before the schema exists, apply fails with one line saying what to do', async () => {
    const empty = await freshDatabase('roles_empty');
    const result = await cli(['roles', '--apply', 'catalog'], { cwd: dir, env: { DATABASE_URL: empty } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^catalog → .*: failed: schema "catalog" does not exist \(3F000\); run schemagen push first\n$/,
    );
  });
});

describe('passwords, on a server that requires them (scram-sha-256)', () => {
  let server: PostgresServer;
  let dir = '';
  beforeAll(async () => {
    server = await startPostgres({ password: SECRET });
    dir = projectDir(manifest('products'));
    expectOk(await cli(['generate'], { cwd: dir }), 'generate');
    expectOk(await cli(['push'], { cwd: dir, env: { DATABASE_URL: server.url() } }), 'push');
  });
  afterAll(() => server?.stop());

  const apply = (password: string) =>
    cli(['roles', '--apply', '--password-env', 'ROLE_PW'], {
      cwd: dir,
      env: { DATABASE_URL: server.url(), ROLE_PW: password },
    });

  // ASCII goes as a SCRAM verifier made here; other text as a literal the server hashes.
  test.each([`R0le-Pa55 it's \\ "q"`, 'pä’ssw\\ört-Ω 🚀'])(
    'the role logs in with %j, which is never printed',
    async (password) => {
      const applied = await apply(password);
      expectOk(applied, 'apply');
      const output = applied.stdout + applied.stderr;
      for (const secret of [password, SECRET, encodeURIComponent(SECRET)]) expect(output).not.toContain(secret);
      expect(output).toContain(`ALTER ROLE "orders_svc" PASSWORD '***';`);
      expect(await as(server.url(), 'orders_svc', 'select * from orders.orders', password)).toBe('ok');
      expect(await as(server.url(), 'orders_svc', 'select 1', 'wrong')).toMatch(
        /password authentication failed for user "orders_svc"/,
      );
    },
  );

  test('printable passwords are stored as a verifier the client computed', async () => {
    expectOk(await apply('Another-Pa55'), 'apply');
    const [row] = await withSql(
      server.url(),
      (sql) => sql`select rolpassword from pg_authid where rolname = 'orders_svc'`,
    );
    expect(row!['rolpassword']).toMatch(/^SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    expect(await as(server.url(), 'orders_svc', 'select 1', 'Another-Pa55')).toBe('ok');
    expect(await as(server.url(), 'orders_svc', 'select 1', `R0le-Pa55 it's \\ "q"`)).toMatch(
      /password authentication failed/,
    );
  });

  test('without --password-env a role gets no password and cannot log in over TCP', async () => {
    expectOk(await cli(['roles', '--apply', 'catalog'], { cwd: dir, env: { DATABASE_URL: server.url() } }), 'apply');
    // The server asks for a password the client does not have: an authentication error, not any failure.
    expect(await as(server.url(), 'catalog_svc', 'select 1')).toBe(
      'password authentication failed for user "catalog_svc"',
    );
  });

  test('a --password-env naming an unset variable is refused before anything runs', async () => {
    const result = await cli(['roles', '--apply', '--password-env', 'NOT_SET'], {
      cwd: dir,
      env: { DATABASE_URL: server.url() },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('error: --password-env NOT_SET: the variable is not set\n');
    expect(result.stdout).toBe('');
  });
});

test('on PGlite (--embedded): the same grants, checked with SET ROLE', async () => {
  const p = await project(PGLITE, manifest('products'));
  expectOk(await p.run(['push']), 'push');
  await p.sql('grant create on schema public to public');
  expectOk(await p.run(['roles', '--apply']), 'apply');
  expect(await p.sql(publicCreate('orders_svc'))).toEqual([{ everyone: false, role: false }]);
  expectOk(await p.run(['roles', '--apply']), 'apply again');
  const asOrders = async (statement: string) => {
    try {
      await p.sql(`set role orders_svc; ${statement}`);
      return 'ok';
    } catch (err) {
      return (err as Error).message;
    }
  };
  expect(
    await asOrders(`insert into orders.lines (qty) values (1); insert into orders.orders (product_id) values (null)`),
  ).toBe('ok');
  expect(await asOrders('select * from catalog.products')).toBe('ok');
  expect(await asOrders('select * from catalog.suppliers')).toMatch(/permission denied for table suppliers/);
  expect(await asOrders(`insert into catalog.products (name) values ('x')`)).toMatch(
    /permission denied for table products/,
  );
  expect(await asOrders('create table public.sneaky (id int)')).toMatch(/permission denied for schema public/);
  // Data only, in its own schema too: no TRUNCATE, no DDL.
  expect(await asOrders('truncate orders.lines')).toMatch(/permission denied for table lines/);
  expect(await asOrders('create table orders.scratch (id int)')).toMatch(/permission denied for schema orders/);
  expect(await asOrders('alter table orders.orders add column sneaky int')).toMatch(/must be owner of table orders/);
  expect(await asOrders('drop table orders.lines')).toMatch(/must be owner of table lines/);
  expect(await p.sql('select count(*)::int as n from orders.lines')).toEqual([{ n: 1 }]);
}, 120_000);
