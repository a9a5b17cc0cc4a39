// npm run bench, part 5: one per-tenant service (10 tables) across BENCH_TENANTS tenant schemas (default
// 1,000) in one database, on a PostgreSQL started here. It measures, in one run:
// - createTenant: a sign-up's tenant, one by one (the first pushed as push would, the rest from its statements);
// - the no-op push and verify of every tenant against the floor, a node process reading the same catalogs;
// - a change (a column and an index) across every tenant, against drizzle-kit push run per tenant in turn,
//   timed on BENCH_KIT_TENANTS tenants (default 5) of a twin database and extrapolated to all of them;
// - the longest write on a busy tenant (BENCH_BUSY_ROWS rows, writers from another process) while a second
//   change is pushed to the fleet.
// Writes its section of bench/results.md and prints one JSON line. BENCH_REPS sets the no-op repetitions.
// Part 5b (tenant-databases.mjs): the same service with a database per tenant, BENCH_TENANT_DATABASES of them.
// BENCH_TENANTS_PARTS chooses the parts: schemas, databases, or both (the default: schemas,databases).
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import postgres from 'postgres';
import { startPostgres } from '../test/support/postgres-server.mjs';
import {
  benchProject,
  catalogFloorScript,
  allStatus,
  compare,
  kitPush,
  longest,
  median,
  mustPass,
  run,
  schemagen,
  startLoad,
  succeeded,
} from './measure.mjs';
import { writeSection } from './report.mjs';
import { syntheticManifest } from './synthetic.mjs';
import { databaseFleet } from './tenant-databases.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const WORK = join(ROOT, 'bench', '.work', 'tenants');
const TENANTS = Number(process.env.BENCH_TENANTS ?? 1000);
const KIT_TENANTS = Math.min(TENANTS, Number(process.env.BENCH_KIT_TENANTS ?? 5));
const REPS = Number(process.env.BENCH_REPS ?? 5);
const BUSY_ROWS = Number(process.env.BENCH_BUSY_ROWS ?? 200_000);
const QUERY = 'select slug from public.tenants order by slug';
const PARTS = (process.env.BENCH_TENANTS_PARTS ?? 'schemas,databases').split(',');
const GOALS = { noop: 2, change: 20, createMs: 50, writeMs: 250 };
const log = (line) => process.stderr.write(`bench:tenants: ${line}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const names = Array.from({ length: TENANTS }, (_, i) => `t${String(i + 1).padStart(4, '0')}`);
const manifest = (added) => syntheticManifest({ tables: 10, services: 1, tenants: QUERY, added });

/** createTenant once (opens its connection, pushes), then a sign-up handler's openTenants for every other tenant. */
async function createTenants(dir, env) {
  const { createTenant, loadProject, openTenants } = await import(pathToFileURL(join(ROOT, 'dist', 'index.js')).href);
  const project = await loadProject({ cwd: dir });
  const timed = async (create) => {
    const started = performance.now();
    const r = await create();
    if (r.status !== 'created') throw new Error(`creating tenant ${r.tenant}: ${r.status}: ${r.reasons.join('; ')}`);
    return performance.now() - started;
  };
  const oneShot = await timed(() => createTenant(project, 'svc0', names[0], { env }));
  const admin = openTenants(project, { env });
  let statements;
  const rest = [];
  try {
    const started = performance.now();
    statements = (await admin.create('svc0', names[1])).statements;
    const firstOpen = performance.now() - started;
    for (const name of names.slice(2)) rest.push(await timed(() => admin.create('svc0', name)));
    const sorted = [...rest].sort((a, b) => a - b);
    return {
      oneShot,
      firstOpen,
      median: median(rest),
      p95: sorted[Math.floor(sorted.length * 0.95)] ?? 0,
      max: sorted.at(-1) ?? 0,
      floor: await createFloor(env.DATABASE_URL, statements, `tenant_${names[1]}`),
    };
  } finally {
    await admin.close();
  }
}

/**
 * The floor of a sign-up: the statements that created a tenant, sent for a new schema in one
 * transaction by a bare client (median of 25, the schemas dropped after).
 */
async function createFloor(url, statements, schema) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const times = [];
  try {
    for (let i = 0; i < 25; i++) {
      const script = statements.map((s) => s.replaceAll(`"${schema}"`, `"floor_${i}"`)).join(';\n');
      const started = performance.now();
      await sql.begin((tx) => tx.unsafe(script));
      times.push(performance.now() - started);
    }
    await sql.unsafe(Array.from({ length: 25 }, (_, i) => `drop schema floor_${i} cascade`).join(';'));
  } finally {
    await sql.end();
  }
  return median(times);
}

/** drizzle-kit push of one tenant: the service's tables bound to its schema, and a config filtering that schema. */
function kitPushTenant(dir, url, tenant) {
  const exported = /return \{ ([^}]+) \};/.exec(readFileSync(join(dir, 'generated', 'svc0', 'schema.ts'), 'utf8'))[1];
  const module = `import { svc0Tables } from '../generated/svc0/schema';\nexport const { ${exported} } = svc0Tables('tenant_${tenant}');\n`;
  return kitPush(dir, url, tenant, module, `tenant_${tenant}`);
}

if (PARTS.includes('schemas')) await schemaFleet();
if (PARTS.includes('databases')) await databaseFleet();

/** The first fleet: BENCH_TENANTS tenant schemas in one database. */
async function schemaFleet() {
  const server = await startPostgres();
  const loadStart = loadavg()[0];
  const results = { tenants: TENANTS };
  try {
    const admin = postgres(server.url(), { max: 1, onnotice: () => {} });
    const [{ server_version: pgVersion }] = await admin.unsafe('show server_version');
    await admin.unsafe('create database fleet');
    const url = server.url('fleet');
    const env = { DATABASE_URL: url };
    const dir = benchProject(WORK, manifest(0));
    mustPass(schemagen(['generate'], dir), 'generate');
    const fleet = postgres(url, { max: 1, onnotice: () => {} });
    await fleet.unsafe('create table public.tenants (slug text primary key)');
    await fleet.unsafe(`insert into public.tenants select unnest($1::text[])`, [names]);

    log(`createTenant: ${TENANTS} tenants`);
    results.create = await createTenants(dir, env);
    log(`  ${results.create.median.toFixed(1)} ms per tenant (median)`);

    log(`no-op push and verify of ${TENANTS} tenants against the floor, ${REPS} runs each`);
    const floor = catalogFloorScript(
      url,
      `(await sql.unsafe(${JSON.stringify(QUERY)})).map((r) => 'tenant_' + r.slug)`,
    );
    const noop = (command) => () => {
      const r = schemagen([command], dir, env);
      return { ...r, ok: r.ok && !/statement|difference/.test(r.out) };
    };
    const m = await compare(REPS, {
      floor: () => succeeded(run(process.execPath, ['--input-type=module', '-e', floor], { cwd: ROOT })),
      push: noop('push'),
      verify: noop('verify'),
    });
    results.noop = { floor: m.floor.median, push: m.push.median, verify: m.verify.median };

    log(`a column and an index: drizzle-kit push on ${KIT_TENANTS} tenants of a twin database, in turn`);
    await fleet.end();
    await admin.unsafe('create database twin template fleet');
    const twin = server.url('twin');
    writeFileSync(join(dir, 'schema.yaml'), manifest(1));
    mustPass(schemagen(['generate'], dir), 'generate');
    const sample = Array.from({ length: KIT_TENANTS }, (_, i) => names[Math.floor((i * TENANTS) / KIT_TENANTS)]);
    const kitSeconds = [];
    for (const tenant of sample) {
      const r = kitPushTenant(dir, twin, tenant);
      if (!r.ok) throw new Error(`drizzle-kit push of ${tenant} failed:\n${r.out}`);
      kitSeconds.push(r.seconds);
    }
    mustPass(
      schemagen(['verify', '--tenant', sample.join(',')], dir, { DATABASE_URL: twin }),
      'verify after drizzle-kit',
    );
    log(`a column and an index: schemagen push of ${TENANTS} tenants`);
    const change = allStatus(schemagen(['push', '--json'], dir, env), 'altered', TENANTS);
    if (!change.ok) throw new Error(`the change did not reach every tenant:\n${change.out.slice(0, 4000)}`);
    mustPass(schemagen(['verify'], dir, env), 'verify after the change');
    results.change = {
      push: change.seconds,
      kitPerTenant: median(kitSeconds),
      kitAll: median(kitSeconds) * TENANTS,
    };

    const busy = `tenant_${names[0]}`;
    log(`busy tenant ${busy}: ${BUSY_ROWS} rows, writers, and a second change pushed to the fleet`);
    const filler = postgres(url, { max: 1, onnotice: () => {} });
    await filler.unsafe(`insert into ${busy}.t0 (name) select 'n' || g from generate_series(1, ${BUSY_ROWS}) g`);
    await filler.unsafe(`vacuum analyze ${busy}.t0`);
    await filler.end();
    writeFileSync(join(dir, 'schema.yaml'), manifest(2));
    mustPass(schemagen(['generate'], dir), 'generate');
    const load = startLoad({
      url,
      clients: 4,
      intervalMs: 25,
      rows: BUSY_ROWS,
      insert: `insert into ${busy}.t0 (name) values ('w' || $1::int || '-' || gen_random_uuid())`,
      update: `update ${busy}.t0 set quantity = quantity + 1 where name = 'n' || $1::int and deleted_at is null`,
    });
    await load.ready;
    await sleep(1_000);
    await load.take();
    const before = Date.now();
    await sleep(3_000);
    const started = Date.now();
    const loaded = allStatus(schemagen(['push', '--json'], dir, env), 'altered', TENANTS);
    const ended = Date.now();
    await sleep(500);
    const records = await load.take();
    await load.stop();
    if (!loaded.ok) throw new Error(`the second change did not reach every tenant:\n${loaded.out.slice(0, 4000)}`);
    mustPass(schemagen(['verify'], dir, env), 'verify after the second change');
    results.busy = {
      before: longest(records, before, started - 1),
      during: longest(records, started, ended),
      seconds: (ended - started) / 1000,
      writes: records.length,
    };
    await admin.end();
    writeReport(pgVersion, results, loadStart);
  } finally {
    server.stop();
  }
}

function writeReport(pgVersion, results, loadStart) {
  const { create, noop, change, busy } = results;
  const met = (ok) => (ok ? 'met' : '**missed**');
  const ratio = { push: noop.push / noop.floor, verify: noop.verify / noop.floor, change: change.kitAll / change.push };
  const n = TENANTS.toLocaleString('en-US');
  const section = [
    '## Tenants: one service, many schemas (`bench/tenants.mjs`)',
    '',
    `One per-tenant service of 10 tables (the synthetic tables of the other parts: enums, a foreign key, a partial unique`,
    `index each) with ${n} tenants listed by a query on a control table, all in one database; PostgreSQL ${pgVersion}`,
    `(fsync=off), ${cpus().length} cores shared with other work: load average ${loadStart.toFixed(1)} at the start,`,
    `${loadavg()[0].toFixed(1)} at the end. Every push below pushes the tenants at the default concurrency (4).`,
    '',
    '| target | measured | |',
    '|---|---|---|',
    `| no-op push of every tenant ≤ 2× the floor | ${ratio.push.toFixed(2)}× (${noop.push.toFixed(3)} s vs ${noop.floor.toFixed(3)} s) | ${met(ratio.push <= GOALS.noop)} |`,
    `| a column and an index across every tenant ≥ 20× faster than drizzle-kit push per tenant in turn | ${ratio.change.toFixed(1)}× (${change.push.toFixed(1)} s vs ${change.kitAll.toFixed(0)} s extrapolated) | ${met(ratio.change >= GOALS.change)} |`,
    `| createTenant ≤ 50 ms per tenant | ${create.median.toFixed(1)} ms (median of ${(TENANTS - 2).toLocaleString('en-US')}; ${(create.median / create.floor).toFixed(2)}× the same statements from a bare client) | ${met(create.median <= GOALS.createMs)} |`,
    `| longest write on a busy tenant while the fleet is pushed ≤ 250 ms | ${Math.round(busy.during)} ms | ${met(busy.during <= GOALS.writeMs)} |`,
    '',
    '| measurement | seconds | |',
    '|---|---|---|',
    `| floor: node, the driver, the tenants query and the columns, constraints and indexes of the ${n} schemas | ${noop.floor.toFixed(3)} | median of ${REPS} |`,
    `| \`schemagen push\`, nothing changed | ${noop.push.toFixed(3)} | ${ratio.push.toFixed(2)}× the floor |`,
    `| \`schemagen verify\` | ${noop.verify.toFixed(3)} | ${ratio.verify.toFixed(2)}× the floor |`,
    `| \`schemagen push\` of a column and an index to every tenant | ${change.push.toFixed(2)} | one run; ${((change.push / TENANTS) * 1000).toFixed(0)} ms per tenant |`,
    `| \`drizzle-kit push --force\`, one tenant (its tables bound to its schema, \`schemaFilter\` that schema) | ${change.kitPerTenant.toFixed(2)} | median of ${KIT_TENANTS} tenants of a twin database |`,
    `| drizzle-kit for every tenant in turn, extrapolated (one tenant × ${n}) | ${change.kitAll.toFixed(0)} | ${ratio.change.toFixed(1)}× schemagen push |`,
    `| createTenant, one call (opens its connection, pushes the tenant as push would) | ${(create.oneShot / 1000).toFixed(3)} | |`,
    `| openTenants: its first tenant (pushed as push would, its statements kept) | ${(create.firstOpen / 1000).toFixed(3)} | |`,
    `| openTenants: every later tenant (the kept statements in the new schema, one transaction) | ${(create.median / 1000).toFixed(4)} | median; 95th percentile ${(create.p95 / 1000).toFixed(4)}, longest ${(create.max / 1000).toFixed(4)} |`,
    `| floor of a sign-up: the same statements for a new schema in one transaction from a bare client | ${(create.floor / 1000).toFixed(4)} | median of 25 |`,
    `| a second column and index pushed to every tenant, ${BUSY_ROWS.toLocaleString('en-US')} rows and 4 writers (every 25 ms) on one of them | ${busy.seconds.toFixed(2)} | longest write ${Math.round(busy.during)} ms during, ${Math.round(busy.before)} ms in the 3 s before (${busy.writes} writes) |`,
    '',
    `drizzle-kit is timed on ${KIT_TENANTS} tenants spread over the list and extrapolated to all ${n}: one \`drizzle-kit push\` per tenant`,
    'in turn (a config and a schema module per tenant) is how it pushes schemas that share their tables. Each sampled run',
    'is checked by its output and by `schemagen verify` of those tenants afterwards. schemagen plans the change once per',
    'distinct state of the tenants (and which of their tables hold rows): the busy tenant gets its own plan, with the index',
    'built concurrently; the other tenants replay the plan of their state, and all of them are compared with the manifest',
    'in one read at the end. createTenant is bounded by the DDL itself: the floor row is the server creating the tables.',
    '',
  ].join('\n');
  writeSection('tenants', section);
  console.log(
    JSON.stringify({
      noopPushVsFloor: Number(ratio.push.toFixed(3)),
      changeVsKit: Number(ratio.change.toFixed(1)),
      createTenantMs: Number(create.median.toFixed(1)),
      busyWriteMs: Math.round(busy.during),
    }),
  );
}
