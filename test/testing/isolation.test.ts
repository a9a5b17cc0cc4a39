import { createTestDatabase } from 'drizzle-schemagen/testing';
import { describe, expect, test } from 'vitest';
import * as auth from '../../generated/auth/index.js';
import { KINDS, SLOW, optionsFor } from './kinds.js';

// Tests running at once, here and in usage.test.ts (another worker), insert accounts with the same
// email, which a unique index guards: each must see exactly its own rows, and no duplicate.
describe.each(KINDS)('concurrent tests on %s', (kind) => {
  test.concurrent.each(['ada', 'grace', 'edsger'])(
    '%s sees only its own rows',
    async (name) => {
      await using t = await createTestDatabase(optionsFor(kind));
      await t.db.auth.insert(auth.accounts).values({ email: `${name}@example.com`, passwordHash: 'x' });
      // Let the other tests run their statements in between.
      await new Promise((resolve) => setTimeout(resolve, 100));
      await t.db.auth.insert(auth.accounts).values({ email: 'shared@example.com', passwordHash: 'x' });
      await new Promise((resolve) => setTimeout(resolve, 100));
      const emails = (await t.db.auth.select().from(auth.accounts)).map((a) => a.email).sort();
      expect(emails).toEqual([`${name}@example.com`, 'shared@example.com']);
    },
    SLOW,
  );
});

// One after the other, a test takes the instance the previous one handed back: what that one wrote,
// by itself or in a transaction of its own code, must be gone.
test(
  'pglite: the next test reuses the instance and sees none of the rows the previous one wrote',
  async () => {
    const xid = async (t: { query: <T>(text: string) => Promise<T[]> }) =>
      BigInt((await t.query<{ xid: string }>('select txid_current()::text as xid'))[0]!.xid);
    const first = await createTestDatabase(optionsFor('pglite'));
    const firstXid = await xid(first);
    await first.db.auth.insert(auth.accounts).values({ email: 'ada@example.com', passwordHash: 'x' });
    await first.db.auth.transaction((tx) =>
      tx.insert(auth.accounts).values({ email: 'grace@example.com', passwordHash: 'x' }),
    );
    expect(await first.db.auth.select().from(auth.accounts)).toHaveLength(2);
    await first.close();
    const second = await createTestDatabase(optionsFor('pglite'));
    // The same instance: its transaction ids went on from the first test's (one loaded afresh from the
    // pushed database's dump would start where the first did).
    expect(await xid(second)).toBeGreaterThan(firstXid);
    expect(await second.db.auth.select().from(auth.accounts)).toEqual([]);
    await second.close();
  },
  SLOW,
);
