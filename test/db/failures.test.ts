import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { cli, spawnCli } from '../support/cli.js';
import { freshDatabase, withSql } from '../support/databases.js';
import { readTree } from '../support/fixtures.js';
import { startPostgres, type PostgresServer } from '../support/postgres-server.mjs';
import { ORDERS_MANIFEST } from '../support/project.js';

const SECRET = 's3cr3t-Pa55';
const MANIFEST = ORDERS_MANIFEST;

function projectDir(manifest = MANIFEST): string {
  const dir = mkdtempSync(join(tmpdir(), 'schemagen-fail-'));
  writeFileSync(join(dir, 'schema.yaml'), manifest);
  return dir;
}

const expectOneLineCause = (out: string) => {
  expect(out).not.toContain(SECRET);
  expect(out).not.toMatch(/\n\s+at |internal error/);
  expect(out).toMatch(/: failed\n  \S.*\n/);
};

let secured: PostgresServer;
beforeAll(async () => {
  secured = await startPostgres({ password: SECRET });
});
afterAll(() => secured?.stop());

test('two pushes of one service at once: one applies, the other waits and finds nothing to do', async () => {
  const url = await freshDatabase('race');
  const dir = projectDir();
  expect((await cli(['generate'], { cwd: dir })).code).toBe(0);
  const runs = [0, 1].map(() => spawnCli(['push'], dir, { DATABASE_URL: url }));
  const results = await Promise.all(runs.map((r) => r.done));
  expect(results.map((r) => r.code)).toEqual([0, 0]);
  const statuses = results.map((r) => /shop → .*: (\w+)/.exec(r.out)![1]).sort();
  expect(statuses).toEqual(['created', 'unchanged']);
  expect(
    await withSql(
      url,
      (sql) => sql`select count(*)::int as n from information_schema.tables where table_schema = 'shop'`,
    ),
  ).toEqual([{ n: 1 }]);
});

test('a push whose connection dies while it waits for the lock fails with one line and changes nothing', async () => {
  const url = await freshDatabase('die');
  const dir = projectDir();
  expect((await cli(['generate'], { cwd: dir })).code).toBe(0);
  const holder = postgres(url, { max: 1, onnotice: () => {} });
  await holder`select pg_advisory_lock(hashtext('schemagen push shop'))`;
  const run = spawnCli(['push'], dir, { DATABASE_URL: url });
  await run.waitForOutput('waiting for another push', 30_000);
  await holder`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'schemagen' and datname = current_database()`;
  const result = await run.done;
  await holder.end();
  expect(result.code).toBe(1);
  expect(result.out).toMatch(/terminating connection due to administrator command|CONNECTION_CLOSED/);
  expectOneLineCause(result.out);
  expect(
    await withSql(
      url,
      (sql) => sql`select count(*)::int as n from information_schema.schemata where schema_name = 'shop'`,
    ),
  ).toEqual([{ n: 0 }]);
});

test('a wrong password fails with one line naming no password', async () => {
  const dir = projectDir();
  expect((await cli(['generate'], { cwd: dir })).code).toBe(0);
  const wrong = secured.url().replace(encodeURIComponent(SECRET), 'wrong-Pa55');
  for (const command of ['push', 'verify']) {
    const result = await cli([command], { cwd: dir, env: { DATABASE_URL: wrong } });
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).toMatch(/password authentication failed for user "postgres"/);
    expect(result.stdout + result.stderr).not.toContain('wrong-Pa55');
  }
});

test('the right password is never printed, by push, verify, roles or generated files', async () => {
  const dir = projectDir();
  const env = { DATABASE_URL: secured.url() };
  for (const args of [
    ['generate'],
    ['migrations', 'generate'],
    ['migrate'],
    ['push'],
    ['verify'],
    ['verify', '--json'],
    ['roles', '--apply'],
    ['push', '--dry-run'],
  ]) {
    const result = await cli(args, { cwd: dir, env });
    expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
    expect(result.stdout + result.stderr).not.toContain(SECRET);
  }
  for (const [path, contents] of readTree(dir))
    if (!path.startsWith('.schemagen/')) expect(contents, path).not.toContain(SECRET);
});

test('an unreachable host fails within the connect timeout', async () => {
  const dir = projectDir();
  expect((await cli(['generate'], { cwd: dir })).code).toBe(0);
  const started = Date.now();
  const result = await spawnCli(['push'], dir, { DATABASE_URL: `postgres://app:${SECRET}@10.255.255.1:5432/db` }).done;
  expect(Date.now() - started).toBeLessThan(15_000);
  expect(result.code).toBe(1);
  expectOneLineCause(result.out);
}, 30_000);

test('a read-only role cannot push: one permission error, nothing changed', async () => {
  const url = await freshDatabase('ro');
  const dir = projectDir();
  expect((await cli(['generate'], { cwd: dir })).code).toBe(0);
  expect((await cli(['push'], { cwd: dir, env: { DATABASE_URL: url } })).code).toBe(0);
  await withSql(url, (sql) =>
    sql.unsafe(
      `create role reader login; grant usage on schema shop to reader; grant select on all tables in schema shop to reader`,
    ),
  );
  writeFileSync(join(dir, 'schema.yaml'), `${MANIFEST}          note: { type: text, nullable: true }\n`);
  expect((await cli(['generate'], { cwd: dir })).code).toBe(0);
  const reader = new URL(url);
  reader.username = 'reader';
  const result = await spawnCli(['push'], dir, { DATABASE_URL: reader.toString() }).done;
  expect(result.code).toBe(1);
  expect(result.out).toMatch(/must be owner of table orders|permission denied/);
  expectOneLineCause(result.out);
  expect(
    await withSql(
      url,
      (sql) =>
        sql`select count(*)::int as n from information_schema.columns where table_schema = 'shop' and column_name = 'note'`,
    ),
  ).toEqual([{ n: 0 }]);
});
