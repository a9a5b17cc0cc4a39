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

/**
 * `drizzle-kit push --force` of one tenant: `module` is the source of its schema module (the service's
 * tables as that tenant has them), `schema` the schema it filters to. drizzle-kit exits 0 even when it
 * fails: its output is the first evidence, a verify afterwards the second.
 */
export function kitPush(dir, url, tenant, module, schema) {
  mkdirSync(join(dir, 'kit'), { recursive: true });
  writeFileSync(join(dir, 'kit', `${tenant}.ts`), module);
  const config = join('kit', `${tenant}.config.ts`);
  writeFileSync(
    join(dir, config),
    `export default { dialect: 'postgresql', schema: './kit/${tenant}.ts', schemaFilter: [${JSON.stringify(schema)}], dbCredentials: { url: ${JSON.stringify(url)} } };\n`,
  );
  const r = run(
    process.execPath,
    [join(ROOT, 'node_modules', 'drizzle-kit', 'bin.cjs'), 'push', '--force', '--config', config],
    { cwd: dir },
  );
  return { ...r, ok: r.status === 0 && /Changes applied/.test(r.out) && !/error/i.test(r.out) };
}

/** A push --json run (its one line on stdout, before any stderr) whose fleet has `count` tenants, each with `status`. */
export function allStatus(r, status, count) {
  const fleet = JSON.parse(r.out.split('\n').find((line) => line.startsWith('{')) ?? '{}').fleets?.[0];
  const off = fleet?.tenants.filter((t) => t.status !== status) ?? [];
  return { ...r, ok: r.ok && fleet?.tenants.length === count && off.length === 0, off };
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

/** The reads of a floor: the columns, constraints and indexes of the schemas `$1`, one query each. */
const CATALOG_READS = `await sql.unsafe(\`select c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
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
  join pg_namespace n on n.oid = ic.relnamespace where n.nspname = any($1)\`, [schemas]);`;

/**
 * The floor of a no-op push or verify: a node process that loads the driver (postgres), connects, reads
 * the columns, constraints and indexes of the schemas concerned in one query each, and exits.
 * `schemasJs`: a JavaScript expression for the schema names, which may await `sql` (a tenants query).
 */
export const catalogFloorScript = (url, schemasJs) => `import postgres from 'postgres';
const sql = postgres(${JSON.stringify(url)}, { max: 1, onnotice: () => {}, prepare: false });
const schemas = ${schemasJs};
${CATALOG_READS}
await sql.end();`;

/**
 * The floor of a no-op push or verify of tenant databases: one node process that lists the tenants on
 * the control database `url`, then connects to each tenant database (`concurrency` at a time, as push
 * does), reads the same catalogs of `schema` there, and disconnects. `databaseJs`: a JavaScript
 * expression of the tenant database's URL from its name, `slug`.
 */
export const databasesFloorScript = (url, query, schema, databaseJs, concurrency) => `import postgres from 'postgres';
const control = postgres(${JSON.stringify(url)}, { max: 1, onnotice: () => {}, prepare: false });
const slugs = (await control.unsafe(${JSON.stringify(query)})).map((r) => r.slug);
await control.end();
const schemas = [${JSON.stringify(schema)}];
let next = 0;
const worker = async () => {
  while (next < slugs.length) {
    const slug = slugs[next++];
    const sql = postgres(${databaseJs}, { max: 1, onnotice: () => {}, prepare: false });
    ${CATALOG_READS.replace(/\n/g, '\n    ')}
    await sql.end();
  }
};
await Promise.all(Array.from({ length: ${concurrency} }, worker));`;

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
