import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { loadModel } from '../../src/model/load-model.js';

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
