import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { eq } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { describe, expect, test } from 'vitest';
import * as people from '../fixtures/foreign-keys/expected/people/index.js';
import { cli } from '../support/cli.js';
import { freshDatabase, withSql } from '../support/databases.js';
import { FIXTURES } from '../support/fixtures.js';
import { BOTH, project, type Project, type TargetKind } from '../support/project.js';
import { expectOk, expectSettled } from '../support/settled.js';

// The foreign-keys golden: people.persons.badge_number (smallint) and people.badges.successor_number
// (bigint) reference the integer key people.badges.number.
const MANIFEST = readFileSync(join(FIXTURES, 'foreign-keys', 'schema.yaml'), 'utf8');
const KEYS = `select conname as name, pg_get_constraintdef(oid) as def, format_type(a.atttypid, a.atttypmod) as type
  from pg_constraint k join pg_attribute a on a.attrelid = k.conrelid and a.attnum = k.conkey[1]
 where contype = 'f' and conname in ('persons_badge_number_fkey', 'badges_successor_number_fkey') order by 1`;
const EXPECTED_KEYS = [
  {
    name: 'badges_successor_number_fkey',
    def: 'FOREIGN KEY (successor_number) REFERENCES people.badges(number)',
    type: 'bigint',
  },
  {
    name: 'persons_badge_number_fkey',
    def: 'FOREIGN KEY (badge_number) REFERENCES people.badges(number)',
    type: 'smallint',
  },
];

const ZERO = '00000000-0000-0000-0000-000000000000';

/** The golden's Drizzle modules on the project's database: a relational read across the smallint → integer key. */
async function readAcross(kind: TargetKind, p: Project) {
  const read = async (db: PgDatabase<PgQueryResultHKT, typeof people.schema>) => {
    await db.insert(people.badges).values([{ number: 7 }, { number: 8, successorNumber: 7n }]);
    // Ada's id is the mentor_id default: her own mentor, as the golden's self-reference needs one.
    await db.insert(people.persons).values({ id: ZERO, name: 'Ada', badgeNumber: 7 });
    const person = await db.query.persons.findFirst({
      where: eq(people.persons.name, 'Ada'),
      with: { badgeNumberRef: true },
    });
    const badge = await db.query.badges.findFirst({
      where: eq(people.badges.number, 8),
      with: { successorNumberRef: true },
    });
    return [person?.badgeNumberRef?.number, badge?.successorNumberRef?.number];
  };
  if (kind.name === 'pglite') {
    const client = await PGlite.create(join(p.dir, '.schemagen', 'pglite'));
    try {
      return await read(drizzlePglite(client, { schema: people.schema }));
    } finally {
      await client.close();
    }
  }
  const client = postgres(p.env['DATABASE_URL']!, { max: 1, onnotice: () => {} });
  try {
    return await read(drizzlePostgres(client, { schema: people.schema }));
  } finally {
    await client.end();
  }
}

describe.each(BOTH)('on $name', (kind) => {
  test('a smallint and a bigint referencing an integer key push, verify and settle; the key holds and Drizzle reads across it', async () => {
    const p = await project(kind, MANIFEST);
    expectOk(await p.run(['push']), 'push');
    expectOk(await p.run(['verify']), 'verify');
    await expectSettled(p, ['people', 'projects'], 'push after push');
    expect(await p.sql(KEYS)).toEqual(EXPECTED_KEYS);
    expect(await readAcross(kind, p)).toEqual([7, 7]);
    // The key is enforced: a badge number no badge has is refused by the database.
    await expect(p.sql(`insert into people.persons (name, badge_number) values ('Bob', 9)`)).rejects.toThrow(
      /persons_badge_number_fkey/,
    );
  }, 180_000);
});

// What drizzle-kit's own push makes of the generated module: the same keys, and schemagen finds nothing to do.
test('drizzle-kit push of the generated config creates the same keys; verify passes and push has nothing to do', async () => {
  const url = await freshDatabase('kit_int');
  // Inside the repository (git-ignored) so drizzle-kit resolves drizzle-orm from node_modules.
  const root = join(FIXTURES, '..', '..');
  mkdirSync(join(root, 'test', '.work'), { recursive: true });
  const dir = mkdtempSync(join(root, 'test', '.work', 'int-keys-'));
  try {
    copyFileSync(join(FIXTURES, 'foreign-keys', 'schema.yaml'), join(dir, 'schema.yaml'));
    expect((await cli(['generate'], { cwd: dir })).code).toBe(0);
    const kit = spawnSync(
      process.execPath,
      [
        join(root, 'node_modules/drizzle-kit/bin.cjs'),
        'push',
        '--force',
        '--config',
        'generated/people/drizzle.config.ts',
      ],
      { cwd: dir, env: { ...process.env, DATABASE_URL: url }, encoding: 'utf8' },
    );
    // drizzle-kit exits 0 even when it fails; its output says whether it applied.
    expect(kit.stdout + kit.stderr).toMatch(/Changes applied/);
    const env = { DATABASE_URL: url };
    expect(await withSql(url, async (sql) => [...(await sql.unsafe(KEYS))])).toEqual(EXPECTED_KEYS);
    expectOk(await cli(['verify', 'people'], { cwd: dir, env }), 'verify after drizzle-kit push');
    const again = await cli(['push', 'people'], { cwd: dir, env });
    expectOk(again, 'push after drizzle-kit push');
    expect(again.stdout).toMatch(/^people → .*: unchanged$/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 180_000);
