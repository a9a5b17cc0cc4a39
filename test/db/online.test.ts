import { expect, test } from 'vitest';
import { spawnCli } from '../support/cli.js';
import { BEFORE, VALIDITY as validity, buildWaitingFor, holder, ordersWith, populated } from '../support/online.js';
import { ORDERS_MANIFEST, PGLITE, catalogText, project } from '../support/project.js';

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
  // The transaction's steps first, each column's changes together, then what runs after the commit:
  // index builds, then validations.
  expect(service.statements).toEqual([
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

test('a session reading the table longer than --lock-timeout: push retries, names it, and succeeds once it ends', async () => {
  const db = await populated();
  await db.write(ordersWith({ note: '{ type: text, default: n/a }' }));
  const reader = await holder(db.url, (tx) => tx`select count(*) from shop.orders`);
  const push = spawnCli(['push', '--lock-timeout', '300ms'], db.dir, db.env);
  // Ended only once the push has timed out on it and said so: no race with the push's own timing.
  const waiting = `shop: waiting for pid ${reader.pid} (idle in transaction for `;
  await push.waitForOutput(waiting, 20_000);
  await reader.end();
  const { code, out } = await push.done;
  expect(out).toMatch(
    new RegExp(
      `shop: waiting for pid ${reader.pid} \\(idle in transaction for \\d+ s: select count\\(\\*\\) from shop\\.orders\\), retry 1\\n`,
    ),
  );
  expect(code, out).toBe(0);
  expect(
    await db.sql(
      `select count(*)::int as n from information_schema.columns where table_schema = 'shop' and column_name = 'note'`,
    ),
  ).toEqual([{ n: 1 }]);
});

test('a blocker that outlasts --retry-for: retried with backoff, exit 1 naming it, and the schema is unchanged', async () => {
  const db = await populated();
  const columns = `select count(*)::int as n from information_schema.columns where table_schema = 'shop'`;
  const before = await db.sql(columns);
  await db.write(ordersWith({ note: '{ type: text, default: n/a }' }));
  const reader = await holder(db.url, (tx) => tx`select count(*) from shop.orders`);
  const result = await db.run(['push', '--lock-timeout', '200ms', '--retry-for', '4s']);
  await reader.end();
  expect(result.code).toBe(1);
  // Backoff from 0.5 s doubling: a 4 s window holds at least three tries, each naming the session.
  const retries = result.stdout.match(/^shop: waiting for pid \d+ .*, retry \d+$/gm) ?? [];
  expect(retries.length).toBeGreaterThanOrEqual(2);
  expect(retries.slice(0, 2)).toEqual([
    expect.stringMatching(new RegExp(`^shop: waiting for pid ${reader.pid} \\(.*\\), retry 1$`)),
    expect.stringMatching(new RegExp(`^shop: waiting for pid ${reader.pid} \\(.*\\), retry 2$`)),
  ]);
  expect(result.stderr).toMatch(
    new RegExp(
      `gave up after 4 s of lock timeouts waiting for pid ${reader.pid} \\(idle in transaction for \\d+ s: ` +
        `select count\\(\\*\\) from shop\\.orders\\); nothing was changed`,
    ),
  );
  expect(await db.sql(columns)).toEqual(before);
});

test('a concurrent build killed midway leaves an invalid index: verify reports it, the next push rebuilds it', async () => {
  const db = await populated();
  await db.write(ordersWith({}, '        indexes:\n          - { columns: [total] }\n'));
  // A writing transaction opened once the push waits makes its build wait after creating the (invalid) index.
  const { push, late } = await buildWaitingFor(db, [], (tx) => tx`insert into shop.orders (total) values (1)`);
  await db.sql(`select pg_terminate_backend(pid) from pg_stat_activity where query like 'CREATE INDEX CONCURRENTLY%'`);
  const killed = await push.done;
  await late.end();
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
  // A transaction holding an older snapshot (and no lock on orders) makes the begun build wait for it.
  const { push, late } = await buildWaitingFor(db, []);
  push.kill();
  await push.done;
  // The server notices a vanished client only when it next talks to it: end its sessions as a crash would.
  await db.sql(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'schemagen'`);
  await late.end();
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
