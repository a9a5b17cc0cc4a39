import { describe, expect, test } from 'vitest';
import { BOTH, ORDERS_MANIFEST, project, type Project } from '../support/project.js';
import { SEED_SQL, SEED_TABLES } from '../support/seed-database.js';

const MAPS = [
  'users_=user',
  'profiles_=user',
  'companies_=institution',
  'internships_=internship',
  'applications_=application',
  'notifications_=notification',
];

/** Row count and a checksum of the columns a table had in public, per table, in one query. */
async function fingerprints(
  p: Project,
  where: (table: string) => string,
  columns: Record<string, string>,
): Promise<Record<string, string>> {
  const parts = SEED_TABLES.map(
    (t) =>
      `select '${t}' as t, count(*) || ':' || coalesce(md5(string_agg(row(${columns[t]})::text, ',' order by id::text)), '-') as f from ${where(t)}`,
  );
  const rows = await p.sql<{ t: string; f: string }>(parts.join(' union all '));
  return Object.fromEntries(rows.map((r) => [r.t, r.f]));
}

const PLACE: Record<string, string> = {
  users_user: '"user"."user"',
  profiles_profile: '"user".profile',
  companies_company: 'institution.company',
  internships_internship: 'internship.internship',
  applications_application: 'application.application',
  notifications_notification: 'notification.notification',
  notifications_emaillog: 'notification.emaillog',
};

describe.each(BOTH)('on $name', (kind) => {
  test("the seed's database is adopted by import + push: every row kept, foreign keys intact, nothing left in public", async () => {
    const p = await project(kind, ORDERS_MANIFEST);
    await p.sql(SEED_SQL);
    const cols = await p.sql<{
      t: string;
      c: string;
    }>(`select table_name as t, string_agg(quote_ident(column_name), ', ' order by ordinal_position) as c
      from information_schema.columns where table_schema = 'public' group by 1`);
    const columns = Object.fromEntries(cols.map((r) => [r.t, r.c]));
    const before = await fingerprints(p, (t) => `public.${t}`, columns);

    const imported = await p.run(['import', ...MAPS.flatMap((m) => ['--map', m]), '--out', 'schema.yaml', '--force']);
    expect(imported.code).toBe(0);
    expect((await p.run(['generate'])).code).toBe(0);
    const dry = await p.run(['push', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('ALTER TABLE "public"."users_user" SET SCHEMA "user";');
    expect(dry.stdout).toContain('ALTER TABLE "user"."users_user" RENAME TO "user";');
    const pushed = await p.run(['push']);
    expect(pushed.stderr).toBe('');
    expect(pushed.code).toBe(0);

    expect(await fingerprints(p, (t) => PLACE[t]!, columns)).toEqual(before);
    const [state] = await p.sql<{ in_public: number; fks: string[] }>(`select
      (select count(*)::int from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and c.relkind in ('r', 'p', 'S')) as in_public,
      (select json_agg(conrelid::regclass || ' -> ' || confrelid::regclass) from pg_constraint where contype = 'f' and convalidated) as fks`);
    expect(state!.in_public).toBe(0);
    expect([...state!.fks].sort()).toEqual([
      '"user".profile -> "user"."user"',
      'application.application -> "user"."user"',
      'application.application -> internship.internship',
      'internship.internship -> institution.company',
      'notification.notification -> "user"."user"',
    ]);
    const verified = await p.run(['verify']);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain(
      'note: services.user.tables.user.from: public.users_user has moved here; the declaration can be removed',
    );
    const again = await p.run(['push', '--dry-run']);
    expect(again.stdout).not.toMatch(/would be (altered|created)/);
  }, 180_000);

  test('a move, a table rename and a column rename in one push keep every value; declared again, they do nothing', async () => {
    const manifest = (extra: string) => `version: 1
services:
  shop:
    tables:
      orders:
${extra}        columns:
          amount: { type: integer, renamedFrom: total }
`;
    const p = await project(kind, manifest(''));
    await p.sql(`create table public.legacy_orders (id uuid primary key default gen_random_uuid(), created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(), is_deleted boolean not null default false, deleted_at timestamptz, total integer not null);
      insert into public.legacy_orders (total) select i from generate_series(1, 50) i`);
    await p.write(manifest('        from: public.legacy_orders\n'));
    const pushed = await p.run(['push']);
    expect(pushed.stderr).toBe('');
    expect(pushed.stdout).toMatch(/^shop → .*: altered, 5 statements$/m);
    expect(await p.sql(`select count(*)::int as n, sum(amount)::int as s from shop.orders`)).toEqual([
      { n: 50, s: 1275 },
    ]);
    expect(await p.sql(`select to_regclass('public.legacy_orders') is null as gone`)).toEqual([{ gone: true }]);
    expect((await p.run(['verify'])).code).toBe(0);
    expect((await p.run(['push'])).stdout).toMatch(/^shop → .*: unchanged$/m);
  }, 120_000);

  test('push refuses to create a table beside a same-named table with rows in public; --allow-duplicate goes ahead', async () => {
    const p = await project(kind, ORDERS_MANIFEST);
    await p.sql(
      `create table public.orders (id serial primary key, total integer); insert into public.orders (total) values (1), (2)`,
    );
    const refused = await p.run(['push']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^ {2}would create shop\.orders while public\.orders exists with 2 rows: adopt it with from: public\.orders on the table, or push with --allow-duplicate to create an empty one beside it$/m,
    );
    expect(await p.sql(`select to_regclass('shop.orders') is null as none`)).toEqual([{ none: true }]);
    const allowed = await p.run(['push', '--allow-duplicate']);
    expect(allowed.code).toBe(0);
    expect(await p.sql(`select count(*)::int as n from public.orders`)).toEqual([{ n: 2 }]);
  }, 120_000);
});

test('push refuses to create a table beside a same-named table with rows in a schema no service owns', async () => {
  const { POSTGRES } = await import('../support/project.js');
  const p = await project(POSTGRES, ORDERS_MANIFEST);
  await p.sql(
    `create schema legacy; create table legacy.orders (id serial primary key, total integer);
     insert into legacy.orders (total) values (1), (2), (3)`,
  );
  const refused = await p.run(['push']);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toMatch(
    /^ {2}would create shop\.orders while legacy\.orders exists with 3 rows: adopt it with from: legacy\.orders on the table, or push with --allow-duplicate to create an empty one beside it$/m,
  );
  expect(await p.sql(`select to_regclass('shop.orders') is null as none`)).toEqual([{ none: true }]);
});

test('a key whose type the base cannot take is refused with advice, even with --accept-data-loss', async () => {
  const { POSTGRES } = await import('../support/project.js');
  const p = await project(
    POSTGRES,
    `version: 1
services:
  shop:
    tables:
      orders:
        from: public.legacy
        columns:
          total: { type: integer }
`,
  );
  await p.sql(`create table public.legacy (id bigserial primary key, created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(), total integer not null); insert into public.legacy (total) values (1)`);
  const refused = await p.run(['push', '--accept-data-loss']);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toMatch(
    /the change of shop\.orders\.id to uuid cannot convert 1 existing row of shop\.orders: key column shop\.orders\.id is bigint and comes from base \(the default base\): give the table a base that keeps bigint/,
  );
  expect(await p.sql(`select to_regclass('public.legacy') is not null as kept`)).toEqual([{ kept: true }]);
});
