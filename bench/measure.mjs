// Timing helpers for the benchmark: every command is a plain child process, timed from spawn to exit.
import { fork, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'dist', 'cli', 'bin.js');

/** Runs a command; returns wall seconds, peak RSS in MB (GNU time, else undefined), exit status and output. */
export function run(cmd, args, { cwd, env } = {}) {
  const options = { cwd, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 28 };
  const started = process.hrtime.bigint();
  const r = TIME ? spawnSync(TIME, ['-f', '__rss_kb=%M', cmd, ...args], options) : spawnSync(cmd, args, options);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const rss = /__rss_kb=(\d+)\s*$/.exec(r.stderr ?? '');
  const stderr = (r.stderr ?? '').replace(/__rss_kb=\d+\s*$/, '');
  return {
    seconds,
    rssMb: rss ? Number(rss[1]) / 1024 : undefined,
    status: r.status,
    out: `${r.stdout ?? ''}${stderr}`,
  };
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Runs each contender `n` times, alternating them (a, b, a, b, …) so that load from elsewhere on the
 * machine hits both alike, after one untimed warm-up run each (cold file cache). Every run returns
 * `{ seconds, ok, out, rssMb? }`; a run with `ok === false` stops the benchmark with its output.
 * Returns per contender `{ median, all, rssMb }`.
 */
export async function compare(n, contenders, { warmup = true } = {}) {
  const names = Object.keys(contenders);
  const result = Object.fromEntries(names.map((k) => [k, { all: [], rssMb: 0 }]));
  for (let i = warmup ? -1 : 0; i < n; i++) {
    for (const name of names) {
      const r = await contenders[name](i);
      if (r.ok === false) throw new Error(`${name} failed (run ${i}):\n${r.out}`);
      if (i < 0) continue;
      result[name].all.push(r.seconds);
      result[name].rssMb = Math.max(result[name].rssMb, r.rssMb ?? 0);
    }
  }
  for (const name of names) result[name].median = median(result[name].all);
  return result;
}

/** A run as `compare` takes it: ok when the process exited 0. */
export const succeeded = (r) => ({ ...r, ok: r.status === 0 });

export function mustPass(r, what) {
  if (r.status !== 0) throw new Error(`${what} failed:\n${r.out}`);
  return r;
}

/** `schemagen <args>` as a plain node process on the built CLI, outside CI mode. */
export const schemagen = (args, cwd, env = {}) =>
  succeeded(run(process.execPath, [BIN, ...args], { cwd, env: { CI: '', ...env } }));

/** An empty folder holding only `schema.yaml`, for a benchmark project. */
export function benchProject(dir, manifest) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'schema.yaml'), manifest);
  return dir;
}

/**
 * The floor of a no-op push or verify: a node process that loads the driver (postgres), connects, reads
 * the columns, constraints and indexes of the schemas concerned in one query each, and exits.
 * `schemasJs`: a JavaScript expression for the schema names, which may await `sql` (a tenants query).
 */
export const catalogFloorScript = (url, schemasJs) => `import postgres from 'postgres';
const sql = postgres(${JSON.stringify(url)}, { max: 1, onnotice: () => {}, prepare: false });
const schemas = ${schemasJs};
await sql.unsafe(\`select c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
    pg_get_expr(d.adbin, d.adrelid), a.attidentity, ds.description
  from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
  left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
  left join pg_description ds on ds.objoid = c.oid and ds.classoid = 'pg_class'::regclass and ds.objsubid = a.attnum
  where n.nspname = any($1) and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped\`, [schemas]);
await sql.unsafe(\`select k.conrelid, k.conname, k.contype, pg_get_constraintdef(k.oid, true), k.conkey,
    k.confrelid, k.confkey, k.confdeltype, k.confupdtype, k.convalidated
  from pg_constraint k join pg_namespace n on n.oid = k.connamespace
  where n.nspname = any($1) and k.contype in ('p', 'u', 'f', 'c')\`, [schemas]);
await sql.unsafe(\`select i.indrelid, ic.relname, i.indisunique, am.amname, i.indkey::int2[],
    pg_get_expr(i.indpred, i.indrelid), i.indisvalid
  from pg_index i join pg_class ic on ic.oid = i.indexrelid join pg_am am on am.oid = ic.relam
  join pg_namespace n on n.oid = ic.relnamespace where n.nspname = any($1)\`, [schemas]);
await sql.end();`;

/**
 * Writers from a separate process (bench/online-load.mjs; `load` is its JSON argument). `take()` returns
 * the writes recorded since the last take, as [start ms, duration ms, kind]; `stop()` ends it.
 */
export function startLoad(load) {
  const child = fork(join(ROOT, 'bench', 'online-load.mjs'), [JSON.stringify(load)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = () => new Promise((resolve) => child.once('message', resolve));
  return {
    ready: next(),
    take: async () => {
      const reply = next();
      child.send('take');
      return (await reply).records;
    },
    stop: () => new Promise((resolve) => (child.on('exit', resolve), child.send('stop'))),
  };
}

/** The longest write that overlapped [from, to] (start ms, duration ms). */
export const longest = (records, from, to) =>
  Math.max(0, ...records.filter(([s, d]) => s <= to && s + d >= from).map(([, d]) => d));
