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
