import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, test } from 'vitest';
import { listedStatements } from '../support/cli.js';
import { BOTH, ORDERS_MANIFEST, project, type Project } from '../support/project.js';
import { expectOk, expectSettled } from '../support/settled.js';

/**
 * Row-level security declared on a table (`rls: true`, `policies:`): enabled and created by push, a
 * role then reading only the rows its policy lets through; pushed again without a statement and
 * verified; an edited policy replaced; an undeclared policy and a grant made by hand left alone;
 * import writing policies and rls, so push after it plans nothing.
 */
const ROLE = `reader_${process.pid}_${Math.floor(Math.random() * 1e6)}`;

const manifest = (using: string) => `version: 1
services:
  notes:
    tables:
      note:
        base: false
        columns:
          id: { type: integer, primaryKey: true }
          owner: { type: text }
        rls: true
        policies:
          note_reader:
            for: select
            to: [${ROLE}]
            using: { sql: "${using}" }
`;

/** What `role` reads of the notes: one statement list, so the role is the session's for the select alone. */
async function readAs(p: Project, role = ROLE): Promise<unknown[]> {
  const result = await p.sql<unknown>(`set role ${role}; select id from notes.note order by id`);
  return (Array.isArray(result[0]) ? result.at(-1) : result) as unknown[];
}

describe.each(BOTH)('on $name', (kind) => {
  test('policies are created and enforced; edits replace them; a hand-made grant and policy are left alone', async () => {
    const p = await project(kind, manifest("owner = 'ann'"));
    await p.sql(`do $$ begin if not exists (select from pg_roles where rolname = '${ROLE}') then
      create role ${ROLE}; end if; end $$`);
    const first = await p.run(['push']);
    expectOk(first, 'first push');
    expect(listedStatements(first.stdout).slice(-2)).toEqual([
      '  ALTER TABLE "notes"."note" ENABLE ROW LEVEL SECURITY;',
      `  CREATE POLICY "note_reader" ON "notes"."note" AS PERMISSIVE FOR SELECT TO "${ROLE}" USING (owner = 'ann');`,
    ]);
    await p.sql(`insert into notes.note values (1, 'ann'), (2, 'bob'), (3, 'ann');
      grant usage on schema notes to ${ROLE}; grant select on notes.note to ${ROLE}`);
    expect(await readAs(p)).toEqual([{ id: 1 }, { id: 3 }]);
    await expectSettled(p, ['notes'], 'push after the first');

    await p.sql(`create policy by_hand on notes.note for insert to ${ROLE} with check (true)`);
    const verified = await p.run(['verify']);
    expectOk(verified, 'verify after the first push');
    expect(verified.stdout).toContain(
      'unmanaged: policy notes.note.by_hand (not in the manifest; push leaves it alone)',
    );
    expect(verified.stdout).not.toMatch(/note_reader|row level security/);

    // `in (…)` reads back as `= ANY (ARRAY[…])`: the server spells the manifest's condition to compare.
    await p.write(manifest("owner in ('bob', 'cid')"));
    const edited = await p.run(['verify']);
    expect(edited.code).toBe(1);
    expect(edited.stderr).toContain("notes.note.note_reader: policy using is (owner = 'ann'::text)");
    const replaced = await p.run(['push']);
    expectOk(replaced, 'push of an edited policy');
    expect(listedStatements(replaced.stdout)).toEqual([
      '  DROP POLICY IF EXISTS "note_reader" ON "notes"."note";',
      `  CREATE POLICY "note_reader" ON "notes"."note" AS PERMISSIVE FOR SELECT TO "${ROLE}" USING (owner in ('bob', 'cid'));`,
    ]);
    await expectSettled(p, ['notes'], 'push after the edit');
    expect(await readAs(p)).toEqual([{ id: 2 }]);
    // The grant made by hand, and the policy, are still there.
    expect(
      await p.sql(`select has_table_privilege('${ROLE}', 'notes.note', 'select') as can,
        (select count(*)::int from pg_policy where polname = 'by_hand') as kept`),
    ).toEqual([{ can: true, kept: 1 }]);
  }, 180_000);

  test('import writes rls and the policies, push then plans nothing and the grants stay', async () => {
    const p = await project(kind, ORDERS_MANIFEST);
    await p.sql(`do $$ begin if not exists (select from pg_roles where rolname = '${ROLE}') then
        create role ${ROLE}; end if; end $$;
      create table public.note (id integer primary key, owner text not null);
      alter table public.note enable row level security;
      create policy note_owner on public.note using (owner = current_user) with check (owner = current_user);
      create policy note_read on public.note as restrictive for select to ${ROLE} using (id > 0);
      grant select on public.note to ${ROLE};
      insert into public.note values (1, 'ann');`);
    const imported = await p.run(['import', '--map', '*=notes', '--out', 'schema.yaml', '--force']);
    expect(imported.code, imported.stderr).toBe(0);
    const written = parse(readFileSync(join(p.dir, 'schema.yaml'), 'utf8')) as {
      services: { notes: { tables: { note: { rls: unknown; policies: unknown } } } };
    };
    expect(written.services.notes.tables.note.rls).toBe(true);
    expect(written.services.notes.tables.note.policies).toEqual({
      note_owner: { using: { sql: '(owner = CURRENT_USER)' }, withCheck: { sql: '(owner = CURRENT_USER)' } },
      note_read: { as: 'restrictive', for: 'select', to: [ROLE], using: { sql: '(id > 0)' } },
    });
    expectOk(await p.run(['generate']), 'generate after import');
    const dry = await p.run(['push', '--dry-run']);
    expectOk(dry, 'dry run after import');
    expect(listedStatements(dry.stdout).filter((l) => !/SET SCHEMA|CREATE SCHEMA/.test(l))).toEqual([]);
    expectOk(await p.run(['push']), 'push after import');
    await expectSettled(p, ['notes'], 'push after import');
    expectOk(await p.run(['verify']), 'verify after import');
    expect(
      await p.sql(`select has_table_privilege('${ROLE}', 'notes.note', 'select') as can,
        (select relrowsecurity from pg_class where oid = 'notes.note'::regclass) as rls`),
    ).toEqual([{ can: true, rls: true }]);
  }, 180_000);

  test('rls: force puts the table owner under the policies too; push never unforces it; import writes it', async () => {
    const owner = `${ROLE}_owner`;
    const forced = (rls: string) => manifest("owner = 'ann'").replace('rls: true', `rls: ${rls}`);
    const p = await project(kind, forced('true'));
    await p.sql(`do $$ begin
      if not exists (select from pg_roles where rolname = '${ROLE}') then create role ${ROLE}; end if;
      if not exists (select from pg_roles where rolname = '${owner}') then create role ${owner}; end if; end $$`);
    expectOk(await p.run(['push']), 'first push');
    await p.sql(`insert into notes.note values (1, 'ann'), (2, 'bob');
      grant usage on schema notes to ${owner}; alter table notes.note owner to ${owner}`);
    // The owner reads everything while row-level security is only enabled, what its policies let through when forced.
    const ownerReads = () => readAs(p, owner);
    expect(await ownerReads()).toEqual([{ id: 1 }, { id: 2 }]);

    await p.write(forced('force'));
    const unforced = await p.run(['verify']);
    expect(unforced.code).toBe(1);
    expect(unforced.stderr).toContain('notes.note: row level security is not forced; expected forced on the owner too');
    const pushed = await p.run(['push']);
    expectOk(pushed, 'push of rls: force');
    expect(listedStatements(pushed.stdout)).toEqual(['  ALTER TABLE "notes"."note" FORCE ROW LEVEL SECURITY;']);
    // No policy is the owner's: forced, it reads nothing.
    expect(await ownerReads()).toEqual([]);
    await expectSettled(p, ['notes'], 'push after forcing');

    // Back to rls: true, the table stays forced: push weakens no security it was not told to.
    await p.write(forced('true'));
    await expectSettled(p, ['notes'], 'push of rls: true on a forced table');
    expect(await ownerReads()).toEqual([]);

    const embedded = kind.name === 'pglite' ? ['--embedded'] : [];
    const imported = await p.run(['import', '--schema', 'notes', '--out', 'imported.yaml', ...embedded]);
    expect(imported.code, imported.stderr).toBe(0);
    const written = parse(readFileSync(join(p.dir, 'imported.yaml'), 'utf8')) as {
      services: { notes: { tables: { note: { rls: unknown } } } };
    };
    expect(written.services.notes.tables.note.rls).toBe('force');
    await p.write(readFileSync(join(p.dir, 'imported.yaml'), 'utf8'));
    await expectSettled(p, ['notes'], 'push of the import');
  }, 180_000);
});
