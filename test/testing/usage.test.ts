import { eq } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { createTestDatabase, type TestDatabase } from 'drizzle-schemagen/testing';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import * as auth from '../../generated/auth/index.js';
import * as user from '../../generated/user/index.js';
import { KINDS, SLOW, optionsFor } from './kinds.js';

/** Application code as a user writes it: typed against any Postgres driver's Drizzle database. */
async function signUp(db: PgDatabase<PgQueryResultHKT, typeof auth.schema>, email: string) {
  const [account] = await db.insert(auth.accounts).values({ email, passwordHash: 'x' }).returning();
  return account!;
}

/** The message of the error a query failed with (Drizzle wraps the driver's as the cause of its own). */
async function failure(query: Promise<unknown>): Promise<string> {
  const err = await query.then(
    () => expect.fail('the query succeeded'),
    (e: Error) => e,
  );
  return ((err.cause as Error | undefined) ?? err).message;
}

describe.each(KINDS)('createTestDatabase on %s', (kind) => {
  let t: TestDatabase<ReturnType<typeof optionsFor>['schemas']>;
  beforeEach(async () => {
    t = await createTestDatabase(optionsFor(kind));
  }, SLOW);
  afterEach(() => t.close());

  /** Every test starts from the pushed, empty database, whatever the one before it did. */
  const accounts = async () => (await t.db.auth.select().from(auth.accounts)).map((a) => a.email).sort();
  beforeEach(async () => expect(await accounts()).toEqual([]));

  test('rows inserted through the generated tables read back, with relations across services', async () => {
    const ada = await signUp(t.db.auth, 'ada@example.com');
    await t.db.auth.insert(auth.sessions).values({ accountId: ada.id, tokenHash: 'h1', expiresAt: new Date() });
    const [profile] = await t.db.user
      .insert(user.profiles)
      .values({ accountId: ada.id, firstName: 'Ada', lastName: 'Lovelace' })
      .returning();
    const found = await t.db.user.query.profiles.findFirst({
      where: (p, { eq }) => eq(p.id, profile!.id),
      with: { account: true, educations: true },
    });
    expect(found).toMatchObject({ firstName: 'Ada', account: { email: 'ada@example.com' }, educations: [] });
    const withSessions = await t.db.auth.query.accounts.findMany({ with: { sessions: true } });
    expect(withSessions.map((a) => a.sessions.map((s) => s.tokenHash))).toEqual([['h1']]);
    expect(
      await t.query<{ n: number }>('select count(*)::int as n from auth.sessions where token_hash = $1', ['h1']),
    ).toEqual([{ n: 1 }]);
  });

  test('a failed statement leaves the rows before it and the statements after it working', async () => {
    await signUp(t.db.auth, 'ada@example.com');
    await expect(failure(signUp(t.db.auth, 'ada@example.com'))).resolves.toMatch(/accounts_email_live_key/);
    await signUp(t.db.auth, 'grace@example.com');
    expect(await accounts()).toEqual(['ada@example.com', 'grace@example.com']);
  });

  test("the code's own transactions commit, roll back and nest as on a connection of its own", async () => {
    const db = t.db.auth;
    await db.transaction((tx) => signUp(tx, 'committed@example.com'), { isolationLevel: 'serializable' });
    await expect(
      db.transaction(async (tx) => {
        await signUp(tx, 'thrown@example.com');
        throw new Error('abandoned');
      }),
    ).rejects.toThrow('abandoned');
    await expect(
      db.transaction(async (tx) => {
        await signUp(tx, 'rolled-back@example.com');
        tx.rollback();
      }),
    ).rejects.toThrow(/rollback/i);
    await db.transaction(async (tx) => {
      await signUp(tx, 'outer@example.com');
      await tx.transaction((inner) => signUp(inner, 'inner@example.com'));
      await tx
        .transaction(async (inner) => {
          await signUp(inner, 'inner-failed@example.com');
          await signUp(inner, 'outer@example.com');
        })
        .catch(() => undefined);
    });
    expect(await accounts()).toEqual(['committed@example.com', 'inner@example.com', 'outer@example.com']);
    expect(await db.$count(auth.accounts, eq(auth.accounts.role, 'student'))).toBe(3);
  });

  // What only one target has is tested there alone (registered conditionally, so nothing is skipped).
  if (kind === 'postgres')
    test('each call has a database of its own, dropped by close', async () => {
      const other = await createTestDatabase(optionsFor(kind));
      expect(other.url).not.toBe(t.url);
      await signUp(other.db.auth, 'other@example.com');
      expect(await accounts()).toEqual([]);
      const name = new URL(other.url!).pathname.slice(1);
      await other.close();
      await other.close();
      const left = await t.query('select 1 from pg_database where datname = $1', [name]);
      expect(left).toEqual([]);
    });

  if (kind === 'pglite')
    test('a closed test database refuses queries instead of reaching the next test', async () => {
      await t.close();
      await expect(failure(signUp(t.db.auth, 'late@example.com'))).resolves.toBe('this test database is closed');
    });
});
