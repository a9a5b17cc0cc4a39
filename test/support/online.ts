import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { expect } from 'vitest';
import { cli, spawnCli } from './cli.js';
import { freshDatabase, withSql } from './databases.js';
import { ORDERS_MANIFEST } from './project.js';

/** The orders manifest with `orders` changed: its column lines replaced, then `extra` (indexes, checks) appended. */
export const ordersWith = (columns: Record<string, string>, extra = '') => {
  const lines = Object.entries({
    code: '{ type: text, nullable: true }',
    rank: '{ type: integer, nullable: true }',
    ...columns,
  });
  return `${ORDERS_MANIFEST}${lines.map(([k, v]) => `          ${k}: ${v}\n`).join('')}${extra}      customers:\n        columns:\n          name: { type: text }\n`;
};

export const BEFORE = ordersWith({});
/** BEFORE with index orders_total_idx added. */
export const WITH_INDEX = ordersWith({}, '        indexes:\n          - { columns: [total] }\n');

/** A project on a fresh database whose orders table holds `rows` rows (total and rank 1..rows). */
export async function populated(rows = 2000, manifest = BEFORE) {
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

/** Each constraint on shop.orders with whether it is validated, each index with whether it is valid. */
export const VALIDITY = `
  select coalesce((select json_agg(conname || '=' || convalidated order by conname) from pg_constraint
                    where conrelid = 'shop.orders'::regclass and contype in ('f', 'c', 'u')), '[]') as constraints,
         coalesce((select json_agg(c.relname || '=' || i.indisvalid order by c.relname) from pg_index i join pg_class c on c.oid = i.indexrelid
                    where i.indrelid = 'shop.orders'::regclass), '[]') as indexes`;

/** Polls `check` until it holds; fails naming `what` after `ms` instead of hanging until the test's timeout. */
export async function until(what: string, check: () => Promise<boolean> | boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * A session of its own that opens a transaction, runs `statements` in it and stays idle in it until
 * released: the long reader (or lock holder) an online push meets. Its queries are sent as an
 * application's are (prepared), so a read keeps its snapshot open as it would there.
 */
export async function holder(url: string, statements: (tx: postgres.TransactionSql) => Promise<unknown>, mode = '') {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  let pid = 0;
  let ready = false;
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  const body = async (tx: postgres.TransactionSql) => {
    pid = (await tx<{ pid: number }[]>`select pg_backend_pid() as pid`)[0]!.pid;
    await statements(tx);
    ready = true;
    await released;
  };
  const open = mode ? sql.begin(mode, body) : sql.begin(body);
  await until('the holder opened its transaction', () => ready);
  return {
    pid,
    /** ends the transaction and the session */
    end: async () => {
      release();
      await open;
      await sql.end();
    },
  };
}

type Populated = Awaited<ReturnType<typeof populated>>;

/**
 * Spawns `push` (its manifest adding index orders_total_idx) and returns once its concurrent build
 * has begun and waits for `late`, a transaction opened after the push started waiting: a gate
 * transaction holds the build back until then (a build does not begin while older transactions
 * run), and ends once `late` is open.
 */
export async function buildWaitingFor(
  db: Populated,
  args: string[],
  late: (tx: postgres.TransactionSql) => Promise<unknown> = (tx) => tx`select count(*) from shop.customers`,
) {
  const gate = await holder(db.url, (tx) => tx`select count(*) from shop.customers`, REPEATABLE_READ);
  const started = Date.now();
  const push = spawnCli(['push', ...args], db.dir, db.env);
  await push.waitForOutput(`${BUILD_WAITS} ${gate.pid} `, 20_000);
  const blocker = await holder(db.url, late, REPEATABLE_READ);
  await gate.end();
  await push.waitForOutput(`${BUILD_WAITS} ${blocker.pid} `, 20_000);
  return { push, late: blocker, started };
}

export const BUILD_WAITS = 'shop: building index orders_total_idx waits for pid';
/** A transaction holding a snapshot: what a concurrent build's last phase waits for. */
export const REPEATABLE_READ = 'isolation level repeatable read';
