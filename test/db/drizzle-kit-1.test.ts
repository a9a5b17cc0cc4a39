import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { cli } from '../support/cli.js';
import { freshDatabase, withSql } from '../support/databases.js';
import { DRIZZLE_MAJORS, FIXTURES } from '../support/fixtures.js';

const ROOT = join(FIXTURES, '..', '..');
const ON_1 = DRIZZLE_MAJORS[1];
const KIT = join(ON_1.project, 'node_modules', 'drizzle-kit', 'bin.cjs');
const SERVICES = ['auth', 'user', 'institution', 'internship', 'application', 'notification'];

/** drizzle-kit 1.x with a generated config, in a project where drizzle-orm 1.x is what the modules import. */
function kit(command: string, service: string, env: Record<string, string | undefined>) {
  const args = [KIT, command, ...(command === 'push' ? ['--force'] : []), '--config'];
  const run = spawnSync(process.execPath, [...args, `generated/${service}/drizzle.config.ts`], {
    cwd: dir,
    env: { ...process.env, DATABASE_URL: undefined, ...env },
    encoding: 'utf8',
  });
  return run.stdout + run.stderr;
}

let dir = '';
beforeAll(async () => {
  mkdirSync(ON_1.work, { recursive: true });
  dir = mkdtempSync(join(ON_1.work, 'kit-'));
  copyFileSync(join(ROOT, 'schema.yaml'), join(dir, 'schema.yaml'));
  expect((await cli(['generate'], { cwd: dir })).stdout).toContain('for drizzle-orm 1.x');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// drizzle-kit 1.x reads schemaFilter as globs; a service's plain schema name still matches that schema alone.
test('drizzle-kit 1.x push with each generated config touches only its schema and gives what the manifest says', async () => {
  const url = await freshDatabase('kit1');
  const legacy = `select note from public.legacy`;
  await withSql(url, (sql) =>
    sql.unsafe(
      `create table public.legacy (id integer primary key, note text); insert into public.legacy values (1, 'keep')`,
    ),
  );
  for (const service of SERVICES)
    expect(kit('push', service, { DATABASE_URL: url }), service).toMatch(/Changes applied/);
  expect(await withSql(url, (sql) => sql.unsafe(legacy))).toEqual([{ note: 'keep' }]);
  // Pushed again, each config finds nothing to do: not even in the schemas of the services pushed after it.
  for (const service of SERVICES)
    expect(kit('push', service, { DATABASE_URL: url }), service).toMatch(/No changes detected/);

  // What schemagen verify reads: the manifest's database, but for comments, which drizzle-kit does not write.
  const verified = await cli(['verify'], { cwd: dir, env: { DATABASE_URL: url } });
  const differences = verified.stderr.split('\n').filter((l) => l.startsWith('  '));
  expect(differences.length).toBeGreaterThan(0);
  for (const line of differences) expect(line).toMatch(/: comment is null; expected "/);
}, 180_000);

test('drizzle-kit 1.x generate needs no database and writes the service schema alone, in its migrations folder', () => {
  const output = kit('generate', 'user', {});
  expect(output).not.toContain('is not set');
  const folders = readdirSync(join(dir, 'migrations', 'user'));
  expect(folders).toHaveLength(1);
  const sql = readFileSync(join(dir, 'migrations', 'user', folders[0]!, 'migration.sql'), 'utf8');
  // Every object it creates or alters is in "user"; only a foreign key points into auth, which user references.
  const schemas = (text: string) => new Set([...text.matchAll(/"(\w+)"\."\w+"/g)].map((m) => m[1]));
  expect(schemas(sql.replace(/REFERENCES "\w+"\."\w+"/g, ''))).toEqual(new Set(['user']));
  expect(schemas([...sql.matchAll(/REFERENCES "\w+"\."\w+"/g)].join('\n'))).toEqual(new Set(['auth', 'user']));
}, 60_000);
