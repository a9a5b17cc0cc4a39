import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, onTestFinished, test } from 'vitest';
import { BOTH, ORDERS_MANIFEST, catalogText, project, type Project } from '../support/project.js';
import { SEED_SQL, SEED_TABLES, UNSUPPORTED_SQL } from '../support/seed-database.js';

const MAPS = [
  'users_=user',
  'profiles_=user',
  'companies_=institution',
  'internships_=internship',
  'applications_=application',
  'notifications_=notification',
  '*=misc',
];
const mapArgs = MAPS.flatMap((m) => ['--map', m]);
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const REPO_SCHEMAS = ['auth', 'user', 'institution', 'internship', 'application', 'notification'];

/** The seed's database in `public` (plus one object of each unsupported kind), built once per target: import only reads it. */
const seededProjects = new Map<string, Promise<Project>>();
function seeded(kind: (typeof BOTH)[number]): Promise<Project> {
  let p = seededProjects.get(kind.name);
  if (!p) {
    p = project(kind, ORDERS_MANIFEST).then(async (x) => (await x.sql(SEED_SQL + UNSUPPORTED_SQL), x));
    seededProjects.set(kind.name, p);
  }
  return p;
}

describe.each(BOTH)('import on $name', { timeout: 180_000 }, (kind) => {
  test("the seed's database: three base variants, one proposed base, a manifest that loads, every unsupported object named", async () => {
    const p = await seeded(kind);
    const result = await p.run(['import', ...mapArgs, '--out', 'imported.yaml']);
    expect(result.stderr).not.toMatch(/^error/m);
    expect(result.code).toBe(0);
    const report = result.stderr;
    expect(report).toContain('base variants (leading columns shared by several tables): 3');
    const stamps = 'created_at timestamptz default now(), updated_at timestamptz default now()';
    const uuid = `id uuid primary key default gen_random_uuid(), ${stamps}`;
    const variant = (columns: string, tables: string, to: string) =>
      new RegExp(`variant \\d: ${escape(columns)}\\n\\s+${escape(tables)}\\n\\s+→ ${escape(to)}`);
    expect(report).toMatch(
      variant(
        `${uuid}, is_deleted boolean default false, deleted_at timestamptz null`,
        '3 tables: public.companies_company, public.profiles_profile, public.users_user',
        'base\n',
      ),
    );
    expect(report).toMatch(
      variant(uuid, '2 tables: public.applications_application, public.internships_internship', 'base\n'),
    );
    expect(report).toMatch(
      variant(
        `id bigserial primary key, ${stamps}`,
        '2 tables: public.notifications_emaillog, public.notifications_notification',
        'bases.id_bigserial',
      ),
    );
    expect(report).toContain('proposed base: id, created_at, updated_at, is_deleted, deleted_at\n');
    expect(report).toContain('public.users_user → user.user (--map users_=user)');
    for (const expected of [
      'column public.misc_things.search: type pg_lsn',
      'column public.misc_things.amount: type positive_int',
      'domain public.positive_int',
      'exclusion constraint public.misc_things.misc_things_code_excl',
      'view public.misc_thing_view',
      'sequence not owned by a column public.misc_counter',
    ])
      expect(report).toContain(expected);

    const manifest = readFileSync(join(p.dir, 'imported.yaml'), 'utf8');
    expect(manifest).toContain(
      '# from public.users_user (--map users_=user), 100 rows\n      user:\n        from: public.users_user\n',
    );
    expect(manifest).toMatch(/emaillog:\n\s+from: public.notifications_emaillog\n\s+base: id_bigserial\n/);
    // Foreign keys follow the moved tables, across services, with their actions; the enum moves with its service.
    expect(manifest).toContain(
      'user_id: { type: uuid, references: { table: user, service: user, onDelete: cascade } }',
    );
    expect(manifest).toContain(
      'company_id: { type: uuid, references: { table: company, service: institution, onDelete: restrict } }',
    );
    // A trigger goes with its table, calling its function where that function stays.
    expect(manifest).toMatch(/misc_things_touch:\n(.*\n)*? +function: public\.misc_touch\n/);
    // A key over two columns keeps its name.
    expect(manifest).toContain(
      '- { columns: [ a, b ], references: { table: misc_parent, columns: [ a, b ] }, name: misc_child_parent_fkey }',
    );
    expect(report).not.toContain('misc_child_parent_fkey');
    expect(manifest).toMatch(/# from public.user_role\n\s+user_role: \[ student, employer, admin \]/);
    expect(manifest).toContain('role: { type: user_role, default: student }');
    // Each table lists only its own columns: the base's are not repeated.
    expect(manifest).not.toMatch(/^ {8,}(created_at|is_deleted):/m);
    expect(await p.run(['validate', '--manifest', 'imported.yaml'])).toMatchObject({ code: 0, stderr: '' });
    for (const t of SEED_TABLES) expect(manifest).toContain(`from: public.${t}\n`);
    // A partitioned table is imported with its key and partitions, which the report no longer names.
    expect(manifest).toMatch(/misc_events:\n\s+from: public.misc_events\n[^]*?partitionBy: \{ range: \[ at \] \}/);
    expect(manifest).toContain(`misc_events_2024: { values: FROM ('2024-01-01') TO ('2025-01-01') }`);
    expect(report).not.toMatch(/partition(ed table)? public\.misc_events/);
    // An index over an expression is imported with the expression as the server prints it.
    expect(manifest).toMatch(
      /misc_things:\n[^]*?indexes:\n\s+- \{ columns: \[ \{ sql: lower\(body\) \} \], name: misc_things_lower_body_idx \}/,
    );
    expect(report).not.toContain('misc_things_lower_body_idx');
  });

  test('--strict exits 1 on unsupported objects; --out refuses to overwrite without --force; a bad --map is a usage error', async () => {
    const p = await seeded(kind);
    const strict = await p.run(['import', ...mapArgs, '--strict']);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain('version: 1');
    writeFileSync(join(p.dir, 'taken.yaml'), 'mine\n');
    onTestFinished(() => rmSync(join(p.dir, 'taken.yaml')));
    const refused = await p.run(['import', ...mapArgs, '--out', 'taken.yaml']);
    expect(refused).toMatchObject({ code: 1, stdout: '' });
    expect(refused.stderr).toMatch(/taken\.yaml exists; give --force to overwrite it/);
    expect(readFileSync(join(p.dir, 'taken.yaml'), 'utf8')).toBe('mine\n');
    expect((await p.run(['import', ...mapArgs, '--out', 'taken.yaml', '--force'])).code).toBe(0);
    expect(readFileSync(join(p.dir, 'taken.yaml'), 'utf8')).toContain('from: public.users_user');
    expect((await p.run(['import', '--map', 'users_'])).code).toBe(2);
  });

  test('without a map, public tables are grouped by the part before the first underscore', async () => {
    const p = await seeded(kind);
    const result = await p.run(['import', '--schema', 'public']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('public.users_user → users.user (name prefix users_)');
    expect(result.stderr).toContain(
      'public.notifications_emaillog → notifications.emaillog (name prefix notifications_)',
    );
    const none = await p.run(['import', '--schema', 'nope']);
    expect(none).toMatchObject({ code: 1, stdout: '' });
    expect(none.stderr).toContain('error: no table to import in schema nope');
  });

  test("round trip on the repo's own platform: import → generate → push into an empty database gives the same catalog", async () => {
    const original = await project(kind, readFileSync('schema.yaml', 'utf8'));
    expect((await original.run(['push'])).code).toBe(0);
    await original.sql(`insert into auth.accounts (email, password_hash) values ('a@example.com', 'x')`);
    const copy = await project(kind, ORDERS_MANIFEST);
    const imported = await original.run([
      'import',
      '--keep-bases',
      '--strict',
      '--out',
      join(copy.dir, 'schema.yaml'),
      '--force',
    ]);
    expect(imported.stderr).toContain('not imported (the manifest cannot express them): 0');
    expect(imported.code).toBe(0);
    expect(readFileSync(join(copy.dir, 'schema.yaml'), 'utf8')).toContain('# 1 row\n      accounts:');
    writeFileSync(join(original.dir, 'imported.yaml'), readFileSync(join(copy.dir, 'schema.yaml')));
    expect(await original.run(['verify', '--manifest', 'imported.yaml'])).toMatchObject({ code: 0 });
    expect((await copy.run(['generate'])).code).toBe(0);
    const pushed = await copy.run(['push', 'auth', 'user', 'institution', 'internship', 'application', 'notification']);
    expect(pushed.stderr).toBe('');
    for (const schema of REPO_SCHEMAS)
      expect(await catalogText(copy, schema), schema).toBe(await catalogText(original, schema));
    // Without --keep-bases the proposed base is the platform's BaseModel and the event tables keep their own.
    const proposed = await original.run(['import']);
    expect(proposed.stderr).toContain('proposed base: id, created_at, updated_at, is_deleted, deleted_at\n');
    expect(proposed.stdout).toMatch(/bases:\n\s+# Base variant \d, kept as it is: bigint primary key identity always/);
    expect(existsSync(join(original.dir, 'imported.yaml'))).toBe(true);
  }, 300_000);
});

test('import --json prints one document with the manifest and the report; --strict makes ok false on what it left out', async () => {
  const { POSTGRES } = await import('../support/project.js');
  const p = await project(POSTGRES, ORDERS_MANIFEST);
  await p.sql(`create schema crm; create table crm.customers (id uuid primary key, name text not null, search pg_lsn)`);
  const result = await p.run(['import', '--schema', 'crm', '--json']);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const doc = JSON.parse(result.stdout) as {
    ok: boolean;
    manifest: string;
    report: string[];
    unsupported: { kind: string; name: string }[];
  };
  expect(doc.ok).toBe(true);
  expect(doc.manifest).toContain('  crm:\n    tables:\n');
  expect(doc.unsupported).toEqual([
    { kind: 'column', name: 'crm.customers.search', note: 'type pg_lsn has no manifest form' },
  ]);
  const strict = await p.run(['import', '--schema', 'crm', '--json', '--strict']);
  expect(strict.code).toBe(1);
  expect((JSON.parse(strict.stdout) as { ok: boolean }).ok).toBe(false);
});

test('import keeps a foreign key between integer types and leaves out one PostgreSQL compares only by converting values', async () => {
  const { POSTGRES } = await import('../support/project.js');
  const p = await project(POSTGRES, ORDERS_MANIFEST);
  await p.sql(`create schema legacy;
    create table legacy.codes (code integer primary key, label text unique);
    create table legacy.items (id uuid primary key, code smallint not null references legacy.codes, tag char(5) references legacy.codes (label))`);
  const result = await p.run(['import', '--schema', 'legacy', '--json']);
  expect(result.code).toBe(0);
  const doc = JSON.parse(result.stdout) as { manifest: string; unsupported: { kind: string; name: string }[] };
  expect(doc.manifest).toMatch(/code: \{ type: smallint, references: \{ table: codes, column: code \} \}/);
  expect(doc.unsupported).toEqual([
    {
      kind: 'foreign key',
      name: 'legacy.items.tag',
      note: 'type char(5) cannot reference the text key; expected text or varchar of any length: types PostgreSQL compares without converting values',
    },
  ]);
});

describe.each(BOTH)('import of a database that is not Django-shaped on $name', { timeout: 180_000 }, (kind) => {
  const SHOP = `
    create table customers (id bigint generated always as identity primary key, name text not null,
      updated timestamptz not null default now());
    create table orders (id bigint generated always as identity primary key, customer_id bigint not null references customers,
      total integer not null, updated timestamptz not null default now());
    create table order_item (id bigint generated always as identity primary key, order_id bigint not null references orders,
      sku text not null, updated timestamptz not null default now());
    insert into customers (name) values ('a'), ('b');
    insert into orders (customer_id, total) values (1, 10), (2, 20);
    insert into order_item (order_id, sku) values (1, 'x'), (2, 'y');`;

  test('without --map, public stays one service and no table is renamed; a trailing stamp becomes a mixin; push keeps every row in place', async () => {
    const p = await project(kind, ORDERS_MANIFEST);
    await p.sql(SHOP);
    const imported = await p.run(['import', '--out', 'schema.yaml', '--force']);
    expect(imported.stderr).not.toMatch(/^error/m);
    expect(imported.code).toBe(0);
    for (const t of ['customers', 'orders', 'order_item'])
      expect(imported.stderr).toContain(`public.${t} → app.${t} (public is not Django-shaped: one service)`);
    expect(imported.stderr).toContain('proposed mixins (trailing columns shared by several tables): 1');
    expect(imported.stderr).toContain('mixin updated (last): updated timestamptz default now()');
    const manifest = readFileSync(join(p.dir, 'schema.yaml'), 'utf8');
    expect(manifest).toContain(
      '\nmixins:\n  updated:\n    last: true\n    columns:\n      updated: { type: timestamptz, default: { sql: now() } }\n',
    );
    expect(manifest).toMatch(/order_item:\n\s+from: public.order_item\n\s+base: false\n\s+mixins: \[ updated \]\n/);
    expect(manifest).not.toMatch(/^ {10}updated:/m);
    expect((await p.run(['generate'])).stderr).toBe('');
    const pushed = await p.run(['push']);
    expect(pushed.stderr).toBe('');
    expect(pushed.code).toBe(0);
    // The columns keep their order: the mixin's stamp stays last.
    expect(
      await p.sql(`select string_agg(column_name, ',' order by ordinal_position) as c from information_schema.columns
        where table_schema = 'app' and table_name = 'order_item'`),
    ).toEqual([{ c: 'id,order_id,sku,updated' }]);
    expect(await p.sql(`select sku from app.order_item order by id`)).toEqual([{ sku: 'x' }, { sku: 'y' }]);
    expect((await p.run(['verify'])).code).toBe(0);
  });

  test("--map '*=<service>' names public's one service", async () => {
    const p = await project(kind, ORDERS_MANIFEST);
    await p.sql(SHOP);
    const named = await p.run(['import', '--map', '*=shop']);
    expect(named.code).toBe(0);
    expect(named.stderr).toContain('public.order_item → shop.order_item (--map *=shop)');
    expect(named.stdout).toContain('  shop:\n    tables:\n');
  });
});
