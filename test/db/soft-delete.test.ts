import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { asc, eq } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { describe, expect, test } from 'vitest';
import * as docs from '../fixtures/soft-delete/expected/docs/index.js';
import { FIXTURES } from '../support/fixtures.js';
import { BOTH, POSTGRES, project, snapshot, type Project, type TargetKind } from '../support/project.js';

const manifest = (declared: boolean) => `version: 1
base:
${declared ? '  softDelete: { flag: is_deleted, at: deleted_at }\n' : ''}  id: { type: uuid, primaryKey: true, default: { sql: gen_random_uuid() } }
  is_deleted: { type: boolean, default: false }
  deleted_at: { type: timestamptz, nullable: true }
services:
  shop:
    tables:
      orders:
        columns:
          total: { type: integer }
`;

const CHECKS = `select conname, pg_get_constraintdef(oid) as def from pg_constraint
  where conrelid = 'shop.orders'::regclass and contype = 'c'`;
const ROWS = `select total, is_deleted, deleted_at is not null as has_time from shop.orders order by total`;
/** Two flagged rows without a time, one unflagged row with one, one consistent row. */
const INCONSISTENT = `insert into shop.orders (total, is_deleted, deleted_at)
  values (1, true, null), (2, true, null), (3, false, now()), (4, false, null)`;

describe.each(BOTH)('on $name', (kind) => {
  test('the soft-delete check refuses an inconsistent row; verify reports it missing; removing softDelete drops it', async () => {
    const p = await project(kind, manifest(true));
    expect((await p.run(['push'])).stdout).toMatch(/^shop → .*: created, 2 statements$/m);
    expect(await p.sql(CHECKS)).toEqual([
      { conname: 'orders_soft_delete_check', def: 'CHECK ((is_deleted = (deleted_at IS NOT NULL)))' },
    ]);
    await expect(p.sql(`insert into shop.orders (total, is_deleted) values (1, true)`)).rejects.toThrow(
      /orders_soft_delete_check/,
    );
    await expect(p.sql(`insert into shop.orders (total, deleted_at) values (1, now())`)).rejects.toThrow(
      /orders_soft_delete_check/,
    );
    await p.sql(`insert into shop.orders (total, is_deleted, deleted_at) values (1, true, now()), (2, false, null)`);
    expect((await p.run(['verify'])).code).toBe(0);
    expect((await p.run(['push'])).stdout).toMatch(/^shop → .*: unchanged$/m);

    await p.sql(`alter table shop.orders drop constraint orders_soft_delete_check`);
    const verified = await p.run(['verify']);
    expect(verified.code).toBe(1);
    expect(verified.stderr).toContain('shop.orders.orders_soft_delete_check: check constraint is missing');
    // On a server, a check on a table holding rows is added NOT VALID, then validated after the commit.
    const added = kind.name === 'postgres' ? '2 statements' : '1 statement';
    expect((await p.run(['push'])).stdout).toMatch(new RegExp(`^shop → .*: altered, ${added}$`, 'm'));
    expect((await p.run(['verify'])).code).toBe(0);

    await p.write(manifest(false));
    expect((await p.run(['push'])).stdout).toMatch(/^shop → .*: altered, 1 statement$/m);
    expect(await p.sql(CHECKS)).toEqual([]);
    expect((await p.run(['verify'])).code).toBe(0);
    await p.sql(`insert into shop.orders (total, is_deleted) values (3, true)`);
  }, 120_000);

  test('rows breaking the new check refuse the push with their count; --fix-soft-delete fixes them, the flag winning', async () => {
    const p = await project(kind, manifest(false));
    expect((await p.run(['push'])).code).toBe(0);
    await p.sql(INCONSISTENT);
    const before = await snapshot(p, 'shop', ROWS);
    await p.write(manifest(true));

    const refused = await p.run(['push']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^shop → .*: refused, \d statements?\n(.*\n)+ {2}check orders_soft_delete_check is violated by 3 existing rows of shop\.orders\n {2}nothing was changed\n {2}re-run with --fix-soft-delete .*\n$/m,
    );
    expect(await snapshot(p, 'shop', ROWS)).toEqual(before);

    const fixed = await p.run(['push', '--fix-soft-delete']);
    expect(fixed.stderr).toBe('');
    // Two UPDATEs, then the check (NOT VALID and VALIDATE on a server).
    const statements = kind.name === 'postgres' ? 4 : 3;
    expect(fixed.stdout).toMatch(new RegExp(`^shop → .*: altered, ${statements} statements$`, 'm'));
    expect(fixed.stdout).toContain(
      '  fixed 3 rows of shop.orders: 2 deleted_at set to now() where is_deleted was true without it; 1 deleted_at cleared where is_deleted was false',
    );
    expect(await p.sql(ROWS)).toEqual([
      { total: 1, is_deleted: true, has_time: true },
      { total: 2, is_deleted: true, has_time: true },
      { total: 3, is_deleted: false, has_time: false },
      { total: 4, is_deleted: false, has_time: false },
    ]);
    expect(await p.sql(CHECKS)).toHaveLength(1);
    expect((await p.run(['verify'])).code).toBe(0);
    // Settled: the flag changes nothing once the check is in place.
    expect((await p.run(['push', '--fix-soft-delete'])).stdout).toMatch(/^shop → .*: unchanged$/m);
  }, 120_000);

  test('the generated notDeleted and softDelete query the tables of the pair', async () => {
    const p = await project(kind, readFileSync(join(FIXTURES, 'soft-delete', 'schema.yaml'), 'utf8'));
    expect((await p.run(['push'])).code).toBe(0);
    await withDb(kind, p, async (db) => {
      await db.insert(docs.documents).values([{ title: 'a' }, { title: 'b' }, { title: 'c' }]);
      const [gone, ...more] = await docs.softDelete(db, docs.documents, eq(docs.documents.title, 'b'));
      expect(more).toEqual([]);
      expect(gone).toMatchObject({ title: 'b', archived: true, archivedAt: expect.any(Date) });
      // Already deleted: not touched again, its time stays.
      expect(await docs.softDelete(db, docs.documents, eq(docs.documents.title, 'b'))).toEqual([]);
      const live = await db
        .select()
        .from(docs.documents)
        .where(docs.notDeleted(docs.documents))
        .orderBy(asc(docs.documents.title));
      expect(live.map((d) => d.title)).toEqual(['a', 'c']);

      // A base recognised by its is_deleted / deleted_at columns, in a transaction.
      await db.insert(docs.revisions).values([{ body: 'x' }, { body: 'y' }]);
      await db.transaction(async (tx) => {
        const rows = await docs.softDelete(tx, docs.revisions, eq(docs.revisions.body, 'x'));
        expect(rows.map((r) => [r.body, r.isDeleted, r.deletedAt instanceof Date])).toEqual([['x', true, true]]);
      });
      const kept = await db.select().from(docs.revisions).where(docs.notDeleted(docs.revisions));
      expect(kept.map((r) => r.body)).toEqual(['y']);
      // @ts-expect-error tags has no soft-delete pair
      expect(() => docs.notDeleted(docs.tags)).toThrow();
    });
  }, 120_000);
});

/** Any Drizzle PostgreSQL database, as the generated softDelete takes it. */
type AnyDb = Parameters<typeof docs.softDelete>[0];

/** Drizzle over the project's database, with the driver of its kind. */
async function withDb(kind: TargetKind, p: Project, fn: (db: AnyDb) => Promise<void>) {
  if (kind.name === 'pglite') {
    const client = await PGlite.create(join(p.dir, '.schemagen', 'pglite'));
    try {
      await fn(drizzlePglite(client, { schema: docs.schema }));
    } finally {
      await client.close();
    }
    return;
  }
  const client = postgres(p.env['DATABASE_URL']!, { onnotice: () => {} });
  try {
    await fn(drizzlePostgres(client, { schema: docs.schema }));
  } finally {
    await client.end();
  }
}

test('migrations carry the soft-delete check like any model check; verify passes after migrate', async () => {
  const p = await project(POSTGRES, manifest(true));
  expect((await p.run(['migrations', 'generate'])).code).toBe(0);
  expect(readFileSync(join(p.dir, 'migrations/shop/0000_shop.sql'), 'utf8')).toContain(
    'CONSTRAINT "orders_soft_delete_check" CHECK ("is_deleted" = ("deleted_at" IS NOT NULL))',
  );
  expect((await p.run(['migrate'])).code).toBe(0);
  expect((await p.run(['verify'])).code).toBe(0);
}, 120_000);
