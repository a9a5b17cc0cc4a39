import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { expect, test } from 'vitest';
import { cli } from '../support/cli.js';
import { freshDatabase, withSql } from '../support/databases.js';
import { FIXTURES } from '../support/fixtures.js';
import { ORDERS_MANIFEST, PGLITE, catalogText, project } from '../support/project.js';

const BIN = join(FIXTURES, '..', '..', 'dist', 'cli', 'bin.js');
const ORDERS = ORDERS_MANIFEST;
/** Every kind of change the online forms cover, on a table that holds rows. */
const AFTER = `${ORDERS}          code: { type: text, nullable: true, unique: true }
          rank: { type: integer }
          customer_id: { type: uuid, nullable: true, references: { table: customers, column: id } }
          note: { type: text, default: n/a }
        indexes:
          - { columns: [total] }
        checks:
          total_positive: { sql: total > 0 }
      customers:
        columns:
          name: { type: text }
`;

/** BEFORE with `orders` changed: its column lines replaced, then `extra` (indexes, checks) appended. */
const ordersWith = (columns: Record<string, string>, extra = '') => {
  const lines = Object.entries({
    code: '{ type: text, nullable: true }',
    rank: '{ type: integer, nullable: true }',
    ...columns,
  });
  return `${ORDERS}${lines.map(([k, v]) => `          ${k}: ${v}\n`).join('')}${extra}      customers:\n        columns:\n          name: { type: text }\n`;
};

const BEFORE = ordersWith({});

/** A project on a fresh database whose orders table holds `rows` rows (total and rank 1..rows). */
async function populated(rows = 2000, manifest = BEFORE) {
  const url = await freshDatabase('online');
  const dir = mkdtempSync(join(tmpdir(), 'schemagen-online-'));
  const env = { DATABASE_URL: url };
  const run = async (args: string[]) => cli(args, { cwd: dir, env });
  const write = async (text: string) => {
    writeFileSync(join(dir, 'schema.yaml'), text);
    expect((await cli(['generate'], { cwd: dir })).stderr).toBe('');
  };
  await write(manifest);
  expect((await run(['push'])).code).toBe(0);
  const sql = <T = Record<string, unknown>>(text: string) =>
    withSql(url, async (s) => (await s.unsafe(text)) as unknown as T[]);
  await sql(
    `insert into shop.orders (total, rank) select g, g from generate_series(1, ${rows}) g; analyze shop.orders`,
  );
  return { url, dir, env, run, write, sql };
}

const validity = `
  select coalesce((select json_agg(conname || '=' || convalidated order by conname) from pg_constraint
                    where conrelid = 'shop.orders'::regclass and contype in ('f', 'c', 'u')), '[]') as constraints,
         coalesce((select json_agg(c.relname || '=' || i.indisvalid order by c.relname) from pg_index i join pg_class c on c.oid = i.indexrelid
                    where i.indrelid = 'shop.orders'::regclass), '[]') as indexes`;

/** A CLI process, so a test can kill it or let another session block it. */
function spawnCli(args: string[], cwd: string, env: Record<string, string>) {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { PATH: process.env['PATH'] ?? '', ...env } });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const done = new Promise<{ code: number; out: string }>((resolve) =>
    child.on('close', (code) => resolve({ code: code ?? -1, out })),
  );
  return { child, done, output: () => out };
}

const until = async (check: () => Promise<boolean>) => {
  while (!(await check())) await new Promise((r) => setTimeout(r, 50));
};

test('--dry-run --json lists each statement with where it runs, its lock, the rows and the hazard', async () => {
  const db = await populated();
  await db.write(AFTER.replace('rank: { type: integer }', 'rank: { type: bigint }'));
  const result = await db.run(['push', '--dry-run', '--json']);
  expect(result.code).toBe(0);
  const [service] = JSON.parse(result.stdout).services;
  const on = { table: 'shop.orders', rows: 2000 };
  const tx = {
    phase: 'transaction',
    ...on,
    rewrites: false,
    scans: false,
    hazard: null,
    dataLoss: null,
    removesRule: null,
  };
  const online = { ...tx, phase: 'online' };
  const orders = '"shop"."orders"';
  // The transaction's steps first, then what runs after the commit: index builds, then validations.
  expect(service.statements).toEqual([
    {
      ...tx,
      kind: 'add column',
      object: 'shop.orders.customer_id',
      sql: `ALTER TABLE ${orders} ADD COLUMN "customer_id" uuid`,
      lock: 'ACCESS EXCLUSIVE',
    },
    {
      ...tx,
      kind: 'add column',
      object: 'shop.orders.note',
      sql: `ALTER TABLE ${orders} ADD COLUMN "note" text DEFAULT 'n/a' NOT NULL`,
      lock: 'ACCESS EXCLUSIVE',
    },
    {
      ...tx,
      kind: 'change column type',
      object: 'shop.orders.rank',
      sql: `ALTER TABLE ${orders} ALTER COLUMN "rank" SET DATA TYPE bigint`,
      lock: 'ACCESS EXCLUSIVE',
      rewrites: true,
      scans: true,
      hazard: 'rewrites shop.orders (about 2000 rows) under ACCESS EXCLUSIVE: reads and writes wait until it ends',
    },
    {
      ...tx,
      kind: 'add constraint',
      object: 'shop.orders.rank_schemagen_nn',
      sql: `ALTER TABLE ${orders} DROP CONSTRAINT IF EXISTS "rank_schemagen_nn", ADD CONSTRAINT "rank_schemagen_nn" CHECK ("rank" IS NOT NULL) NOT VALID`,
      lock: 'ACCESS EXCLUSIVE',
    },
    {
      ...tx,
      kind: 'add constraint',
      object: 'shop.orders.orders_total_positive_check',
      sql: `ALTER TABLE ${orders} ADD CONSTRAINT "orders_total_positive_check" CHECK (total > 0) NOT VALID`,
      lock: 'ACCESS EXCLUSIVE',
    },
    {
      ...tx,
      kind: 'add constraint',
      object: 'shop.orders.orders_customer_id_fkey',
      sql: `ALTER TABLE ${orders} ADD CONSTRAINT "orders_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "shop"."customers"("id") NOT VALID`,
      lock: 'SHARE ROW EXCLUSIVE',
    },
    {
      ...online,
      kind: 'create index',
      object: 'shop.orders.orders_code_key',
      sql: `CREATE UNIQUE INDEX CONCURRENTLY "orders_code_key" ON ${orders} ("code")`,
      lock: 'SHARE UPDATE EXCLUSIVE',
      scans: true,
    },
    {
      ...online,
      kind: 'create index',
      object: 'shop.orders.orders_total_idx',
      sql: `CREATE INDEX CONCURRENTLY "orders_total_idx" ON ${orders} USING btree ("total")`,
      lock: 'SHARE UPDATE EXCLUSIVE',
      scans: true,
    },
    {
      ...online,
      kind: 'validate constraint',
      object: 'shop.orders.rank_schemagen_nn',
      sql: `ALTER TABLE ${orders} VALIDATE CONSTRAINT "rank_schemagen_nn"`,
      lock: 'SHARE UPDATE EXCLUSIVE',
      scans: true,
    },
    {
      ...online,
      kind: 'set not null',
      object: 'shop.orders.rank',
      sql: `ALTER TABLE ${orders} ALTER COLUMN "rank" SET NOT NULL`,
      lock: 'ACCESS EXCLUSIVE',
    },
    {
      ...online,
      kind: 'drop constraint',
      object: 'shop.orders.rank_schemagen_nn',
      sql: `ALTER TABLE ${orders} DROP CONSTRAINT "rank_schemagen_nn"`,
      lock: 'ACCESS EXCLUSIVE',
    },
    {
      ...online,
      kind: 'add constraint',
      object: 'shop.orders.orders_code_key',
      sql: `ALTER TABLE ${orders} ADD CONSTRAINT "orders_code_key" UNIQUE USING INDEX "orders_code_key"`,
      lock: 'ACCESS EXCLUSIVE',
    },
    {
      ...online,
      kind: 'validate constraint',
      object: 'shop.orders.orders_total_positive_check',
      sql: `ALTER TABLE ${orders} VALIDATE CONSTRAINT "orders_total_positive_check"`,
      lock: 'SHARE UPDATE EXCLUSIVE',
      scans: true,
    },
    {
      ...online,
      kind: 'validate constraint',
      object: 'shop.orders.orders_customer_id_fkey',
      sql: `ALTER TABLE ${orders} VALIDATE CONSTRAINT "orders_customer_id_fkey"`,
      lock: 'SHARE UPDATE EXCLUSIVE',
      scans: true,
    },
  ]);
  // --online-only refuses the rewrite and changes nothing.
  const before = await db.sql(validity);
  const refused = await db.run(['push', '--online-only']);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain(
    '--online-only: rewrites shop.orders (about 2000 rows) under ACCESS EXCLUSIVE: reads and writes wait until it ends: ALTER TABLE "shop"."orders" ALTER COLUMN "rank" SET DATA TYPE bigint',
  );
  expect(await db.sql(validity)).toEqual(before);
});

test('indexes are built concurrently and constraints land validated; a second push changes nothing', async () => {
  const db = await populated();
  await db.write(AFTER);
  const pushed = await db.run(['push']);
  expect(pushed.stderr).toBe('');
  expect(pushed.code).toBe(0);
  expect(await db.sql(validity)).toEqual([
    {
      constraints: ['orders_code_key=true', 'orders_customer_id_fkey=true', 'orders_total_positive_check=true'],
      indexes: ['orders_code_key=true', 'orders_pkey=true', 'orders_total_idx=true'],
    },
  ]);
  expect(
    await db.sql(`select attnotnull from pg_attribute where attrelid = 'shop.orders'::regclass and attname = 'rank'`),
  ).toEqual([{ attnotnull: true }]);
  expect((await db.run(['push'])).stdout).toMatch(/shop → .*: unchanged\n/);
  expect((await db.run(['verify'])).code).toBe(0);
});

test('rows that break a new constraint: exit 1 with their count, nothing changed and no constraint half-added', async () => {
  const db = await populated();
  await db.sql(
    `update shop.orders set total = -total where total <= 3; update shop.orders set rank = null where rank <= 5; update shop.orders set code = 'dup' where total between 10 and 13`,
  );
  for (const [manifest, message, gone] of [
    [
      ordersWith({}, '        checks:\n          total_positive: { sql: total > 0 }\n'),
      'check orders_total_positive_check is violated by 3 existing rows of shop.orders',
      'orders_total_positive_check',
    ],
    [
      ordersWith({ rank: '{ type: integer }' }),
      'NOT NULL on shop.orders.rank is violated by 5 existing rows of shop.orders',
      'rank_schemagen_nn',
    ],
    [
      ordersWith({ code: '{ type: text, nullable: true, unique: true }' }),
      'unique constraint orders_code_key is violated by 4 existing rows of shop.orders',
      'orders_code_key',
    ],
  ] as const) {
    await db.write(manifest);
    const before = await catalogText(db, 'shop');
    const result = await db.run(['push']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`  ${message}\n  nothing was changed\n`);
    expect(await catalogText(db, 'shop')).toBe(before);
    const left = await db.sql(
      `select (select count(*)::int from pg_constraint where conname = '${gone}') + (select count(*)::int from pg_class where relname = '${gone}') as n`,
    );
    expect(left).toEqual([{ n: 0 }]);
  }
});

test('a session reading the table for a few seconds: push retries, names it, and succeeds once it ends', async () => {
  const db = await populated();
  await db.write(ordersWith({ note: '{ type: text, default: n/a }' }));
  const reader = postgres(db.url, { max: 1, onnotice: () => {} });
  let pid = 0;
  const reading = reader.begin(async (tx) => {
    pid = (await tx<{ pid: number }[]>`select pg_backend_pid() as pid`)[0]!.pid;
    await tx`select count(*) from shop.orders`;
    await new Promise((r) => setTimeout(r, 3000));
  });
  await until(async () => pid !== 0);
  const result = await db.run(['push', '--lock-timeout', '300ms']);
  await reading;
  await reader.end();
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(
    new RegExp(
      `shop: waiting for pid ${pid} \\(idle in transaction for \\d+ s: select count\\(\\*\\) from shop\\.orders\\), retry 1\\n`,
    ),
  );
  expect(
    await db.sql(
      `select count(*)::int as n from information_schema.columns where table_schema = 'shop' and column_name = 'note'`,
    ),
  ).toEqual([{ n: 1 }]);
});

test('a blocker that outlasts --retry-for: exit 1 naming it, and the schema is unchanged', async () => {
  const db = await populated();
  const before = await withSql(db.url, (s) =>
    s.unsafe(`select count(*)::int as n from information_schema.columns where table_schema = 'shop'`),
  );
  await db.write(ordersWith({ note: '{ type: text, default: n/a }' }));
  const reader = postgres(db.url, { max: 1, onnotice: () => {} });
  let release!: () => void;
  const reading = reader.begin(async (tx) => {
    await tx`select count(*) from shop.orders`;
    await new Promise<void>((r) => (release = r));
  });
  await until(async () => release !== undefined);
  const result = await db.run(['push', '--lock-timeout', '200ms', '--retry-for', '2s']);
  release();
  await reading;
  await reader.end();
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(
    /gave up after 2 s of lock timeouts waiting for pid \d+ \(idle in transaction for \d+ s: select count\(\*\) from shop\.orders\); nothing was changed/,
  );
  expect(
    await withSql(db.url, (s) =>
      s.unsafe(`select count(*)::int as n from information_schema.columns where table_schema = 'shop'`),
    ),
  ).toEqual(before);
});

test('a concurrent build killed midway leaves an invalid index: verify reports it, the next push rebuilds it', async () => {
  const db = await populated();
  await db.write(ordersWith({}, '        indexes:\n          - { columns: [total] }\n'));
  // An open writing transaction makes the concurrent build wait after it has created the (invalid) index.
  const writer = postgres(db.url, { max: 1, onnotice: () => {} });
  let release!: () => void;
  const writing = writer.begin(async (tx) => {
    await tx`insert into shop.orders (total) values (1)`;
    await new Promise<void>((r) => (release = r));
  });
  await until(async () => release !== undefined);
  const run = spawnCli(['push'], db.dir, db.env);
  await until(
    async () =>
      (await db.sql(`select 1 from pg_stat_activity where query like 'CREATE INDEX CONCURRENTLY%'`)).length > 0,
  );
  await db.sql(`select pg_terminate_backend(pid) from pg_stat_activity where query like 'CREATE INDEX CONCURRENTLY%'`);
  const killed = await run.done;
  release();
  await writing;
  await writer.end();
  expect(killed.code).toBe(1);
  expect(await db.sql(validity)).toEqual([
    { constraints: [], indexes: ['orders_pkey=true', 'orders_total_idx=false'] },
  ]);
  const verify = await db.run(['verify']);
  expect(verify.code).toBe(1);
  expect(verify.stderr).toContain(
    'shop.orders.orders_total_idx: index is invalid (a concurrent build failed or was interrupted); push rebuilds it',
  );
  expect((await db.run(['push'])).code).toBe(0);
  expect(await db.sql(validity)).toEqual([{ constraints: [], indexes: ['orders_pkey=true', 'orders_total_idx=true'] }]);
  expect((await db.run(['verify'])).code).toBe(0);
});

test('a push killed after its transaction committed, in the middle of its concurrent build: the next push completes it', async () => {
  const db = await populated();
  await db.write(
    ordersWith(
      {},
      '        indexes:\n          - { columns: [total] }\n        checks:\n          total_positive: { sql: total > 0 }\n',
    ),
  );
  // A transaction holding an older snapshot (and no lock on orders) makes the concurrent build wait for it.
  const holder = postgres(db.url, { max: 1, onnotice: () => {} });
  let release!: () => void;
  const holding = holder.begin('isolation level repeatable read', async (tx) => {
    await tx`select 1`;
    await new Promise<void>((r) => (release = r));
  });
  await until(async () => release !== undefined);
  const run = spawnCli(['push'], db.dir, db.env);
  await until(
    async () =>
      (
        await db.sql(
          `select 1 from pg_stat_activity where query like 'CREATE INDEX CONCURRENTLY%' and wait_event_type = 'Lock'`,
        )
      ).length > 0,
  );
  run.child.kill('SIGKILL');
  await run.done;
  // The server notices a vanished client only when it next talks to it: end its sessions as a crash would.
  await db.sql(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'schemagen'`);
  release();
  await holding;
  await holder.end();
  expect(await db.sql(validity)).toEqual([
    { constraints: ['orders_total_positive_check=false'], indexes: ['orders_pkey=true', 'orders_total_idx=false'] },
  ]);
  const verify = await db.run(['verify']);
  expect(verify.stderr).toContain(
    'shop.orders.orders_total_positive_check: check constraint is NOT VALID (its validation never finished); push validates it',
  );
  expect(verify.stderr).toContain(
    'shop.orders.orders_total_idx: index is invalid (a concurrent build failed or was interrupted); push rebuilds it',
  );
  const pushed = await db.run(['push']);
  expect(pushed.stderr).toBe('');
  expect(await db.sql(validity)).toEqual([
    { constraints: ['orders_total_positive_check=true'], indexes: ['orders_pkey=true', 'orders_total_idx=true'] },
  ]);
  expect((await db.run(['verify'])).code).toBe(0);
});

test('PGlite (one connection) applies the plain forms inside the transaction', async () => {
  const p = await project(PGLITE, BEFORE);
  expect((await p.run(['push'])).code).toBe(0);
  await p.sql(`insert into shop.orders (total, rank) select g, g from generate_series(1, 100) g; analyze shop.orders`);
  await p.write(AFTER);
  const dry = await p.run(['push', '--dry-run']);
  expect(dry.code).toBe(0);
  expect(dry.stdout).not.toContain('CONCURRENTLY');
  expect(dry.stdout).not.toContain('online, after the commit');
  expect(dry.stdout).toContain(
    '  CREATE INDEX "orders_total_idx" ON "shop"."orders" USING btree ("total");\n    -- in the transaction; SHARE lock on shop.orders (about 100 rows); scans the table\n    -- HAZARD: scans shop.orders (about 100 rows) under SHARE: writes wait until it ends\n',
  );
  expect((await p.run(['push'])).code).toBe(0);
  expect((await p.run(['verify'])).code).toBe(0);
  expect(await catalogText(p, 'shop')).toContain('CREATE INDEX orders_total_idx ON shop.orders USING btree (total)');
}, 180_000); // PGlite opens its folder for every push and query: slow on a loaded machine
