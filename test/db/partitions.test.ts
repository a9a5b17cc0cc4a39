import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, onTestFinished, test } from 'vitest';
import { cli, listedStatements } from '../support/cli.js';
import { freshDatabase, withSql } from '../support/databases.js';
import { BOTH, ORDERS_MANIFEST, catalogText, project, type Project } from '../support/project.js';
import { holder } from '../support/online.js';
import { expectOk, expectSettled } from '../support/settled.js';

/**
 * Partitioned tables adopted losslessly: a range- and a list-partitioned table with rows, indexes
 * and a foreign key are imported, moved with their partitions, verified, and pushed again into an
 * empty database with the same catalog.
 */
const LEGACY = `
  create table public.customers (id bigint generated always as identity primary key, name text not null);
  create table public.events (id bigint generated always as identity, at date not null,
    customer_id bigint references public.customers (id), note text, primary key (id, at)) partition by range (at);
  create table public.events_2024 partition of public.events for values from ('2024-01-01') to ('2025-01-01');
  create table public.events_2025 partition of public.events for values from ('2025-01-01') to ('2026-01-01');
  create index events_customer_id_idx on public.events (customer_id);
  create table public.sales (id bigint generated always as identity, region text not null, total integer not null,
    primary key (id, region)) partition by list (region);
  create table public.sales_europe partition of public.sales for values in ('eu', 'uk');
  create table public.sales_rest partition of public.sales default;
  create index sales_total_idx on public.sales (total);
  insert into public.customers (name) select 'c' || i from generate_series(1, 20) i;
  insert into public.events (at, customer_id, note)
    select date '2024-06-01' + (i * 2), 1 + i % 20, 'n' || i from generate_series(1, 200) i;
  insert into public.sales (region, total) select (array['eu', 'uk', 'us', 'jp'])[1 + i % 4], i from generate_series(1, 100) i;`;

const TABLES = ['customers', 'events', 'events_2024', 'events_2025', 'sales', 'sales_europe', 'sales_rest'];

/** Every row of every table (partitions read on their own), as JSON text per table. */
async function rows(p: Project, schema: string): Promise<Record<string, string>> {
  const parts = TABLES.map(
    (t) => `select '${t}' as t, coalesce(json_agg(x order by x.id)::text, '[]') as r from only ${schema}.${t} x`,
  );
  const found = await p.sql<{ t: string; r: string }>(parts.join(' union all '));
  return Object.fromEntries(found.map((x) => [x.t, x.r]));
}

/** Each partitioned table's key, and each partition's parent and bounds, in a schema. */
async function partitionsText(p: Project, schema: string): Promise<string> {
  const lines = await p.sql<{ line: string }>(`
    select format('%s %s', c.relname, pg_get_partkeydef(c.oid)) as line from pg_class c
      join pg_namespace n on n.oid = c.relnamespace where n.nspname = '${schema}' and c.relkind = 'p'
    union all
    select format('%s of %s %s', c.relname, i.inhparent::regclass, pg_get_expr(c.relpartbound, c.oid)) from pg_class c
      join pg_namespace n on n.oid = c.relnamespace join pg_inherits i on i.inhrelid = c.oid
     where n.nspname = '${schema}' and c.relispartition
    order by 1`);
  return lines.map((l) => l.line).join('\n');
}

describe.each(BOTH)('on $name', { timeout: 240_000 }, (kind) => {
  test('partitioned tables are imported, moved with their partitions, verified, settled, and pushed again the same', async () => {
    const p = await project(kind, ORDERS_MANIFEST);
    await p.sql(LEGACY);
    const before = await rows(p, 'public');

    const imported = await p.run(['import', '--out', 'schema.yaml', '--force']);
    expect(imported.stderr).not.toMatch(/^error/m);
    expect(imported.code).toBe(0);
    expect(imported.stderr).not.toMatch(/partition(ed table)? public\./);
    // The partitions' indexes, keys and foreign keys come from their tables: none is named.
    expect(imported.stderr).toContain('not imported (the manifest cannot express them): 0');
    const manifest = readFileSync(join(p.dir, 'schema.yaml'), 'utf8');
    expect(manifest).toContain('partitionBy: { range: [ at ] }');
    expect(manifest).toContain(`events_2024: { values: FROM ('2024-01-01') TO ('2025-01-01') }`);
    expect(manifest).toContain('partitionBy: { list: [ region ] }');
    expect(manifest).toContain(`sales_europe: { values: "IN ('eu', 'uk')" }`);
    expect(manifest).toContain('sales_rest: { default: true }');
    expect((await p.run(['generate'])).stderr).toBe('');

    const pushed = await p.run(['push']);
    expectOk(pushed, 'push after import');
    const moves = listedStatements(pushed.stdout);
    expect(moves.filter((s) => !/SET SCHEMA "app";$/.test(s) && !s.includes('CREATE SCHEMA'))).toEqual([]);
    for (const t of TABLES) expect(moves).toContain(`  ALTER TABLE "public"."${t}" SET SCHEMA "app";`);
    expect(await rows(p, 'app')).toEqual(before);
    const verified = await p.run(['verify']);
    expectOk(verified, 'verify');
    expect(verified.stdout).not.toContain('unmanaged');
    await expectSettled(p, ['app'], 'push after the adoption');
    // The partitions still take the rows of their bounds.
    await p.sql(`insert into app.sales (region, total) values ('uk', -1), ('br', -2)`);
    expect(await p.sql(`select count(*)::int as n from app.sales_europe where total = -1`)).toEqual([{ n: 1 }]);

    const copy = await project(kind, ORDERS_MANIFEST);
    writeFileSync(join(copy.dir, 'schema.yaml'), readFileSync(join(p.dir, 'schema.yaml')));
    expect((await copy.run(['generate'])).stderr).toBe('');
    expectOk(await copy.run(['push']), 'push into an empty database');
    expect(await catalogText(copy, 'app')).toBe(await catalogText(p, 'app'));
    expect(await partitionsText(copy, 'app')).toBe(await partitionsText(p, 'app'));
    expectOk(await copy.run(['verify']), 'verify of the copy');
  });

  test('a declared partition is added to a live table; an undeclared one is left alone and listed as unmanaged', async () => {
    const manifest = (extra: string) => `version: 1
services:
  log:
    tables:
      events:
        base: false
        primaryKey: [id, at]
        columns:
          id: { type: bigint, identity: always }
          at: { type: date }
          note: { type: text, nullable: true }
        indexes:
          - { columns: [note] }
        partitionBy: { range: [at] }
        partitions:
          events_2024: { values: "FROM ('2024-01-01') TO ('2025-01-01')" }
${extra}`;
    const p = await project(kind, manifest(''));
    expectOk(await p.run(['push']), 'first push');
    await p.sql(`insert into log.events (at, note) select date '2024-01-01' + i, 'n' from generate_series(0, 300) i;
      create table log.events_manual partition of log.events for values from ('2026-01-01') to ('2027-01-01');
      insert into log.events (at, note) values ('2026-02-01', 'kept')`);
    const verified = await p.run(['verify']);
    expectOk(verified, 'verify with an undeclared partition');
    expect(verified.stdout).toContain('unmanaged: partition log.events_manual');
    await expectSettled(p, ['log'], 'push with an undeclared partition');

    await p.write(manifest(`          events_2025: { values: "FROM ('2025-01-01') TO ('2026-01-01')" }\n`));
    const dry = await p.run(['push', '--dry-run']);
    expectOk(dry, 'dry run');
    const statements = listedStatements(dry.stdout);
    if (kind.name === 'postgres') {
      expect(statements).toEqual([
        '  CREATE TABLE "log"."events_2025" (LIKE "log"."events" INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED);',
        `  ALTER TABLE "log"."events" ATTACH PARTITION "log"."events_2025" FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');`,
      ]);
      expect(dry.stdout).toContain('SHARE UPDATE EXCLUSIVE');
    } else {
      expect(statements).toEqual([
        `  CREATE TABLE "log"."events_2025" PARTITION OF "log"."events" FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');`,
      ]);
    }
    expectOk(await p.run(['push']), 'push adding a partition');
    await p.sql(`insert into log.events (at, note) values ('2025-05-05', 'new')`);
    expect(await p.sql(`select note from log.events_2025`)).toEqual([{ note: 'new' }]);
    expect(await p.sql(`select note from log.events_manual`)).toEqual([{ note: 'kept' }]);
    expect(
      await p.sql(`select indexrelid::regclass::text as ix from pg_index where indrelid = 'log.events_2025'::regclass
        and not indisprimary`),
    ).toEqual([{ ix: 'log.events_2025_note_idx' }]);
    expectOk(await p.run(['verify']), 'verify after adding a partition');
    await expectSettled(p, ['log'], 'push after adding a partition');
  });

  test('a table partitioned otherwise than declared is refused with the reason, nothing changed', async () => {
    const p = await project(
      kind,
      `version: 1
services:
  log:
    tables:
      events:
        from: public.events
        base: false
        columns:
          id: { type: bigint }
          at: { type: date }
        partitionBy: { list: [at] }
      marks:
        base: false
        columns:
          at: { type: date }
        partitionBy: { range: [at] }
`,
    );
    await p.sql(`create table public.events (id bigint not null, at date not null) partition by range (at);
      create table public.events_all partition of public.events for values from (minvalue) to (maxvalue);
      insert into public.events values (1, '2024-01-01');
      create schema log; create table log.marks (at date not null)`);
    const refused = await p.run(['push']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /log\.events is partitioned by RANGE \(at\) and holds .*: making it partitioned as the manifest declares needs a new table/,
    );
    expect(refused.stderr).toContain(
      'log.marks is not partitioned and holds no rows: PostgreSQL cannot make a table partitioned as the manifest ' +
        'declares in place; drop it (DROP TABLE "log"."marks") and push again to create it as declared',
    );
    expect(await p.sql(`select count(*)::int as n from public.events`)).toEqual([{ n: 1 }]);
  });
});

const LOG = (indexes: string, references = '') => `version: 1
services:
  log:
    tables:
      sources:
        base: false
        columns:
          id: { type: integer, primaryKey: true }
      events:
        base: false
        primaryKey: [id, at]
        columns:
          id: { type: bigint, identity: always }
          at: { type: date }
          source: { type: integer, nullable: true${references} }
          note: { type: text, nullable: true }
${indexes}        partitionBy: { range: [at] }
        partitions:
          events_2024: { values: "FROM ('2024-01-01') TO ('2025-01-01')" }
          events_2025: { values: "FROM ('2025-01-01') TO ('2026-01-01')" }
`;

describe.each(BOTH)('bounds and keys as PostgreSQL spells them, on $name', { timeout: 120_000 }, (kind) => {
  test('a timestamptz bound and an expression key written plainly are pushed, then verify and push find them equal', async () => {
    const p = await project(
      kind,
      `version: 1
services:
  log:
    tables:
      hits:
        base: false
        columns:
          at: { type: timestamptz }
          path: { type: text }
        partitionBy: { range: [at] }
        partitions:
          hits_2024: { values: "FROM ('2024-01-01') TO ('2025-01-01')" }
      codes:
        base: false
        columns:
          code: { type: text }
        partitionBy: { list: [{ sql: "lower(code)" }] }
        partitions:
          codes_ab: { values: "IN ('a', 'b')" }
`,
    );
    expectOk(await p.run(['push']), 'first push');
    expect(
      await p.sql(`select pg_get_expr(relpartbound, oid) as bound from pg_class where relname = 'hits_2024'`),
    ).not.toEqual([{ bound: "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')" }]);
    expectOk(await p.run(['verify']), 'verify');
    await expectSettled(p, ['log'], 'push after the first');
  });
});

describe('on a live PostgreSQL', { timeout: 120_000 }, () => {
  async function live(manifest: string): Promise<Project> {
    const { POSTGRES } = await import('../support/project.js');
    const p = await project(POSTGRES, manifest);
    expectOk(await p.run(['push']), 'first push');
    await p.sql(`insert into log.sources values (1);
      insert into log.events (at, source, note) select date '2024-01-01' + (i % 700), 1, 'n' || i from generate_series(1, 3000) i;
      analyze log.events`);
    return p;
  }

  test('a declared partition is attached while another session holds writes on the table open', async () => {
    const p = await live(LOG(''));
    await p.write(`${LOG('')}          events_2026: { values: "FROM ('2026-01-01') TO ('2027-01-01')" }\n`);
    const writer = await holder(p.env['DATABASE_URL']!, (tx) => tx`insert into log.events (at) values ('2024-03-03')`);
    try {
      expectOk(await p.run(['push']), 'push beside an open writer');
    } finally {
      await writer.end();
    }
    expect(await p.sql(`select count(*)::int as n from log.events where at = '2024-03-03' and note is null`)).toEqual([
      { n: 1 },
    ]);
    await p.sql(`insert into log.events (at) values ('2026-06-06')`);
    expect(await p.sql(`select count(*)::int as n from log.events_2026`)).toEqual([{ n: 1 }]);
    await expectSettled(p, ['log'], 'push after the attach');
  });

  test('attaching beside a default partition says that it scans the default partition', async () => {
    const withDefault = `${LOG('')}          events_rest: { default: true }\n`;
    const p = await live(withDefault);
    await p.write(`${withDefault}          events_2026: { values: "FROM ('2026-01-01') TO ('2027-01-01')" }\n`);
    const dry = await p.run(['push', '--dry-run']);
    expect(dry.stdout).toContain(
      '-- HAZARD: scans the default partition log.events_rest for rows of the new bounds under ACCESS EXCLUSIVE',
    );
    expect((await p.run(['push', '--online-only'])).code).toBe(1);
    expectOk(await p.run(['push']), 'push');
    expectOk(await p.run(['verify']), 'verify');
  });

  test('an index of a live partitioned table is built partition by partition, concurrently, then attached', async () => {
    const p = await live(LOG(''));
    await p.write(LOG('        indexes:\n          - { columns: [note] }\n'));
    const dry = await p.run(['push', '--dry-run']);
    expect(listedStatements(dry.stdout)).toEqual([
      '  CREATE INDEX "events_note_idx" ON ONLY "log"."events" USING btree ("note");',
      '  CREATE INDEX CONCURRENTLY "events_2024_note_idx" ON "log"."events_2024" USING btree ("note");',
      '  CREATE INDEX CONCURRENTLY "events_2025_note_idx" ON "log"."events_2025" USING btree ("note");',
      '  ALTER INDEX "log"."events_note_idx" ATTACH PARTITION "log"."events_2024_note_idx";',
      '  ALTER INDEX "log"."events_note_idx" ATTACH PARTITION "log"."events_2025_note_idx";',
    ]);
    expectOk(await p.run(['push']), 'push of the index');
    expect(
      await p.sql(`select c.relname, i.indisvalid from pg_index i join pg_class c on c.oid = i.indexrelid
        where c.relname like 'events%note_idx' order by 1`),
    ).toEqual([
      { relname: 'events_2024_note_idx', indisvalid: true },
      { relname: 'events_2025_note_idx', indisvalid: true },
      { relname: 'events_note_idx', indisvalid: true },
    ]);
    expectOk(await p.run(['verify']), 'verify after the index');
    await expectSettled(p, ['log'], 'push after the index');
  });

  test("a foreign key on a live partitioned table is checked in the transaction, and the step's hazard says why", async () => {
    const p = await live(LOG(''));
    await p.write(LOG('', ', references: { table: sources }'));
    const dry = await p.run(['push', '--dry-run']);
    expect(dry.stdout).toContain(
      '-- HAZARD: scans log.events (every partition) under SHARE ROW EXCLUSIVE: writes wait until it ends ' +
        '(PostgreSQL before 18 cannot add a foreign key NOT VALID to a partitioned table)',
    );
    expectOk(await p.run(['push']), 'push of the foreign key');
    expectOk(await p.run(['verify']), 'verify after the foreign key');
  });
});

test("drizzle-kit 0.x push on a partitioned service's generated config stops before touching a partition or a row", async () => {
  // Inside the repository (git-ignored), so drizzle-kit resolves drizzle-orm from node_modules.
  const root = join(import.meta.dirname, '..', '..');
  mkdirSync(join(root, 'test', '.work'), { recursive: true });
  const dir = mkdtempSync(join(root, 'test', '.work', 'partitions-kit-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  copyFileSync(join(root, 'test/fixtures/partitioned-tables/schema.yaml'), join(dir, 'schema.yaml'));
  expect((await cli(['generate'], { cwd: dir })).stderr).toBe('');
  const url = await freshDatabase('kit');
  expect((await cli(['push'], { cwd: dir, env: { DATABASE_URL: url } })).code).toBe(0);
  const state = `select (select count(*)::int from log.events) as events,
    (select json_agg(relname order by relname) from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'log' and c.relkind in ('r', 'p')) as tables`;
  await withSql(url, (sql) =>
    sql.unsafe(`insert into log.sources (name) values ('s');
    insert into log.events (at, source_id) select '2024-05-05', id from log.sources`),
  );
  const before = await withSql(url, (sql) => sql.unsafe(state));
  const kit = spawnSync(
    process.execPath,
    [join(root, 'node_modules/drizzle-kit/bin.cjs'), 'push', '--force', '--config', 'generated/log/drizzle.config.ts'],
    { cwd: dir, env: { ...process.env, DATABASE_URL: url }, encoding: 'utf8' },
  );
  // It does not see the partitioned tables, so it tries to create them, and fails on the first.
  expect(kit.stdout + kit.stderr).toMatch(/already exists/);
  expect(kit.stdout + kit.stderr).not.toMatch(/Changes applied/);
  expect(await withSql(url, (sql) => sql.unsafe(state))).toEqual(before);
  expect((await cli(['verify'], { cwd: dir, env: { DATABASE_URL: url } })).code).toBe(0);
}, 120_000);

test('a sub-partitioned partition keeps its bounds, its own partitions are named by import, moved along and left alone', async () => {
  const { POSTGRES } = await import('../support/project.js');
  const p = await project(POSTGRES, ORDERS_MANIFEST);
  await p.sql(`create table public.metrics (at date not null, region text not null, v integer) partition by range (at);
    create table public.metrics_2024 partition of public.metrics for values from ('2024-01-01') to ('2025-01-01')
      partition by list (region);
    create table public.metrics_2024_eu partition of public.metrics_2024 for values in ('eu');
    create table public.metrics_2024_rest partition of public.metrics_2024 default;
    create index metrics_2024_v_idx on public.metrics_2024 (v);
    alter table public.metrics_2024 add constraint metrics_2024_v_check check (v > 0);
    insert into public.metrics values ('2024-02-02', 'eu', 1), ('2024-03-03', 'us', 2)`);
  const imported = await p.run(['import', '--out', 'schema.yaml', '--force']);
  expect(imported.code).toBe(0);
  expect(imported.stderr).toContain(
    'sub-partitioning public.metrics_2024: LIST (region): its partitions are not declared',
  );
  expect(imported.stderr).toContain('partition public.metrics_2024_eu');
  // What the partition has of its own is named: the manifest declares a partition by its bounds only.
  expect(imported.stderr).toContain(
    'index public.metrics_2024.metrics_2024_v_idx: of the partition alone: CREATE INDEX metrics_2024_v_idx',
  );
  expect(imported.stderr).toContain(
    'constraint public.metrics_2024.metrics_2024_v_check: of the partition alone: CHECK (v > 0)',
  );
  expect(readFileSync(join(p.dir, 'schema.yaml'), 'utf8')).toContain(
    `metrics_2024: { values: FROM ('2024-01-01') TO ('2025-01-01') }`,
  );
  expect((await p.run(['generate'])).stderr).toBe('');
  expectOk(await p.run(['push']), 'push');
  expect(await p.sql(`select v from only app.metrics_2024_rest`)).toEqual([{ v: 2 }]);
  const verified = await p.run(['verify']);
  expectOk(verified, 'verify');
  expect(verified.stdout).toContain('unmanaged: partition app.metrics_2024_eu');
  await expectSettled(p, ['app'], 'push after the move');
}, 120_000);
