import { describe, expect, test } from 'vitest';
import { dataLoss, outsideSchema } from '../../src/db/plan/guard.js';

const refs = new Set(['user']);

describe('outsideSchema', () => {
  test.each([
    ['CREATE SCHEMA "auth";\n', undefined],
    ['CREATE TABLE "auth"."accounts" ("id" uuid PRIMARY KEY DEFAULT \'"public"."x"\')', undefined],
    ['ALTER TABLE "auth"."s" ADD CONSTRAINT "s_fk" FOREIGN KEY ("u") REFERENCES "user"."profiles"("id")', undefined],
    ['CREATE INDEX "i" ON "auth"."accounts" USING btree ("email")', undefined],
  ])('allows %s', (sql, expected) => expect(outsideSchema(sql, 'auth', refs)).toBe(expected));

  test.each([
    ['CREATE SCHEMA "billing"', 'creates schema billing, not auth'],
    ['DROP SCHEMA "billing" CASCADE', 'drops schema billing'],
    ['DROP TABLE "billing"."invoices"', 'touches schema billing; a push of auth may only change auth'],
    ['CREATE TABLE "public"."accounts" ("id" uuid)', 'touches schema public; a push of auth may only change auth'],
    [
      'CREATE TABLE "accounts" ("id" uuid)',
      'names no schema-qualified object, so it would act on the search path (public); expected objects in auth',
    ],
    [
      'ALTER TABLE "auth"."s" ADD CONSTRAINT "f" FOREIGN KEY ("x") REFERENCES "billing"."t"("id")',
      'references schema billing, which the manifest does not reference from auth',
    ],
  ])('refuses %s', (sql, why) => expect(outsideSchema(sql, 'auth', refs)).toBe(why));
});

describe('dataLoss', () => {
  test.each([
    ['DROP TABLE "auth"."sessions" CASCADE;', 'drops table auth.sessions'],
    ['ALTER TABLE "auth"."accounts" DROP COLUMN "email";', 'drops column auth.accounts.email'],
    [
      'ALTER TABLE "auth"."accounts" ALTER COLUMN "n" SET DATA TYPE integer;',
      'changes the type of auth.accounts.n (values are cast)',
    ],
    ['truncate table "auth"."accounts";', 'empties table auth.accounts'],
    ['DROP TYPE "auth"."role";', 'drops enum auth.role (and with it any value not recreated)'],
  ])('flags %s', (sql, what) => expect(dataLoss(sql)?.what).toBe(what));

  test.each([
    'ALTER TABLE "auth"."a" ADD COLUMN "x" text;',
    'CREATE INDEX "i" ON "auth"."a" ("x")',
    'ALTER TABLE "auth"."a" DROP CONSTRAINT "c";',
  ])('does not flag %s', (sql) => expect(dataLoss(sql)).toBeUndefined());
});
