import { expect, test } from 'vitest';
import { spawnCli } from '../support/cli.js';
import { withSql } from '../support/databases.js';
import {
  BUILD_WAITS,
  WITH_INDEX,
  REPEATABLE_READ,
  VALIDITY,
  buildWaitingFor,
  holder,
  ordersWith,
  populated,
} from '../support/online.js';

// Online steps that hold up no writes (concurrent builds, validations) wait for the sessions in their
// way for the whole --retry-for window, naming them, and stop at its end. These tests use real long
// transactions; their timings are bounds with room for a loaded machine, never exact.

/** The code a statement fails with when run alone under `lockTimeout` on its own session. */
async function failsUnder(url: string, lockTimeout: string, statement: string): Promise<string | undefined> {
  return withSql(url, async (s) => {
    await s.unsafe(`set lock_timeout = '${lockTimeout}'`);
    return s.unsafe(statement).then(
      () => undefined,
      (err: { code?: string }) => err.code,
    );
  });
}

test('a concurrent build behind a long reader: names it while waiting, gives up within --retry-for, leaves no index', async () => {
  const db = await populated();
  await db.write(WITH_INDEX);
  const reader = await holder(db.url, (tx) => tx`select count(*) from shop.orders`, REPEATABLE_READ);
  const started = Date.now();
  const push = spawnCli(['push', '--retry-for', '6s'], db.dir, db.env);
  await push.waitForOutput(`${BUILD_WAITS} ${reader.pid} (idle in transaction for `, 20_000);
  const { code, out } = await push.done;
  const elapsed = Date.now() - started;
  await reader.end();
  expect(code).toBe(1);
  expect(out).toMatch(
    new RegExp(
      `gave up building index orders_total_idx after \\d+ s waiting for pid ${reader.pid} \\(idle in transaction ` +
        `for \\d+ s: select count\\(\\*\\) from shop\\.orders\\): a concurrent build waits for every older ` +
        `transaction to end; nothing was built, the next push builds it\\n`,
    ),
  );
  expect(out).not.toContain('push cannot make this match');
  // The window counts from the push's start, after the CLI has loaded: at least 6 s, and not twice that.
  expect(elapsed).toBeGreaterThanOrEqual(6_000);
  expect(elapsed).toBeLessThan(6_000 + 5_000);
  expect(await db.sql(VALIDITY)).toEqual([{ constraints: [], indexes: ['orders_pkey=true'] }]);
  // With the reader gone, the next push builds it.
  expect((await db.run(['push'])).code).toBe(0);
  expect(await db.sql(VALIDITY)).toEqual([{ constraints: [], indexes: ['orders_pkey=true', 'orders_total_idx=true'] }]);
});

test('a build that waits for a transaction longer than --lock-timeout goes on and succeeds, writes going on meanwhile', async () => {
  const db = await populated();
  await db.write(WITH_INDEX);
  const { push, late } = await buildWaitingFor(db, ['--lock-timeout', '300ms', '--retry-for', '60s']);
  // The build has begun (its index exists, not yet valid) and holds only SHARE UPDATE EXCLUSIVE.
  expect(await db.sql(VALIDITY)).toEqual([
    { constraints: [], indexes: ['orders_pkey=true', 'orders_total_idx=false'] },
  ]);
  const locks = await db.sql(
    `select l.mode from pg_locks l join pg_stat_activity a on a.pid = l.pid
      where l.relation = 'shop.orders'::regclass and a.query like 'CREATE INDEX CONCURRENTLY%'`,
  );
  expect(locks).toEqual([{ mode: 'ShareUpdateExclusiveLock' }]);
  // Writes go on while it waits: each would fail if it had to wait a second for a lock.
  await withSql(db.url, async (s) => {
    await s.unsafe(`set lock_timeout = '1s'`);
    await s.unsafe(`insert into shop.orders (total, rank) values (5000, 5000)`);
    await s.unsafe(`update shop.orders set rank = rank + 1 where total <= 10`);
    await s.unsafe(`delete from shop.orders where total = 1`);
  });
  // The lock timeout alone would have ended the build: it has waited past it already (the line comes after 1 s).
  await db.sql(`create table public.scratch (a integer)`);
  expect(await failsUnder(db.url, '300ms', `create index concurrently scratch_idx on public.scratch (a)`)).toBe(
    '55P03',
  );
  await late.end();
  const { code, out } = await push.done;
  expect(out).not.toContain('retry');
  expect(out).toContain('shop → ');
  expect(code, out).toBe(0);
  expect(await db.sql(VALIDITY)).toEqual([{ constraints: [], indexes: ['orders_pkey=true', 'orders_total_idx=true'] }]);
});

test('a build still waiting when --retry-for ends is cancelled, and the invalid index it leaves is dropped', async () => {
  const db = await populated();
  await db.write(WITH_INDEX);
  const { push, late, started } = await buildWaitingFor(db, ['--retry-for', '8s']);
  const { code, out } = await push.done;
  const elapsed = Date.now() - started;
  await late.end();
  expect(code).toBe(1);
  expect(out).toMatch(
    new RegExp(
      `gave up building index orders_total_idx after \\d+ s waiting for pid ${late.pid} \\(idle in transaction ` +
        `for \\d+ s: select count\\(\\*\\) from shop\\.customers\\): the build was cancelled and its invalid index ` +
        `removed; the next push builds it\\n`,
    ),
  );
  expect(out).not.toContain('push cannot make this match');
  expect(elapsed).toBeLessThan(8_000 + 5_000);
  expect(await db.sql(VALIDITY)).toEqual([{ constraints: [], indexes: ['orders_pkey=true'] }]);
});

test('VALIDATE waits out a lock held longer than --lock-timeout, where the lock timeout alone fails', async () => {
  const db = await populated();
  await db.write(ordersWith({}, '        checks:\n          total_positive: { sql: total > 0 }\n'));
  // Left NOT VALID, as by a push killed between its phases: the push only validates it.
  await db.sql(`alter table shop.orders add constraint orders_total_positive_check check (total > 0) not valid`);
  const validate = `alter table shop.orders validate constraint orders_total_positive_check`;
  // What a VACUUM, an ANALYZE or another session's DDL holds: it conflicts with VALIDATE, not with writes.
  const locker = await holder(db.url, (tx) => tx`lock table shop.orders in share update exclusive mode`);
  expect(await failsUnder(db.url, '300ms', validate)).toBe('55P03');
  const push = spawnCli(['push', '--lock-timeout', '300ms', '--retry-for', '60s'], db.dir, db.env);
  await push.waitForOutput(`shop: validating orders_total_positive_check waits for pid ${locker.pid} `, 20_000);
  await locker.end();
  const { code, out } = await push.done;
  expect(out).not.toContain('retry');
  expect(code).toBe(0);
  expect(await db.sql(VALIDITY)).toEqual([
    { constraints: ['orders_total_positive_check=true'], indexes: ['orders_pkey=true'] },
  ]);
});

test('a build cancelled behind a transaction that also holds the table: its invalid index is named, and stays', async () => {
  const db = await populated();
  await db.write(WITH_INDEX);
  // Having read orders, the transaction holds a lock on it that dropping an index concurrently waits for too.
  const { push, late } = await buildWaitingFor(db, ['--retry-for', '6s'], (tx) => tx`select count(*) from shop.orders`);
  const { code, out } = await push.done;
  const left = await db.sql(VALIDITY);
  await late.end();
  expect(code).toBe(1);
  expect(out).toMatch(
    new RegExp(
      `gave up building index orders_total_idx after \\d+ s waiting for pid ${late.pid} \\(.*\\): the build was ` +
        `cancelled, and its invalid index stays until that transaction ends \\(removing it waits for it too\\); ` +
        `verify reports it, the next push removes and builds it\\n`,
    ),
  );
  expect(left).toEqual([{ constraints: [], indexes: ['orders_pkey=true', 'orders_total_idx=false'] }]);
  expect((await db.run(['push'])).code).toBe(0);
  expect(await db.sql(VALIDITY)).toEqual([{ constraints: [], indexes: ['orders_pkey=true', 'orders_total_idx=true'] }]);
});

test('VALIDATE still waiting when --retry-for ends is cancelled: the constraint stays NOT VALID for the next push', async () => {
  const db = await populated();
  await db.write(ordersWith({}, '        checks:\n          total_positive: { sql: total > 0 }\n'));
  await db.sql(`alter table shop.orders add constraint orders_total_positive_check check (total > 0) not valid`);
  const locker = await holder(db.url, (tx) => tx`lock table shop.orders in share update exclusive mode`);
  const started = Date.now();
  const { code, stdout, stderr } = await db.run(['push', '--retry-for', '5s']);
  const elapsed = Date.now() - started;
  await locker.end();
  expect(code).toBe(1);
  expect(stdout).toMatch(
    new RegExp(
      `^shop: validating orders_total_positive_check waits for pid ${locker.pid} \\(.*\\); gives up in \\d+ s$`,
      'm',
    ),
  );
  expect(stderr).toMatch(
    new RegExp(
      `^  gave up validating orders_total_positive_check after \\d+ s waiting for pid ${locker.pid} \\(idle in ` +
        `transaction for \\d+ s: lock table shop\\.orders in share update exclusive mode\\): it stays NOT VALID, ` +
        `the next push validates it$`,
      'm',
    ),
  );
  expect(stderr).not.toContain('push cannot make this match');
  expect(elapsed).toBeLessThan(5_000 + 5_000);
  expect(await db.sql(VALIDITY)).toEqual([
    { constraints: ['orders_total_positive_check=false'], indexes: ['orders_pkey=true'] },
  ]);
  expect((await db.run(['push'])).code).toBe(0);
  expect(await db.sql(VALIDITY)).toEqual([
    { constraints: ['orders_total_positive_check=true'], indexes: ['orders_pkey=true'] },
  ]);
});
