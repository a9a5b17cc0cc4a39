import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, test } from 'vitest';
import { listedStatements } from '../support/cli.js';
import { BOTH, ORDERS_MANIFEST, project, type Project } from '../support/project.js';
import { expectOk, expectSettled } from '../support/settled.js';

/**
 * Grants declared on a table (`grants:`): push grants what a role lacks, after the table exists, and
 * settles; a grant made by hand beyond them is left alone and listed by verify; a declared privilege
 * taken away is drift naming role and privilege; a role the server lacks refuses the push up front,
 * named, nothing changed; import writes the grants so push after it plans nothing.
 */
const suffix = `${process.pid}_${Math.floor(Math.random() * 1e6)}`;
const READER = `reader_${suffix}`;
const WRITER = `writer_${suffix}`;

const manifest = (grants: string) => `version: 1
services:
  notes:
    tables:
      note:
        base: false
        columns:
          id: { type: integer, primaryKey: true }
          body: { type: text }
        grants:
${grants}
`;
const DECLARED = `          ${READER}: [select]\n          ${WRITER}: [select, insert, update]\n          public: [references]`;

const createRoles = (p: Project, ...roles: string[]) =>
  p.sql(
    roles
      .map(
        (r) =>
          `do $$ begin if not exists (select from pg_roles where rolname = '${r}') then create role ${r}; end if; end $$`,
      )
      .join(';\n'),
  );

/** The privileges of the note table, by grantee, as the server holds them. */
async function privileges(p: Project): Promise<unknown[]> {
  return p.sql(`select coalesce(r.rolname, 'public') as role, string_agg(lower(a.privilege_type), ',' order by a.privilege_type) as privileges
      from pg_class c cross join lateral aclexplode(c.relacl) a left join pg_roles r on r.oid = a.grantee
     where c.oid = 'notes.note'::regclass and a.grantee <> c.relowner group by 1 order by 1`);
}

describe.each(BOTH)('on $name', (kind) => {
  test('declared grants are given after the table, settle, and a missing one is drift; a hand-made extra one is left alone and listed', async () => {
    const p = await project(kind, manifest(DECLARED));
    await createRoles(p, READER, WRITER);
    const dry = await p.run(['push', '--dry-run']);
    expectOk(dry, 'dry run');
    const grants = [
      `  GRANT SELECT ON "notes"."note" TO "${READER}";`,
      `  GRANT SELECT, INSERT, UPDATE ON "notes"."note" TO "${WRITER}";`,
      '  GRANT REFERENCES ON "notes"."note" TO PUBLIC;',
    ];
    expect(listedStatements(dry.stdout).slice(-3)).toEqual(grants);
    const first = await p.run(['push']);
    expectOk(first, 'first push');
    expect(listedStatements(first.stdout).slice(-3)).toEqual(grants);
    expect(await privileges(p)).toEqual([
      { role: 'public', privileges: 'references' },
      { role: READER, privileges: 'select' },
      { role: WRITER, privileges: 'insert,select,update' },
    ]);
    await expectSettled(p, ['notes'], 'push after the first');
    expectOk(await p.run(['verify']), 'verify after the first push');

    // A grant made by hand beyond the declared ones: listed, and left as it is.
    await p.sql(`grant delete on notes.note to ${READER}`);
    const verified = await p.run(['verify']);
    expectOk(verified, 'verify with a hand-made grant');
    expect(verified.stdout).toContain(
      `unmanaged: grant notes.note to ${READER}: delete (not in the manifest; push leaves it alone)`,
    );
    expect(verified.stdout).not.toMatch(new RegExp(`grant notes.note to (${WRITER}|public)`));
    await expectSettled(p, ['notes'], 'push with a hand-made grant');

    // Taken away by hand: drift naming the role and what it lacks; push gives back that alone.
    await p.sql(`revoke insert, update on notes.note from ${WRITER}`);
    const drifted = await p.run(['verify']);
    expect(drifted.code).toBe(1);
    expect(drifted.stderr).toContain(`notes.note: role ${WRITER} lacks insert, update (has select)`);
    const again = await p.run(['push']);
    expectOk(again, 'push after the revoke');
    expect(listedStatements(again.stdout)).toEqual([`  GRANT INSERT, UPDATE ON "notes"."note" TO "${WRITER}";`]);
    await expectSettled(p, ['notes'], 'push after the revoke');
    expect(await privileges(p)).toEqual([
      { role: 'public', privileges: 'references' },
      { role: READER, privileges: 'delete,select' },
      { role: WRITER, privileges: 'insert,select,update' },
    ]);
  }, 180_000);

  test('a view grants what it declares when created, again when taken away, and import writes it', async () => {
    const view = (grants: string) =>
      manifest(`          ${READER}: [select]`) +
      `    views:\n      recent:\n        sql: select id, body from notes.note\n` +
      `        columns: { id: integer, body: text }\n${grants}`;
    const p = await project(kind, view(`        grants: { ${READER}: [select], public: [select] }\n`));
    await createRoles(p, READER);
    const first = await p.run(['push']);
    expectOk(first, 'first push');
    expect(listedStatements(first.stdout)).toEqual(
      expect.arrayContaining([
        `  GRANT SELECT ON "notes"."recent" TO "${READER}";`,
        '  GRANT SELECT ON "notes"."recent" TO PUBLIC;',
      ]),
    );
    await expectSettled(p, ['notes'], 'push after the first');
    await p.sql(`revoke select on notes.recent from public; grant insert on notes.recent to ${READER}`);
    const drifted = await p.run(['verify']);
    expect(drifted.code).toBe(1);
    expect(drifted.stderr).toContain('notes.recent: role public lacks select (has none)');
    expect(drifted.stdout).toContain(`unmanaged: grant notes.recent to ${READER}: insert`);
    const again = await p.run(['push']);
    expectOk(again, 'push after the revoke');
    expect(listedStatements(again.stdout)).toEqual(['  GRANT SELECT ON "notes"."recent" TO PUBLIC;']);

    const imported = await p.run(['import', '--strict', '--schema', 'notes', '--out', 'imported.yaml']);
    expect(imported.code, imported.stderr).toBe(0);
    const written = parse(readFileSync(join(p.dir, 'imported.yaml'), 'utf8')) as {
      services: { notes: { views: { recent: { grants: unknown } } } };
    };
    expect(written.services.notes.views.recent.grants).toEqual({ public: ['select'], [READER]: ['select', 'insert'] });
  }, 180_000);

  test('a grant on a sequence is named by import, which has no form for it, and kept by push', async () => {
    const p = await project(kind, ORDERS_MANIFEST);
    await createRoles(p, READER);
    await p.sql(`create table public.ticket (id serial primary key, title text not null);
      grant usage on sequence public.ticket_id_seq to ${READER};`);
    const strict = await p.run(['import', '--strict', '--map', '*=notes', '--out', 'schema.yaml', '--force']);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain(
      `grant public.ticket_id_seq to ${READER}: on a sequence: no manifest form; push leaves it as it is`,
    );
    expect((await p.run(['import', '--map', '*=notes', '--out', 'schema.yaml', '--force'])).code).toBe(0);
    expectOk(await p.run(['generate']), 'generate after import');
    expectOk(await p.run(['push']), 'push after import');
    expect(await p.sql(`select has_sequence_privilege('${READER}', 'notes.ticket_id_seq', 'usage') as usable`)).toEqual(
      [{ usable: true }],
    );
  }, 120_000);

  test('a role the server does not have refuses the push, named, and nothing changes', async () => {
    const missing = `nobody_${suffix}`;
    const p = await project(kind, manifest(`          ${missing}: all`));
    for (const args of [['push', '--dry-run'], ['push']]) {
      const refused = await p.run(args);
      expect(refused.code, refused.stdout).toBe(1);
      expect(refused.stderr).toContain(`role ${missing} does not exist; push creates no roles`);
    }
    expect(await p.sql(`select count(*)::int as n from pg_namespace where nspname = 'notes'`)).toEqual([{ n: 0 }]);
  }, 120_000);

  test('import writes the grants to roles other than the owner; push then plans nothing and a round trip reproduces them', async () => {
    const p = await project(kind, ORDERS_MANIFEST);
    await createRoles(p, READER, WRITER);
    await p.sql(`create table public.note (id integer primary key, body text not null);
      grant select on public.note to ${READER}; grant all on public.note to ${WRITER};
      grant select, trigger on public.note to public;
      insert into public.note values (1, 'a');`);
    const imported = await p.run(['import', '--map', '*=notes', '--out', 'schema.yaml', '--force']);
    expect(imported.code, imported.stderr).toBe(0);
    const text = readFileSync(join(p.dir, 'schema.yaml'), 'utf8');
    const written = parse(text) as { services: { notes: { tables: { note: { grants: unknown } } } } };
    expect(written.services.notes.tables.note.grants).toEqual({
      public: ['select', 'trigger'],
      [READER]: ['select'],
      [WRITER]: 'all',
    });
    expectOk(await p.run(['generate']), 'generate after import');
    const dry = await p.run(['push', '--dry-run']);
    expectOk(dry, 'dry run after import');
    expect(listedStatements(dry.stdout).filter((l) => !/SET SCHEMA|CREATE SCHEMA/.test(l))).toEqual([]);
    expectOk(await p.run(['push']), 'push after import');
    await expectSettled(p, ['notes'], 'push after import');
    const verified = await p.run(['verify']);
    expectOk(verified, 'verify after import');
    expect(verified.stdout).not.toContain('unmanaged: grant');

    // Roles are the server's: an embedded database of its own has them made first.
    const trip = await project(kind, text);
    await createRoles(trip, READER, WRITER);
    expectOk(await trip.run(['push']), 'the round trip into an empty database');
    expect(await privileges(trip)).toEqual(await privileges(p));
  }, 180_000);
});
