import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { loadModel } from '../../src/model/load-model.js';
import { closestTable } from '../../src/db/plan/move-sources.js';
import { editDistance } from '../../src/shared/edit-distance.js';

const MANIFEST = `version: 1
base:
  id: { type: uuid, primaryKey: true, default: { sql: gen_random_uuid() } }
  created_at: { type: timestamptz, default: { sql: now() }, renamedFrom: created }
services:
  user:
    enums:
      role: { values: [member, owner], renamedFrom: user_role, renamedValues: { owner: admin } }
      level: [low, high]
    tables:
      users:
        from: public.users_user
        columns:
          email: { type: text, renamedFrom: mail }
      profiles:
        from: profiles_profile
  auth:
    tables:
      sessions:
        from: user.sessions
`;

test('declared moves and renames reach the model, the from schema resolved', () => {
  const dir = mkdtempSync(join(tmpdir(), 'schemagen-moves-'));
  writeFileSync(join(dir, 'schema.yaml'), MANIFEST);
  const model = loadModel(join(dir, 'schema.yaml'), 'schema.yaml');
  const user = model.services.find((s) => s.name === 'user')!;
  const table = (name: string) => model.services.flatMap((s) => s.tables).find((t) => t.name === name)!;
  expect(table('users').from).toEqual({ schema: 'public', table: 'users_user' });
  expect(table('profiles').from).toEqual({ schema: 'user', table: 'profiles_profile' });
  // A table may come from another service's schema once the manifest no longer declares it there.
  expect(table('sessions').from).toEqual({ schema: 'user', table: 'sessions' });
  expect(table('users').columns.find((c) => c.name === 'email')!.renamedFrom).toBe('mail');
  expect(table('users').columns.find((c) => c.name === 'created_at')!.renamedFrom).toBe('created');
  expect(user.enums).toEqual([
    {
      name: 'role',
      tsName: 'roleEnum',
      values: ['member', 'owner'],
      renamedFrom: 'user_role',
      renamedValues: [{ from: 'admin', to: 'owner' }],
    },
    { name: 'level', tsName: 'levelEnum', values: ['low', 'high'] },
  ]);
  expect(table('users').columns.find((c) => c.name === 'id')!).not.toHaveProperty('renamedFrom');
});

test('the table a from: most likely meant: a similar name in its schema, then elsewhere, then the nearest in its schema', () => {
  const at = (place: string) => ({ schema: place.split('.')[0]!, table: place.split('.')[1]! });
  const meant = (from: string, tables: string[]) => {
    const found = closestTable(at(from), tables.map(at));
    return found && `${found.schema}.${found.table}`;
  };
  expect(editDistance('users_usr', 'users_user')).toBe(1);
  expect(meant('public.users_usr', ['public.auth_group', 'public.users_user', 'legacy.users_usr_'])).toBe(
    'public.users_user',
  );
  // The wrong schema: the same name elsewhere beats an unrelated table in the schema named.
  expect(meant('legacy.users_user', ['legacy.audit_log', 'public.users_user'])).toBe('public.users_user');
  // Nothing similar anywhere: the nearest name in the schema named, which holds something to move.
  expect(meant('public.accounts', ['public.auth_group', 'public.django_session', 'user.profile'])).toBe(
    'public.auth_group',
  );
  // A fresh database (or one holding only unrelated tables elsewhere): nothing was meant, the table is created.
  expect(meant('public.users_user', [])).toBeUndefined();
  expect(meant('public.users_user', ['user.profile', 'auth.session'])).toBeUndefined();
});
