import { describe, expect, test } from 'vitest';
import { cli } from '../support/cli.js';
import { BOTH, POSTGRES, project } from '../support/project.js';

/** The issue's case: Django's users_user holds 42 rows in public; the manifest adopts it under `user`. */
const manifest = (from: string) => `version: 1
services:
  user:
    tables:
      user:
${from ? `        from: ${from}\n` : ''}        columns:
          email: { type: text }
`;
const LEGACY = `create table public.users_user (id uuid primary key default gen_random_uuid(),
  created_at timestamptz not null default now(), updated_at timestamptz not null default now(),
  is_deleted boolean not null default false, deleted_at timestamptz, email text not null);
  insert into public.users_user (email) select 'u' || i || '@example.com' from generate_series(1, 42) i`;
const STATE = `select to_regclass('user.user') is null as no_target, to_regnamespace('user') is null as no_schema,
  (select count(*)::int from public.users_user) as legacy_rows`;

describe.each(BOTH)('on $name', (kind) => {
  test('a from: naming no table, its target not there yet, is refused with the closest table and its rows; --dry-run shows it; nothing is created', async () => {
    const p = await project(kind, manifest('public.users_usr'));
    await p.sql(LEGACY);
    const reason =
      /^ {2}services\.user\.tables\.user\.from: public\.users_usr does not exist, nor does user\.user yet: the closest table is public\.users_user, with 42 rows; correct the from:, or remove it to create user\.user empty$/m;
    for (const args of [['push', '--dry-run'], ['push']]) {
      const refused = await p.run(args);
      expect(refused.code, args.join(' ')).toBe(1);
      expect(refused.stderr).toMatch(/^user → .*: refused$/m);
      expect(refused.stderr).toMatch(reason);
      expect(refused.stderr).toMatch(/^ {2}nothing was changed$/m);
    }
    expect(await p.sql(STATE)).toEqual([{ no_target: true, no_schema: true, legacy_rows: 42 }]);

    // The same name in another schema is the closest too (a from: with the wrong schema).
    await p.write(manifest('legacy.users_user'));
    const wrongSchema = await p.run(['push']);
    expect(wrongSchema.code).toBe(1);
    expect(wrongSchema.stderr).toContain(
      'services.user.tables.user.from: legacy.users_user does not exist, nor does user.user yet: ' +
        'the closest table is public.users_user, with 42 rows',
    );

    // Corrected, the same push moves the rows.
    await p.write(manifest('public.users_user'));
    expect((await p.run(['push'])).code).toBe(0);
    expect(await p.sql(`select count(*)::int as n from "user"."user"`)).toEqual([{ n: 42 }]);
    const verified = await p.run(['verify']);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain(
      'note: services.user.tables.user.from: public.users_user has moved here; the declaration can be removed',
    );
  }, 180_000);

  test('verify does not say a from: that never existed has moved, when a similar table holds the rows', async () => {
    const p = await project(kind, manifest(''));
    await p.sql(LEGACY);
    // An empty twin, as a push before from: was refused left it (or drizzle-kit push without one).
    expect((await p.run(['push'])).code).toBe(0);
    await p.write(manifest('public.users_usr'));
    const verified = await p.run(['verify']);
    expect(verified.code).toBe(0);
    expect(verified.stdout).not.toContain('has moved here');
    expect(verified.stdout).toContain(
      'note: services.user.tables.user.from: public.users_usr does not exist, and public.users_user, ' +
        'a similar name, holds 42 rows: if the from: meant it, nothing was moved here; ' +
        'drop the empty user.user, correct the from: and push to move it',
    );
    // The way out it names moves the rows.
    await p.sql(`drop table "user"."user"`);
    await p.write(manifest('public.users_user'));
    expect((await p.run(['push'])).code).toBe(0);
    expect(await p.sql(`select count(*)::int as n from "user"."user"`)).toEqual([{ n: 42 }]);
  }, 180_000);

  test('a from: on a fresh database, with nothing to move and nothing like it, creates the table', async () => {
    const p = await project(kind, manifest('public.users_user'));
    const pushed = await p.run(['push']);
    expect(pushed.stderr).toBe('');
    expect(pushed.stdout).toMatch(/^user → .*: created, \d+ statements$/m);
    expect(await p.sql(`select to_regclass('user.user') is not null as made`)).toEqual([{ made: true }]);
  }, 120_000);
});

test('verify by a role that cannot read the similar table still does not say the misspelt source has moved', async () => {
  const p = await project(POSTGRES, manifest(''));
  await p.sql(LEGACY);
  expect((await p.run(['push'])).code).toBe(0);
  await p.write(manifest('public.users_usr'));
  // A read-only verifier: the service's schema, not public's tables.
  const role = `verifier_${process.pid}_${Date.now().toString(36)}`;
  await p.sql(
    `create role ${role} login; grant usage on schema "user" to ${role}; grant select on "user"."user" to ${role}`,
  );
  const url = new URL(p.env['DATABASE_URL']!);
  url.username = role;
  const verified = await cli(['verify'], { cwd: p.dir, env: { DATABASE_URL: url.toString() } });
  expect(verified.stderr).toBe('');
  expect(verified.code).toBe(0);
  expect(verified.stdout).not.toContain('has moved here');
  expect(verified.stdout).toContain(
    'note: services.user.tables.user.from: public.users_usr does not exist, and public.users_user, ' +
      'a similar name, exists (this role cannot read it): if the from: meant it, nothing was moved here; ' +
      'drop the empty user.user, correct the from: and push to move it',
  );
}, 120_000);
