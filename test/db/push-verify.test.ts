import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { FIXTURES } from '../support/fixtures.js';
import { BOTH, ORDERS_MANIFEST, catalogText, project, snapshot } from '../support/project.js';

const PLATFORM = readFileSync(join(FIXTURES, '..', '..', 'schema.yaml'), 'utf8');
const SERVICES = ['auth', 'user', 'institution', 'internship', 'application', 'notification'];

describe.each(BOTH)('on $name', (kind) => {
  // Scenario 1: the seed platform into an empty database.
  test('push puts every table in its own schema with the base columns; verify passes; a second push is a no-op', async () => {
    const p = await project(kind, PLATFORM);
    const pushed = await p.run(['push']);
    expect(pushed.stderr).toBe('');
    expect(pushed.code).toBe(0);
    for (const s of SERVICES) expect(pushed.stdout).toMatch(new RegExp(`^${s} → .*: created, \\d+ statements$`, 'm'));

    const tables = await p.sql<{ schema: string; table: string }>(
      `select table_schema as schema, table_name as "table" from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema') order by 1, 2`,
    );
    expect(tables.filter((t) => t.schema === 'public')).toEqual([]);
    // Nor any other object of ours: relations (sequences, indexes), enums.
    expect(
      await p.sql(`select relname from pg_class where relnamespace = 'public'::regnamespace union all
      select typname from pg_type where typnamespace = 'public'::regnamespace and typtype = 'e'`),
    ).toEqual([]);
    expect(new Set(tables.map((t) => t.schema))).toEqual(new Set(SERVICES));
    const base = await p.sql<{
      table: string;
      column: string;
      type: string;
      nullable: string;
      default: string | null;
    }>(`
      select table_schema || '.' || table_name as "table", column_name as "column", data_type as type, is_nullable as nullable, column_default as default
        from information_schema.columns
       where table_schema = any(array['${SERVICES.join("','")}']) and column_name in ('id', 'created_at', 'updated_at', 'is_deleted', 'deleted_at')
         and table_name not in ('members', 'application_events', 'delivery_attempts')
       order by 1, 2`);
    const byColumn = (name: string) => base.filter((r) => r.column === name);
    expect(
      byColumn('id').every((r) => r.type === 'uuid' && r.nullable === 'NO' && r.default === 'gen_random_uuid()'),
    ).toBe(true);
    for (const c of ['created_at', 'updated_at'])
      expect(
        byColumn(c).every((r) => r.type === 'timestamp with time zone' && r.nullable === 'NO' && r.default === 'now()'),
      ).toBe(true);
    expect(
      byColumn('is_deleted').every((r) => r.type === 'boolean' && r.nullable === 'NO' && r.default === 'false'),
    ).toBe(true);
    expect(
      byColumn('deleted_at').every(
        (r) => r.type === 'timestamp with time zone' && r.nullable === 'YES' && r.default === null,
      ),
    ).toBe(true);
    expect(base.length).toBe(9 * 5);

    const verified = await p.run(['verify']);
    expect(verified.stderr).toBe('');
    expect(verified.code).toBe(0);
    const again = await p.run(['push']);
    expect(again.code).toBe(0);
    for (const s of SERVICES) expect(again.stdout).toMatch(new RegExp(`^${s} → .*: unchanged$`, 'm'));
  });

  // Scenario 4: additive changes keep rows.
  test('additive changes are applied and keep existing rows', async () => {
    const manifest = ORDERS_MANIFEST;
    const p = await project(kind, manifest);
    expect((await p.run(['push'])).code).toBe(0);
    await p.sql(`insert into shop.orders (total) values (10), (20)`);
    await p.write(`${manifest}          note: { type: text, nullable: true }
          status: { type: varchar(20), default: open }
        indexes:
          - { columns: [status, total] }
      customers:
        columns:
          name: { type: text }
`);
    const pushed = await p.run(['push']);
    expect(pushed.stderr).toBe('');
    expect(pushed.stdout).toMatch(/^shop → .*: altered, \d+ statements$/m);
    const rows = await p.sql<{ total: number; note: string | null; status: string }>(
      'select total, note, status from shop.orders order by total',
    );
    expect(rows).toEqual([
      { total: 10, note: null, status: 'open' },
      { total: 20, note: null, status: 'open' },
    ]);
    expect(await catalogText(p, 'shop')).toContain(
      'index CREATE INDEX orders_status_total_idx ON shop.orders USING btree (status, total)',
    );
    expect((await p.run(['verify'])).code).toBe(0);
  });

  // Scenario 5 (destructive changes) is in destructive.test.ts.

  // Scenario 6: the seed's migration — a legacy table with only some base columns.
  test('a legacy table with only created_at/updated_at is brought under the unified base without losing rows', async () => {
    const p = await project(
      kind,
      `version: 1
services:
  companies:
    tables:
      companies:
        columns:
          name: { type: text }
`,
    );
    await p.sql(`create schema companies;
      create table companies.companies (id uuid primary key, created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(), name text not null);
      insert into companies.companies (id, name, created_at, updated_at) values
        ('00000000-0000-4000-8000-000000000001', 'Acme', '2020-01-01 10:00+00', '2021-06-01 12:00+00'),
        ('00000000-0000-4000-8000-000000000002', 'Globex', '2020-02-01 10:00+00', '2020-02-01 10:00+00'),
        ('00000000-0000-4000-8000-000000000003', 'Initech', '2020-03-01 10:00+00', '2022-03-01 09:30+00');`);
    const columns = `id, name, created_at::text as created_at, updated_at::text as updated_at`;
    const before = await p.sql(`select ${columns} from companies.companies order by name`);
    const pushed = await p.run(['push']);
    expect(pushed.stderr).toBe('');
    // is_deleted, deleted_at, and the id default the old BaseModel left to the application.
    expect(pushed.stdout).toMatch(/^companies → .*: altered, 3 statements$/m);
    const after = await snapshot(
      p,
      'companies',
      `select ${columns}, is_deleted, deleted_at from companies.companies order by name`,
    );
    expect(after.rows).toEqual(before.map((r) => ({ ...r, is_deleted: false, deleted_at: null })));
    expect(after.catalog).toContain('column companies.is_deleted boolean not null default false');
    expect(after.catalog).toContain('column companies.deleted_at timestamp with time zone null default -');
    expect(after.catalog).toContain('column companies.id uuid not null default gen_random_uuid()');
    expect((await p.run(['verify'])).code).toBe(0);
  });

  // Scenario 8: drift made by hand.
  test('verify names a table in public, a dropped base column and a changed default', async () => {
    const p = await project(
      kind,
      `version: 1
services:
  shop:
    tables:
      customers:
        columns:
          name: { type: text }
      orders:
        columns:
          status: { type: text, default: open }
          customer_id: { type: uuid, references: { table: customers } }
          total: { type: integer }
        checks:
          positive: { sql: total > 0 }
`,
    );
    expect((await p.run(['push'])).code).toBe(0);
    await p.sql(`create table public.orders (id int);
      alter table shop.orders drop column deleted_at;
      alter table shop.orders alter column status set default 'closed';
      alter table shop.orders drop constraint orders_customer_id_fkey;
      alter table shop.orders drop constraint orders_positive_check;`);
    const verified = await p.run(['verify']);
    expect(verified.code).toBe(1);
    expect(verified.stderr).toMatch(/^shop → .*: 5 differences$/m);
    expect(verified.stderr).toContain(
      'public.orders: table orders of service shop exists in schema public; expected only in shop',
    );
    expect(verified.stderr).toContain('shop.orders.deleted_at: column is missing (from base (the default base))');
    expect(verified.stderr).toContain(`shop.orders.status: default is 'closed'::text; expected "open"`);
    // A missing constraint is one line each, not a crash or a made-up comparison.
    expect(verified.stderr).toContain('shop.orders.orders_customer_id_fkey: foreign key is missing');
    expect(verified.stderr).toContain('shop.orders.orders_positive_check: check constraint is missing');
    const json = await p.run(['verify', '--json']);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as {
      ok: boolean;
      services: { service: string; drift: { where: string; message: string }[] }[];
    };
    expect(report.ok).toBe(false);
    // The JSON carries the same findings as the text, each split into where and what.
    const byPlace = (a: { where: string }, b: { where: string }) => a.where.localeCompare(b.where);
    expect(report.services[0]!.drift.map((d) => ({ where: d.where, message: d.message })).sort(byPlace)).toEqual([
      {
        where: 'public.orders',
        message: 'table orders of service shop exists in schema public; expected only in shop',
      },
      { where: 'shop.orders.deleted_at', message: 'column is missing (from base (the default base))' },
      { where: 'shop.orders.orders_customer_id_fkey', message: 'foreign key is missing' },
      { where: 'shop.orders.orders_positive_check', message: 'check constraint is missing' },
      { where: 'shop.orders.status', message: `default is 'closed'::text; expected "open"` },
    ]);
  });
});
