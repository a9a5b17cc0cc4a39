// npm run bench, part 5b (run by bench/tenants.mjs): the per-tenant service of part 5 (10 tables) with a
// database per tenant, BENCH_TENANT_DATABASES of them (default 100) on one PostgreSQL started here. It measures:
// - the no-op push and verify of every tenant database against the floor, one node process reading the
//   same catalogs of every tenant database (4 at a time, as push does);
// - a change (a column and an index) across every tenant database, against drizzle-kit push run per
//   tenant database in turn, timed on BENCH_KIT_TENANTS of them (default 5, twins of the tenants'
//   databases) and extrapolated to all of them.
// Writes its section of bench/results.md.
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { startPostgres } from '../test/support/postgres-server.mjs';
import {
  allStatus,
  benchProject,
  compare,
  databasesFloorScript,
  kitPush,
  median,
  mustPass,
  run,
  schemagen,
  succeeded,
} from './measure.mjs';
import { writeSection } from './report.mjs';
import { syntheticManifest } from './synthetic.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const WORK = join(ROOT, 'bench', '.work', 'tenant-databases');
const TENANTS = Number(process.env.BENCH_TENANT_DATABASES ?? 100);
const KIT_TENANTS = Math.min(TENANTS, Number(process.env.BENCH_KIT_TENANTS ?? 5));
const REPS = Number(process.env.BENCH_REPS ?? 5);
const QUERY = 'select slug from public.tenants order by slug';
const GOALS = { noop: 2, change: 20 };
const log = (line) => process.stderr.write(`bench:tenant-databases: ${line}\n`);

const names = Array.from({ length: TENANTS }, (_, i) => `t${String(i + 1).padStart(3, '0')}`);
/** svc0 with a database per tenant, `<prefix>_<tenant>` on the control database's server. */
const manifest = (added, prefix = 'fleet') =>
  syntheticManifest({ tables: 10, services: 1, tenants: QUERY, added }).replace(
    'schema: tenant_{tenant}',
    `database: ${prefix}_{tenant}`,
  );

export async function databaseFleet() {
  const server = await startPostgres();
  const loadStart = loadavg()[0];
  try {
    const admin = postgres(server.url(), { max: 1, onnotice: () => {} });
    const [{ server_version: pgVersion }] = await admin.unsafe('show server_version');
    await admin.unsafe('create database control');
    const url = server.url('control');
    const env = { DATABASE_URL: url };
    const dir = benchProject(WORK, manifest(0));
    mustPass(schemagen(['generate'], dir), 'generate');
    const control = postgres(url, { max: 1, onnotice: () => {} });
    await control.unsafe('create table public.tenants (slug text primary key)');
    await control.unsafe(`insert into public.tenants select unnest($1::text[])`, [names]);
    await control.end();
    log(`${TENANTS} tenant databases, each created empty and pushed`);
    for (const name of names) await admin.unsafe(`create database fleet_${name}`);
    const first = allStatus(schemagen(['push', '--json'], dir, env), 'created', TENANTS);
    if (!first.ok) throw new Error(`the first push did not create every tenant:\n${first.out.slice(0, 4000)}`);

    log(`no-op push and verify of ${TENANTS} tenant databases against the floor, ${REPS} runs each`);
    const floor = databasesFloorScript(url, QUERY, 'svc0', `${JSON.stringify(server.url('fleet_'))} + slug`, 4);
    const noop = (command) => () => {
      const r = schemagen([command], dir, env);
      return { ...r, ok: r.ok && !/statement|difference/.test(r.out) };
    };
    const m = await compare(REPS, {
      floor: () => succeeded(run(process.execPath, ['--input-type=module', '-e', floor], { cwd: ROOT })),
      push: noop('push'),
      verify: noop('verify'),
    });
    const results = {
      first: first.seconds,
      noop: { floor: m.floor.median, push: m.push.median, verify: m.verify.median },
    };

    log(`a column and an index: drizzle-kit push on ${KIT_TENANTS} twin tenant databases, in turn`);
    writeFileSync(join(dir, 'schema.yaml'), manifest(1));
    mustPass(schemagen(['generate'], dir), 'generate');
    const sample = Array.from({ length: KIT_TENANTS }, (_, i) => names[Math.floor((i * TENANTS) / KIT_TENANTS)]);
    const kitSeconds = [];
    for (const tenant of sample) {
      await admin.unsafe(`create database twin_${tenant} template fleet_${tenant}`);
      const r = kitPush(
        dir,
        server.url(`twin_${tenant}`),
        tenant,
        `export * from '../generated/svc0/schema';\n`,
        'svc0',
      );
      if (!r.ok) throw new Error(`drizzle-kit push of ${tenant} failed:\n${r.out}`);
      kitSeconds.push(r.seconds);
    }
    // The twins verified as tenants of the same manifest with the pattern twin_{tenant}.
    const twins = benchProject(`${WORK}-twins`, manifest(1, 'twin'));
    mustPass(schemagen(['generate'], twins), 'generate the twins');
    mustPass(schemagen(['verify', '--tenant', sample.join(',')], twins, env), 'verify after drizzle-kit');

    log(`a column and an index: schemagen push of ${TENANTS} tenant databases`);
    const change = allStatus(schemagen(['push', '--json'], dir, env), 'altered', TENANTS);
    if (!change.ok) throw new Error(`the change did not reach every tenant:\n${change.out.slice(0, 4000)}`);
    mustPass(schemagen(['verify'], dir, env), 'verify after the change');
    results.change = { push: change.seconds, kitPerTenant: median(kitSeconds), kitAll: median(kitSeconds) * TENANTS };
    await admin.end();
    writeReport(pgVersion, results, loadStart);
  } finally {
    server.stop();
  }
}

function writeReport(pgVersion, { first, noop, change }, loadStart) {
  const met = (ok) => (ok ? 'met' : '**missed**');
  const ratio = { push: noop.push / noop.floor, verify: noop.verify / noop.floor, change: change.kitAll / change.push };
  const section = [
    '## Tenants: one service, a database per tenant (`bench/tenants.mjs`, part 5b)',
    '',
    `The per-tenant service of the part above (10 tables) with a database per tenant: ${TENANTS} tenant databases on one`,
    `server, listed by a query on the control database; PostgreSQL ${pgVersion} (fsync=off), ${cpus().length} cores shared`,
    `with other work: load average ${loadStart.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end. Every push`,
    'below works on 4 tenant databases at a time (the default concurrency, per server).',
    '',
    '| target | measured | |',
    '|---|---|---|',
    `| no-op push of every tenant database ≤ 2× the floor | ${ratio.push.toFixed(2)}× (${noop.push.toFixed(3)} s vs ${noop.floor.toFixed(3)} s) | ${met(ratio.push <= GOALS.noop)} |`,
    `| a column and an index across every tenant database ≥ 20× faster than drizzle-kit push per tenant in turn | ${ratio.change.toFixed(1)}× (${change.push.toFixed(1)} s vs ${change.kitAll.toFixed(0)} s extrapolated) | ${met(ratio.change >= GOALS.change)} |`,
    '',
    '| measurement | seconds | |',
    '|---|---|---|',
    `| floor: one node process, the tenants query, then in each of the ${TENANTS} tenant databases (4 at a time) a connection and the columns, constraints and indexes of the service's schema | ${noop.floor.toFixed(3)} | median of ${REPS} |`,
    `| \`schemagen push\`, nothing changed | ${noop.push.toFixed(3)} | ${ratio.push.toFixed(2)}× the floor |`,
    `| \`schemagen verify\` | ${noop.verify.toFixed(3)} | ${ratio.verify.toFixed(2)}× the floor |`,
    `| \`schemagen push\` creating the service in every empty tenant database | ${first.toFixed(2)} | one run |`,
    `| \`schemagen push\` of a column and an index to every tenant database | ${change.push.toFixed(2)} | one run; ${((change.push / TENANTS) * 1000).toFixed(0)} ms per tenant |`,
    `| \`drizzle-kit push --force\`, one tenant database (\`schemaFilter\` the service's schema) | ${change.kitPerTenant.toFixed(2)} | median of ${KIT_TENANTS} twin databases |`,
    `| drizzle-kit for every tenant database in turn, extrapolated (one × ${TENANTS}) | ${change.kitAll.toFixed(0)} | ${ratio.change.toFixed(1)}× schemagen push |`,
    '',
    'Each tenant database is read on its own (a connection and one catalog read each); the tenants in the same state',
    'share one comparison and one plan, which the other tenants replay in their database, each in its own transaction',
    'on the connection it was read on, and are compared again on it.',
    'drizzle-kit is timed on twins of tenant databases (created from them as templates) and checked by its output and',
    'by `schemagen verify` of the twins.',
    '',
  ].join('\n');
  writeSection('tenant-databases', section);
  console.log(
    JSON.stringify({
      databaseNoopPushVsFloor: Number(ratio.push.toFixed(3)),
      databaseChangeVsKit: Number(ratio.change.toFixed(1)),
    }),
  );
}
