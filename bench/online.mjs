// npm run bench:online: how long application writes stall while a push changes a busy table.
// A 2,000,000-row table takes inserts and updates from separate connections (bench/online-load.mjs);
// for each change, the longest write while the push runs is recorded beside the longest in the seconds
// before it, for `schemagen push` and `drizzle-kit push` (the service's generated config) on twin
// databases. Writes its section of bench/results.md. Not part of npm test.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { longest, startLoad } from './measure.mjs';
import { writeSection } from './report.mjs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { startPostgres } from '../test/support/postgres-server.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const WORK = join(ROOT, 'bench', '.work', 'online');
const BIN = join(ROOT, 'dist', 'cli', 'bin.js');
const KIT = join(ROOT, 'node_modules', 'drizzle-kit', 'bin.cjs');
const ROWS = Number(process.env.BENCH_ONLINE_ROWS ?? 2_000_000);
const LOCK_TIMEOUT_MS = 2_000;
// Longer than either tool takes to start and plan, so the change really meets the reader.
const BLOCK_MS = 15_000;
const BASELINE_MS = 3_000;
const log = (line) => process.stderr.write(`bench:online: ${line}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const manifest = ({
  index = false,
  unique = false,
  check = false,
  fk = false,
  notNull = false,
  note = false,
  note2 = false,
}) => `version: 1
base:
  id: { type: bigint, identity: by default, primaryKey: true }
services:
  shop:
    tables:
      customers:
        columns:
          name: { type: text }
      orders:
        columns:
          total: { type: integer }
          rank: { type: integer${notNull ? '' : ', nullable: true'} }
          code: { type: text, nullable: true${unique ? ', unique: true' : ''} }
          customer_id: { type: bigint, nullable: true${fk ? ', references: { table: customers, column: id }' : ''} }
${note ? '          note: { type: text, default: n/a }\n' : ''}${note2 ? '          note2: { type: integer, default: 0 }\n' : ''}${index ? '        indexes:\n          - { columns: [total] }\n' : ''}${check ? '        checks:\n          total_nonnegative: { sql: total >= 0 }\n' : ''}`;

/** Each change builds on the ones before it, on both databases alike. */
const CASES = [
  { name: 'add an index', change: { index: true } },
  { name: 'add a unique constraint', change: { unique: true } },
  { name: 'add a check constraint', change: { check: true } },
  { name: 'add a foreign key to a populated column', change: { fk: true } },
  { name: 'set NOT NULL on a populated column', change: { notNull: true } },
  { name: 'add a column with a constant default', change: { note: true } },
  {
    name: `add a column with a constant default while another session reads the table for ${BLOCK_MS / 1000} s`,
    change: { note2: true },
    blocked: true,
  },
];

/** A command as a child process, without blocking this process's event loop (the blocker's timer runs here). */
function runAsync(cmd, args, { cwd, env }) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (status) => resolve({ status, out: out.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '') }));
  });
}

async function measure(tool, url, dir, blocked) {
  const load = startLoad({
    url,
    clients: 4,
    intervalMs: 25,
    rows: ROWS,
    insert: 'insert into shop.orders (total, rank, customer_id) values ($1, $1, 1 + $1::int % 1000)',
    update: 'update shop.orders set total = total + 1 where id = $1',
  });
  await load.ready;
  await sleep(1_000);
  await load.take();
  const baselineFrom = Date.now();
  await sleep(BASELINE_MS);
  let blocker;
  if (blocked) {
    const reader = postgres(url, { max: 1, onnotice: () => {} });
    let opened;
    const isOpen = new Promise((r) => (opened = r));
    blocker = reader
      .begin(async (tx) => {
        await tx`select count(*) from shop.orders`;
        opened();
        await sleep(BLOCK_MS);
      })
      .finally(() => reader.end());
    await isOpen;
  }
  const started = Date.now();
  const env = { DATABASE_URL: url, CI: '' };
  const r =
    tool === 'schemagen'
      ? await runAsync(process.execPath, [BIN, 'push'], { cwd: dir, env })
      : await runAsync(process.execPath, [KIT, 'push', '--force', '--config', 'generated/shop/drizzle.config.ts'], {
          cwd: dir,
          env,
        });
  const ended = Date.now();
  await blocker;
  await sleep(500);
  const records = await load.take();
  await load.stop();
  const verify = await runAsync(process.execPath, [BIN, 'verify'], { cwd: dir, env });
  return {
    baselineMs: longest(records, baselineFrom, started - 1),
    duringMs: longest(records, started, ended),
    seconds: (ended - started) / 1000,
    status: r.status,
    applied: verify.status === 0,
    out: r.out,
    writes: records.length,
    retries: (r.out.match(/, retry \d+/g) ?? []).length,
  };
}

async function main() {
  if (!existsSync(BIN)) throw new Error('build first: npm run build');
  rmSync(WORK, { recursive: true, force: true });
  const dirs = { schemagen: join(WORK, 'schemagen'), 'drizzle-kit': join(WORK, 'drizzle-kit') };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  const server = await startPostgres();
  const admin = postgres(server.url(), { max: 1, onnotice: () => {} });
  const url = (db) => server.url(db);
  const load = loadavg()[0];
  try {
    await admin.unsafe('create database twin_a');
    const write = async (dir, change) => {
      writeFileSync(join(dir, 'schema.yaml'), manifest(change));
      const g = await runAsync(process.execPath, [BIN, 'generate'], { cwd: dir, env: {} });
      if (g.status !== 0) throw new Error(g.out);
    };
    await write(dirs.schemagen, {});
    const first = await runAsync(process.execPath, [BIN, 'push'], {
      cwd: dirs.schemagen,
      env: { DATABASE_URL: url('twin_a') },
    });
    if (first.status !== 0) throw new Error(first.out);
    log(`filling shop.orders with ${ROWS} rows`);
    const fillStarted = Date.now();
    const fill = postgres(url('twin_a'), { max: 1, onnotice: () => {} });
    await fill.unsafe(`insert into shop.customers (name) select 'c' || g from generate_series(1, 1000) g`);
    await fill.unsafe(
      `insert into shop.orders (total, rank, code, customer_id) select g, g, 'o' || g, 1 + g % 1000 from generate_series(1, ${ROWS}) g`,
    );
    await fill.unsafe('vacuum analyze shop.orders');
    await fill.end();
    const fillSeconds = (Date.now() - fillStarted) / 1000;
    await admin.unsafe('create database twin_b template twin_a');
    const dbs = { schemagen: url('twin_a'), 'drizzle-kit': url('twin_b') };
    const results = [];
    let change = {};
    for (const c of CASES) {
      change = { ...change, ...c.change };
      const row = { name: c.name, blocked: c.blocked ?? false };
      for (const tool of ['schemagen', 'drizzle-kit']) {
        await write(dirs[tool], change);
        log(`${c.name}: ${tool}`);
        row[tool] = await measure(tool, dbs[tool], dirs[tool], c.blocked);
        const m = row[tool];
        log(
          `  longest write ${m.baselineMs.toFixed(0)} ms before, ${m.duringMs.toFixed(0)} ms during a ${m.seconds.toFixed(1)} s push (exit ${m.status}, applied: ${m.applied}, lock-timeout retries: ${m.retries})`,
        );
        if (!row[tool].applied) {
          const why =
            row[tool].out.split('\n').find((l) => /error|abort|truncate/i.test(l)) ??
            row[tool].out.trim().split('\n').at(-1);
          row[tool].why = why?.trim().slice(0, 160);
          log(`  ${tool} did not apply the change: ${row[tool].why}`);
          // The next change starts from the same schema on both databases: schemagen catches up, untimed.
          const caughtUp = await runAsync(process.execPath, [BIN, 'push'], {
            cwd: dirs[tool],
            env: { DATABASE_URL: dbs[tool] },
          });
          if (caughtUp.status !== 0) throw new Error(caughtUp.out);
        }
      }
      results.push(row);
    }
    writeResults(results, {
      fillSeconds,
      load,
      loadEnd: loadavg()[0],
      server: (await admin`show server_version`)[0].server_version,
    });
    process.stdout.write(
      `${JSON.stringify(results.map((r) => ({ change: r.name, schemagenMs: Math.round(r.schemagen.duringMs), drizzleKitMs: Math.round(r['drizzle-kit'].duringMs) })))}\n`,
    );
  } finally {
    await admin.end();
    server.stop();
  }
}

function writeResults(results, info) {
  const ms = (x) => `${Math.round(x)} ms`;
  const target = (r) => (r.blocked ? LOCK_TIMEOUT_MS + 250 : 250);
  const met = (r) => r.schemagen.status === 0 && r.schemagen.applied && r.schemagen.duringMs <= target(r);
  const applied = (m) => (m.applied ? '' : ' (not applied)');
  const section = [
    '## Pushing under load (`npm run bench:online`)',
    '',
    `Produced on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} cores, PostgreSQL ${info.server} (fsync=off), load average ${info.load.toFixed(1)} at the start, ${info.loadEnd.toFixed(1)} at the end.`,
    `shop.orders holds ${ROWS.toLocaleString('en-US')} rows (filled in ${info.fillSeconds.toFixed(0)} s by one INSERT … generate_series); four connections from a separate`,
    'process insert into it and update it, each every 25 ms. For each change (applied in turn, each on top of the last, to twin',
    'databases) the table shows the longest insert or update that overlapped the push, and the longest in the 3 s before it.',
    `schemagen runs with its defaults (lock timeout ${LOCK_TIMEOUT_MS / 1000} s, retries for 60 s); drizzle-kit runs \`push --force\` with the generated config.`,
    '"not applied": `schemagen verify` failed on that database afterwards (the push did not make the change, whatever its exit code);',
    'schemagen push then brought it up to date, untimed, so the next change starts from the same schema on both databases.',
    '',
    '| change | before (schemagen / drizzle-kit) | longest write during schemagen push | longest write during drizzle-kit push | push seconds (schemagen / drizzle-kit) | target for schemagen | |',
    '|---|---|---|---|---|---|---|',
    ...results.map((r) => {
      const a = r.schemagen;
      const b = r['drizzle-kit'];
      return `| ${r.name} | ${ms(a.baselineMs)} / ${ms(b.baselineMs)} | **${ms(a.duringMs)}**${applied(a)} | ${ms(b.duringMs)}${applied(b)} | ${a.seconds.toFixed(1)} / ${b.seconds.toFixed(1)} | ≤ ${target(r)} ms | ${met(r) ? 'met' : '**missed**'} |`;
    }),
    ...results.flatMap((r) =>
      ['schemagen', 'drizzle-kit']
        .filter((t) => r[t].why)
        .map((t) => `\nNot applied by ${t} (${r.name}): \`${r[t].why}\``),
    ),
    '',
    `In the blocked case the reader starts just before each push and holds the table for ${BLOCK_MS / 1000} s: drizzle-kit waits for it,`,
    "and every write queues behind its ALTER until the reader ends; schemagen's ALTER gives up after the 2 s lock timeout, the",
    `writes go on, and a retry succeeds once the reader is gone (schemagen retried ${results.find((r) => r.blocked)?.schemagen.retries ?? 0} times, naming the reader each time).`,
    '',
  ].join('\n');
  writeSection('online', section);
}

await main();
