// npm run bench: drizzle-schemagen against drizzle-kit and the yaml.parse floor, side by side in one
// run. Writes bench/results.md and prints one JSON line of ratios. Not part of npm test.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { startPostgres } from '../test/support/postgres-server.mjs';
import { handwrittenSchema } from './handwritten.mjs';
import { repeat, run } from './measure.mjs';
import { syntheticManifest } from './synthetic.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const WORK = join(ROOT, 'bench', '.work');
const NODE = process.execPath;
const BIN = join(ROOT, 'dist', 'cli', 'bin.js');
const KIT = join(ROOT, 'node_modules', 'drizzle-kit', 'bin.cjs');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const REPS = Number(process.env.BENCH_REPS ?? 5);
const KIT_REPS = Number(process.env.BENCH_KIT_REPS ?? 3);

const ours = (args, project, env = {}) => run(NODE, [BIN, ...args], { cwd: project, env: { CI: '', ...env } });
const kit = (config, project, env) => run(NODE, [KIT, 'push', '--force', '--config', config], { cwd: project, env });
const ok = (r) => ({ ...r, ok: r.status === 0 });
/** drizzle-kit exits 0 even when it fails: its output is the only evidence. */
const kitOk = (r) => ({ ...r, ok: /Changes applied|No changes detected/.test(r.out) && !/error/i.test(r.out.replace(/Pulling schema/g, '')) });

function project(name, manifest) {
  const dir = join(WORK, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'schema.yaml'), manifest);
  return dir;
}
const dropCache = (dir) => rmSync(join(dir, '.schemagen'), { recursive: true, force: true });

const results = { rows: [], ratios: {} };
const row = (section, what, seconds, extra = '') => results.rows.push({ section, what, seconds, extra });

// 1. validate + generate against the yaml.parse floor, and peak memory.
for (const tables of [20, 200, 2000]) {
  const dir = project(`gen-${tables}`, syntheticManifest({ tables, services: 10 }));
  const floor = await repeat(REPS, 'floor', () =>
    ok(run(NODE, ['--input-type=module', '-e', `import { parse } from ${JSON.stringify(join(ROOT, 'node_modules/yaml/dist/index.js'))}; import { readFileSync } from 'node:fs'; parse(readFileSync('schema.yaml', 'utf8'), { intAsBigInt: true });`], { cwd: dir })),
  );
  let rss = 0;
  const generate = await repeat(REPS, 'generate', () => {
    dropCache(dir);
    rmSync(join(dir, 'generated'), { recursive: true, force: true });
    const r = ok(ours(['generate'], dir));
    rss = Math.max(rss, r.rssMb ?? 0);
    return r;
  });
  const validate = await repeat(REPS, 'validate', () => ok(ours(['validate'], dir)));
  const kb = Math.round(readFileSync(join(dir, 'schema.yaml')).length / 1024);
  row('validate + generate', `${tables} tables (${kb} KB): yaml.parse floor`, floor.median);
  row('validate + generate', `${tables} tables: schemagen validate`, validate.median, `${(validate.median / floor.median).toFixed(2)}× floor`);
  row('validate + generate', `${tables} tables: schemagen generate (validates too)`, generate.median, `${(generate.median / floor.median).toFixed(2)}× floor, peak ${rss.toFixed(0)} MB`);
  if (tables === 2000) Object.assign(results.ratios, { generate2000VsFloor: generate.median / floor.median, generate2000PeakMb: rss });
}

// 2. tsc on generated code against the same schema written by hand (200 tables, 10 services).
{
  const gen = join(WORK, 'gen-200', 'generated');
  const hand = join(WORK, 'tsc-hand');
  rmSync(hand, { recursive: true, force: true });
  mkdirSync(hand, { recursive: true });
  for (const [file, text] of handwrittenSchema({ tables: 200, services: 10 })) writeFileSync(join(hand, file), text);
  const tsconfig = (dir, include) => {
    writeFileSync(join(dir, 'tsconfig.bench.json'), JSON.stringify({ extends: join(ROOT, 'tsconfig.base.json'), compilerOptions: { noEmit: true }, include }));
    return join(dir, 'tsconfig.bench.json');
  };
  const genConfig = tsconfig(gen, ['*/schema.ts']);
  const handConfig = tsconfig(hand, ['*.ts']);
  const g = await repeat(REPS, 'tsc generated', () => ok(run(NODE, [TSC, '-p', genConfig])));
  const h = await repeat(REPS, 'tsc hand-written', () => ok(run(NODE, [TSC, '-p', handConfig])));
  row('type-check (tsc --noEmit, 200 tables)', 'hand-written Drizzle schema', h.median);
  row('type-check (tsc --noEmit, 200 tables)', 'generated schema.ts modules', g.median, `${(g.median / h.median).toFixed(2)}× hand-written`);
  results.ratios.tscVsHandwritten = g.median / h.median;
}

// 3–5. Real PostgreSQL started here.
const server = await startPostgres();
let dbCounter = 0;
const freshDb = async () => {
  const name = `bench_${dbCounter++}`;
  const admin = postgres(server.url(), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  return server.url(name);
};
try {
  const one = project('one-200', syntheticManifest({ tables: 200, services: 1 }));
  ok(ours(['generate'], one));
  const config = 'generated/svc0/drizzle.config.ts';

  const freshOurs = await repeat(KIT_REPS, 'fresh push ours', async () => ok(ours(['push'], one, { DATABASE_URL: await freshDb() })));
  const freshKit = await repeat(KIT_REPS, 'fresh push drizzle-kit', async () => kitOk(kit(config, one, { DATABASE_URL: await freshDb() })));
  row('push one 200-table service, fresh database', 'drizzle-kit push', freshKit.median);
  row('push one 200-table service, fresh database', 'schemagen push', freshOurs.median, `${(freshOurs.median / freshKit.median).toFixed(2)}× drizzle-kit`);
  results.ratios.freshPushVsKit = freshOurs.median / freshKit.median;

  const url = await freshDb();
  ok(ours(['push'], one, { DATABASE_URL: url }));
  const noopOurs = await repeat(REPS, 'no-op push ours', () => ok(ours(['push'], one, { DATABASE_URL: url })));
  const noopVerify = await repeat(REPS, 'no-op verify ours', () => ok(ours(['verify'], one, { DATABASE_URL: url })));
  const noopKit = await repeat(Math.min(KIT_REPS, 2), 'no-op push drizzle-kit', () => kitOk(kit(config, one, { DATABASE_URL: url })));
  row('nothing changed, 200 tables (PostgreSQL)', 'drizzle-kit push', noopKit.median);
  row('nothing changed, 200 tables (PostgreSQL)', 'schemagen push', noopOurs.median, `1/${(noopKit.median / noopOurs.median).toFixed(0)} of drizzle-kit`);
  row('nothing changed, 200 tables (PostgreSQL)', 'schemagen verify', noopVerify.median, `1/${(noopKit.median / noopVerify.median).toFixed(0)} of drizzle-kit`);
  Object.assign(results.ratios, { noopPushVsKit: noopOurs.median / noopKit.median, noopVerifyVsKit: noopVerify.median / noopKit.median });

  // 5. Ten services, each on its own database: ours in parallel against drizzle-kit one by one.
  const ten = project('ten-200', syntheticManifest({ tables: 200, services: 10, crossService: false }));
  ok(ours(['generate'], ten));
  const tenEnv = async () => {
    const env = {};
    for (let s = 0; s < 10; s++) env[`SVC${s}_DATABASE_URL`] = await freshDb();
    return env;
  };
  const tenOurs = await repeat(KIT_REPS, 'ten services ours', async () => ok(ours(['push'], ten, await tenEnv())));
  const tenKit = await repeat(KIT_REPS, 'ten services drizzle-kit', async () => {
    const env = await tenEnv();
    let seconds = 0;
    for (let s = 0; s < 10; s++) {
      const r = kitOk(kit(`generated/svc${s}/drizzle.config.ts`, ten, { DATABASE_URL: env[`SVC${s}_DATABASE_URL`] }));
      if (!r.ok) return r;
      seconds += r.seconds;
    }
    return { seconds, ok: true };
  });
  row('10 services × 20 tables, one database each', 'drizzle-kit push, once per service in turn', tenKit.median);
  row('10 services × 20 tables, one database each', 'schemagen push (databases in parallel)', tenOurs.median, `${(tenKit.median / tenOurs.median).toFixed(2)}× faster`);
  results.ratios.tenServicesSpeedup = tenKit.median / tenOurs.median;
} finally {
  server.stop();
}

// 6. The no-op figures on the embedded database (PGlite).
{
  const lite = project('pglite-200', syntheticManifest({ tables: 200, services: 1 }));
  ok(ours(['generate'], lite));
  ok(ours(['push', '--embedded'], lite));
  const push = await repeat(REPS, 'no-op push pglite', () => ok(ours(['push', '--embedded'], lite)));
  const verify = await repeat(REPS, 'no-op verify pglite', () => ok(ours(['verify', '--embedded'], lite)));
  const kitDir = join(lite, 'kit-pglite');
  writeFileSync(
    join(lite, 'drizzle.pglite.config.ts'),
    `export default { dialect: 'postgresql', driver: 'pglite', schema: './generated/svc0/schema.ts', schemaFilter: ['svc0'], dbCredentials: { url: ${JSON.stringify(kitDir)} } };\n`,
  );
  const pgliteKit = (c) => run(NODE, [KIT, 'push', '--force', '--config', c], { cwd: lite });
  kitOk(pgliteKit('drizzle.pglite.config.ts'));
  const kitNoop = await repeat(Math.min(KIT_REPS, 2), 'no-op push drizzle-kit pglite', () => kitOk(pgliteKit('drizzle.pglite.config.ts')));
  row('nothing changed, 200 tables (PGlite)', 'drizzle-kit push', kitNoop.median);
  row('nothing changed, 200 tables (PGlite)', 'schemagen push', push.median, `1/${(kitNoop.median / push.median).toFixed(0)} of drizzle-kit`);
  row('nothing changed, 200 tables (PGlite)', 'schemagen verify', verify.median, `1/${(kitNoop.median / verify.median).toFixed(0)} of drizzle-kit`);
  Object.assign(results.ratios, { pgliteNoopPushVsKit: push.median / kitNoop.median, pgliteNoopVerifyVsKit: verify.median / kitNoop.median });
}

writeReport(results);
console.log(JSON.stringify(Object.fromEntries(Object.entries(results.ratios).map(([k, v]) => [k, Number(v.toFixed(3))]))));

function writeReport({ rows, ratios }) {
  const pkg = (name) => JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
  const target = (value, pass, text) => `| ${text} | ${value} | ${pass ? 'met' : 'missed'} |`;
  const lines = [
    '# Benchmark results',
    '',
    `Produced by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GB memory, node ${process.versions.node},`,
    `drizzle-kit ${pkg('drizzle-kit')}, drizzle-orm ${pkg('drizzle-orm')}, postgres ${pkg('postgres')}, typescript ${pkg('typescript')}, @electric-sql/pglite ${pkg('@electric-sql/pglite')}.`,
    `Medians of ${REPS} runs (${KIT_REPS} for fresh pushes, 2 for drizzle-kit no-op pushes, which take seconds each). Every command runs as a plain \`node\` process.`,
    '',
    '## Targets',
    '',
    '| target | measured | |',
    '|---|---|---|',
    target(`1/${(1 / ratios.noopPushVsKit).toFixed(0)}`, ratios.noopPushVsKit <= 1 / 25, 'no-op push, 200 tables, ≤ 1/25 of drizzle-kit no-op push'),
    target(`1/${(1 / ratios.noopVerifyVsKit).toFixed(0)}`, ratios.noopVerifyVsKit <= 1 / 25, 'no-op verify, 200 tables, ≤ 1/25 of drizzle-kit no-op push'),
    target(`${ratios.freshPushVsKit.toFixed(2)}×`, ratios.freshPushVsKit <= 1, 'fresh push, 200 tables, no slower than drizzle-kit'),
    target(`${ratios.tenServicesSpeedup.toFixed(2)}×`, ratios.tenServicesSpeedup >= 1.8, '10 services ≥ 1.8× faster than drizzle-kit in turn'),
    target(`${ratios.generate2000VsFloor.toFixed(2)}×, ${ratios.generate2000PeakMb.toFixed(0)} MB`, ratios.generate2000VsFloor <= 2 && ratios.generate2000PeakMb < 300, 'validate + generate 2,000 tables ≤ 2× yaml.parse floor, < 300 MB'),
    target(`${ratios.tscVsHandwritten.toFixed(2)}×`, ratios.tscVsHandwritten <= 1.2, 'tsc on generated code ≤ 1.2× hand-written'),
    target(`1/${(1 / ratios.pgliteNoopPushVsKit).toFixed(0)}, 1/${(1 / ratios.pgliteNoopVerifyVsKit).toFixed(0)}`, ratios.pgliteNoopPushVsKit <= 1 / 25, 'PGlite no-op push / verify ≤ 1/25 of drizzle-kit'),
    '',
    '## Medians',
    '',
    '| measurement | | seconds | |',
    '|---|---|---|---|',
    ...rows.map((r) => `| ${r.section} | ${r.what} | ${r.seconds.toFixed(3)} | ${r.extra} |`),
    '',
  ];
  writeFileSync(join(ROOT, 'bench', 'results.md'), lines.join('\n'));
}
