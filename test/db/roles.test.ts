import { join } from 'node:path';
import postgres from 'postgres';
import { beforeAll, expect, test } from 'vitest';
import { cli } from '../support/cli.js';
import { freshDatabase } from '../support/databases.js';
import { FIXTURES } from '../support/fixtures.js';

const ROOT = join(FIXTURES, '..', '..');
let url = '';

beforeAll(async () => {
  url = await freshDatabase('roles');
  expect((await cli(['push'], { cwd: ROOT, env: { DATABASE_URL: url } })).code).toBe(0);
  const applied = await cli(['roles', '--apply', '--password-env', 'SVC_PASSWORD'], {
    cwd: ROOT,
    env: { DATABASE_URL: url, SVC_PASSWORD: 'pa$$-w0rd' },
  });
  expect(applied.stderr).toBe('');
  expect(applied.code).toBe(0);
  expect(applied.stdout).toContain(`ALTER ROLE "application_svc" PASSWORD '***';`);
  expect(applied.stdout).not.toContain('pa$$-w0rd');
  expect(applied.stdout).toMatch(/^application → .*: role application_svc applied$/m);
});

/** Runs one statement as the given role; returns 'ok' or the error message. */
async function as(role: string, statement: string): Promise<string> {
  const u = new URL(url);
  u.username = role;
  const sql = postgres(u.toString(), { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(statement);
    return 'ok';
  } catch (err) {
    return (err as Error).message;
  } finally {
    await sql.end();
  }
}

test("a service's role reads and writes its own tables", async () => {
  expect(await as('auth_svc', `insert into auth.accounts (email, password_hash) values ('a@x', 'h')`)).toBe('ok');
  expect(await as('auth_svc', `update auth.accounts set email_verified = true`)).toBe('ok');
  expect(await as('auth_svc', `select * from auth.accounts`)).toBe('ok');
});

test("a service's role cannot read or write another service's tables", async () => {
  expect(await as('notification_svc', 'select * from auth.accounts')).toMatch(/permission denied/);
  expect(
    await as(
      'auth_svc',
      `insert into application.applications (applicant_id, internship_id) values (gen_random_uuid(), gen_random_uuid())`,
    ),
  ).toMatch(/permission denied/);
  expect(await as('application_svc', 'delete from "user".profiles')).toMatch(/permission denied/);
});

test('cross-service references are readable, nothing else of that service', async () => {
  expect(await as('application_svc', 'select id from "user".profiles')).toBe('ok');
  expect(await as('application_svc', 'select id from "user".educations')).toMatch(/permission denied/);
});

test('no role can create tables in public or in another schema', async () => {
  expect(await as('auth_svc', 'create table public.sneaky (id int)')).toMatch(/permission denied/);
  expect(await as('auth_svc', 'create table "user".sneaky (id int)')).toMatch(/permission denied/);
});

test('roles without --apply only prints, and needs no database', async () => {
  const printed = await cli(['roles', 'auth'], { cwd: ROOT, env: { CI: 'true' } });
  expect(printed.code).toBe(0);
  expect(printed.stdout).toContain('REVOKE CREATE ON SCHEMA public FROM PUBLIC;');
  expect(printed.stdout).not.toContain('→');
});

test("a service's role cannot change its own schema: CREATE, TRUNCATE, ALTER and DROP are denied", async () => {
  expect(await as('application_svc', 'create table application.sneaky2 (id int)')).toMatch(
    /permission denied for schema application/,
  );
  expect(await as('application_svc', 'truncate application.applications')).toMatch(
    /permission denied for table applications/,
  );
  expect(await as('application_svc', 'alter table application.applications add column sneaky int')).toMatch(
    /must be owner of table applications/,
  );
  expect(await as('application_svc', 'drop table application.applications')).toMatch(
    /must be owner of table applications/,
  );
  expect(await as('application_svc', 'select count(*) from application.applications')).toBe('ok');
});
