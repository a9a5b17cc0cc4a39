import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { beforeAll, expect, test } from 'vitest';
import postgres from 'postgres';
import { connect as connectApplication } from '../../generated/application/db.js';
import * as application from '../../generated/application/index.js';
import { connect as connectAuth, createDb as authDbOn } from '../../generated/auth/db.js';
import * as auth from '../../generated/auth/index.js';
import { connect as connectInstitution } from '../../generated/institution/db.js';
import { connect as connectInternship } from '../../generated/internship/db.js';
import * as internship from '../../generated/internship/index.js';
import * as institution from '../../generated/institution/index.js';
import { connect as connectUser, createDb as userDbOn } from '../../generated/user/db.js';
import * as user from '../../generated/user/index.js';
import { cli } from '../support/cli.js';
import { freshDatabase } from '../support/databases.js';
import { FIXTURES } from '../support/fixtures.js';

let url = '';
beforeAll(async () => {
  url = await freshDatabase('runtime');
  const pushed = await cli(['push'], { cwd: join(FIXTURES, '..', '..'), env: { DATABASE_URL: url } });
  expect(pushed.code).toBe(0);
});

// Scenario 9: the generated modules work with drizzle-orm and the postgres driver.
test('inserts fill the base columns, updates refresh updated_at, cross-service relations join', async () => {
  const authDb = connectAuth(url);
  const userDb = connectUser(url);
  const institutionDb = connectInstitution(url);
  const internshipDb = connectInternship(url);
  const db = connectApplication(url);
  try {
    const [account] = await authDb
      .insert(auth.accounts)
      .values({ email: 'ada@example.com', passwordHash: 'x' })
      .returning();
    expect(account!.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(account!.createdAt).toBeInstanceOf(Date);
    expect(account!.updatedAt).toBeInstanceOf(Date);
    expect(account!.isDeleted).toBe(false);
    expect(account!.deletedAt).toBeNull();
    expect(account!.role).toBe('student');

    await new Promise((r) => setTimeout(r, 20));
    const [updated] = await authDb
      .update(auth.accounts)
      .set({ emailVerified: true })
      .where(eq(auth.accounts.id, account!.id))
      .returning();
    expect(updated!.updatedAt.getTime()).toBeGreaterThan(account!.updatedAt.getTime());
    expect(updated!.createdAt).toEqual(account!.createdAt);

    const newProfile: user.NewProfile = { accountId: account!.id, firstName: 'Ada', lastName: 'Lovelace' };
    const [profile]: user.Profile[] = await userDb.insert(user.profiles).values(newProfile).returning();
    expect(profile!.skills).toEqual([]);
    const [org] = await institutionDb
      .insert(institution.institutions)
      .values({ name: 'Analytical Engines', kind: 'company' })
      .returning();
    const [posting] = await internshipDb
      .insert(internship.internships)
      .values({
        institutionId: org!.id,
        title: 'Engine intern',
        description: 'Punch cards',
        startsOn: '2025-06-01',
        endsOn: '2025-08-31',
      })
      .returning();
    await db.insert(application.applications).values({ applicantId: profile!.id, internshipId: posting!.id });

    const found = await db.query.applications.findFirst({
      with: { applicant: true, internship: true, applicationEvents: true },
    });
    expect(found!.status).toBe('submitted');
    expect(found!.applicant.firstName).toBe('Ada');
    expect(found!.internship.title).toBe('Engine intern');
    expect(found!.applicationEvents).toEqual([]);
  } finally {
    await Promise.all([authDb, userDb, institutionDb, internshipDb, db].map((d) => d.$client.end()));
  }
});

test("createDb: one postgres-js client serves several services; other services' tables query by their key", async () => {
  const client = postgres(url, { max: 2 });
  try {
    const authDb = authDbOn(client);
    const userDb = userDbOn(client);
    expect(userDb.$client).toBe(client);
    const [account] = await authDb
      .insert(auth.accounts)
      .values({ email: 'grace@example.com', passwordHash: 'x' })
      .returning();
    await userDb.insert(user.profiles).values({ accountId: account!.id, firstName: 'Grace', lastName: 'Hopper' });
    const viaUser = await userDb.query.authAccounts.findFirst({ where: eq(auth.accounts.id, account!.id) });
    expect(viaUser!.email).toBe('grace@example.com');
    const profile = await userDb.query.profiles.findFirst({
      where: eq(user.profiles.accountId, account!.id),
      with: { account: true },
    });
    expect(profile!.account.email).toBe('grace@example.com');
  } finally {
    await client.end();
  }
});
