import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { eq } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { describe, expect, test } from 'vitest';
import * as b from '../fixtures/services-in-a-cycle/expected/b/index.js';
import { listedStatements } from '../support/cli.js';
import { FIXTURES } from '../support/fixtures.js';
import { BOTH, POSTGRES, project, type Project, type TargetKind } from '../support/project.js';
import { expectOk, expectSettled, pushStatuses } from '../support/settled.js';

// The services-in-a-cycle golden: a.x → b.y, b.y → a.x and c.z, c.z → a.x. No order of the services
// creates every referenced table first.
const MANIFEST = readFileSync(join(FIXTURES, 'services-in-a-cycle', 'schema.yaml'), 'utf8');
const KEYS = `select conname as name, pg_get_constraintdef(oid) as def from pg_constraint
 where contype = 'f' and connamespace::regnamespace::text in ('a', 'b', 'c') order by 1`;
const EXPECTED_KEYS = [
  { name: 'x_y_id_fkey', def: 'FOREIGN KEY (y_id) REFERENCES b.y(id)' },
  { name: 'y_x_id_fkey', def: 'FOREIGN KEY (x_id) REFERENCES a.x(id) ON DELETE SET NULL' },
  { name: 'y_z_number_fkey', def: 'FOREIGN KEY (z_number) REFERENCES c.z(number)' },
  { name: 'z_x_id_fkey', def: 'FOREIGN KEY (x_id) REFERENCES a.x(id)' },
];

/** The golden's modules, importing each other, on the project's database: rows across the cycle, read back. */
async function readAcross(kind: TargetKind, p: Project) {
  const read = async (db: PgDatabase<PgQueryResultHKT, typeof b.schema>) => {
    // a.x needs a b.y and b.y may point back: the keys are checked per statement, so one goes in first.
    const [y] = await db.insert(b.y).values({}).returning();
    const [x] = await db.insert(b.schema.aX).values({ yId: y!.id }).returning();
    await db.update(b.y).set({ xId: x!.id }).where(eq(b.y.id, y!.id));
    const found = await db.query.y.findFirst({ with: { x: true } });
    return found?.x?.yId === y!.id;
  };
  if (kind.name === 'pglite') {
    const client = await PGlite.create(join(p.dir, '.schemagen', 'pglite'));
    try {
      return await read(drizzlePglite(client, { schema: b.schema }));
    } finally {
      await client.close();
    }
  }
  const client = postgres(p.env['DATABASE_URL']!, { max: 1, onnotice: () => {} });
  try {
    return await read(drizzlePostgres(client, { schema: b.schema }));
  } finally {
    await client.end();
  }
}

describe.each(BOTH)('on $name', (kind) => {
  test('services referencing each other in a cycle push into an empty database, keys added once every table exists; verify passes and push settles', async () => {
    const p = await project(kind, MANIFEST);
    const dry = await p.run(['push', '--dry-run']);
    expectOk(dry, 'dry run');
    const planned = listedStatements(dry.stdout).join('\n');
    for (const { name } of EXPECTED_KEYS) expect(planned).toContain(`ADD CONSTRAINT "${name}"`);
    expect(await p.sql(`select count(*)::int as n from pg_namespace where nspname in ('a', 'b', 'c')`)).toEqual([
      { n: 0 },
    ]);

    const pushed = await p.run(['push']);
    expectOk(pushed, 'push');
    expect(Object.fromEntries(pushStatuses(pushed))).toEqual({ a: 'created', b: 'created', c: 'created' });
    expect(await p.sql(KEYS)).toEqual(EXPECTED_KEYS);
    expectOk(await p.run(['verify']), 'verify');
    await expectSettled(p, ['a', 'b', 'c'], 'push after push');
    expect(await readAcross(kind, p)).toBe(true);
  }, 180_000);

  test('import of schemas whose foreign keys form a cycle keeps every key; the imported manifest pushes and settles', async () => {
    const p = await project(kind, MANIFEST);
    expectOk(await p.run(['push']), 'push');
    const imported = await p.run(['import', '--out', 'schema.yaml', '--force']);
    expect(imported.code, imported.stderr).toBe(0);
    const manifest = readFileSync(join(p.dir, 'schema.yaml'), 'utf8');
    for (const service of ['a', 'b', 'c']) expect(manifest).toMatch(new RegExp(`service: ${service}\\b`));
    expect(imported.stderr).not.toMatch(/foreign key/);
    expectOk(await p.run(['generate']), 'generate');
    await expectSettled(p, ['a', 'b', 'c'], 'push right after import');

    const fresh = await project(kind, manifest);
    expectOk(await fresh.run(['push']), 'push of the imported manifest into an empty database');
    expect(await fresh.sql(KEYS)).toEqual(EXPECTED_KEYS);
    await expectSettled(fresh, ['a', 'b', 'c'], 'push after the round trip');
  }, 180_000);
});

// A live table holding rows gets its key into a new service's table as always on a server: NOT VALID in
// the transaction, VALIDATE after the commit, once the other service has created the table. Service c
// comes first in the push (nothing orders a cycle), so its key waits for a.x.
const ONLY_C = `version: 1
services:
  c:
    tables:
      z:
        columns:
          number: { type: integer, unique: true }
`;

test('on postgres, a key of a table holding rows into a service the push creates is added NOT VALID and validated online', async () => {
  const p = await project(POSTGRES, ONLY_C);
  expectOk(await p.run(['push']), 'first push');
  await p.sql(`insert into c.z (number) values (1), (2)`);

  await p.write(MANIFEST);
  const pushed = await p.run(['push']);
  expectOk(pushed, 'push adding services a and b');
  expect(Object.fromEntries(pushStatuses(pushed))).toEqual({ a: 'created', b: 'created', c: 'altered' });
  const statements = listedStatements(pushed.stdout).map((s) => s.trim());
  expect(statements).toContain(
    'ALTER TABLE "c"."z" ADD CONSTRAINT "z_x_id_fkey" FOREIGN KEY ("x_id") REFERENCES "a"."x"("id") NOT VALID;',
  );
  expect(statements).toContain('ALTER TABLE "c"."z" VALIDATE CONSTRAINT "z_x_id_fkey";');
  expect(await p.sql(KEYS)).toEqual(EXPECTED_KEYS);
  expect(await p.sql(`select count(*)::int as n from c.z`)).toEqual([{ n: 2 }]);
  await expectSettled(p, ['a', 'b', 'c'], 'push after push');
}, 180_000);
