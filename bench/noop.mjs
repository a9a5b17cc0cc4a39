// npm run bench, part 3: the no-op push and verify against the physical floor. The floor is a node
// process that loads the driver (postgres), connects, reads the rows push and verify compare
// (columns, constraints and indexes of the schemas concerned) in one query each, and exits. Nothing
// changed, so `schemagen push` and `schemagen verify` do no more than that in principle; the ratios
// say what startup, the model cache, the staleness check and the per-service work add. Two shapes:
// one 200-table service, and 2,000 tables in 10 services sharing one database (cross-service keys).
// Writes its section of bench/results.md and prints one JSON line. BENCH_REPS sets repetitions.
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { startPostgres } from '../test/support/postgres-server.mjs';
import { benchProject, catalogFloorScript, compare, mustPass, run, schemagen, succeeded } from './measure.mjs';
import { writeSection } from './report.mjs';
import { syntheticManifest } from './synthetic.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const WORK = join(ROOT, 'bench', '.work', 'noop');
const REPS = Number(process.env.BENCH_REPS ?? 11);
const log = (line) => process.stderr.write(`bench:noop: ${line}\n`);

const SHAPES = [
  { name: '200 tables, 1 service', tables: 200, services: 1, targets: { push: 1.5, verify: 1.5 } },
  { name: '2,000 tables, 10 services, one database', tables: 2000, services: 10, targets: { push: 2, verify: 2 } },
];

const server = await startPostgres();
const measured = [];
const loadBefore = loadavg()[0];
try {
  const admin = postgres(server.url(), { max: 1, onnotice: () => {} });
  const [{ server_version: pgVersion }] = await admin.unsafe('show server_version');
  for (const [i, shape] of SHAPES.entries()) {
    await admin.unsafe(`create database noop_${i}`);
    const env = { DATABASE_URL: server.url(`noop_${i}`) };
    const dir = benchProject(join(WORK, `noop-${shape.tables}`), syntheticManifest(shape));
    log(`${shape.name}: generate and push`);
    mustPass(schemagen(['generate'], dir), 'generate');
    mustPass(schemagen(['push'], dir, env), 'push');
    const schemas = Array.from({ length: shape.services }, (_, s) => `svc${s}`);
    const script = catalogFloorScript(env.DATABASE_URL, JSON.stringify(schemas));
    // A push that changed something, or a verify that found a difference, is not a no-op.
    const noop = (command) => () => {
      const r = schemagen([command], dir, env);
      return { ...r, ok: r.ok && !/statement|difference/.test(r.out) };
    };
    log(`${shape.name}: floor, push, verify; ${REPS} runs each`);
    const m = await compare(REPS, {
      floor: () => succeeded(run(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT })),
      push: noop('push'),
      verify: noop('verify'),
    });
    measured.push({ shape, m });
  }
  await admin.end();
  writeReport(pgVersion);
} finally {
  server.stop();
}

function writeReport(pgVersion) {
  const rows = measured.flatMap(({ shape, m }) =>
    ['push', 'verify'].map((command) => {
      const ratio = m[command].median / m.floor.median;
      const target = shape.targets[command];
      return { shape, command, ratio, target, seconds: m[command].median, floor: m.floor.median };
    }),
  );
  const section = [
    '## No-op push and verify against the floor',
    '',
    'Nothing changed since the last push. The floor is a node process that loads the driver (postgres), connects, reads',
    'the columns, constraints and indexes of the schemas concerned in one query each, and exits. `schemagen push` and',
    `\`schemagen verify\` run as CLI processes (\`node dist/cli/bin.js\`) against PostgreSQL ${pgVersion}. Medians of ${REPS}`,
    'alternating runs (floor, push, verify, …) after one warm-up run each; each run is checked to be a no-op. Load',
    `average ${loadBefore.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end.`,
    '',
    'How push and verify read: one statement of plain rows per catalog list (tables, columns, types, constraints,',
    'indexes, …), all sent at once over two connections that share one exported snapshot, each list worked into',
    'the tables as it arrives; one read per database for all its services; the model from its cache.',
    '',
    '| shape | command | seconds | floor | ratio | target | |',
    '|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.shape.name} | ${r.command} | ${r.seconds.toFixed(3)} | ${r.floor.toFixed(3)} | ${r.ratio.toFixed(2)}× | ≤ ${r.target}× | ${r.ratio <= r.target ? 'met' : '**missed**'} |`,
    ),
    '',
  ].join('\n');
  writeSection('noop', section);
  const key = (r) => `${r.command}${r.shape.tables}VsFloor`;
  console.log(JSON.stringify(Object.fromEntries(rows.map((r) => [key(r), Number(r.ratio.toFixed(3))]))));
}
