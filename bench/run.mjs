// npm run bench: drizzle-schemagen against drizzle-kit and the yaml.parse floor, side by side in one
// run, every command a plain `node` process. Writes bench/results.md and prints one JSON line of
// ratios. Not part of npm test. BENCH_REPS (default 5) and BENCH_KIT_NOOP_REPS (default 2) set repetitions.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { writeSection } from './report.mjs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { startPostgres } from '../test/support/postgres-server.mjs';
import { handwrittenSchema } from './handwritten.mjs';
import { benchProject, compare, mustPass, run, schemagen, succeeded } from './measure.mjs';
import { syntheticManifest } from './synthetic.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const WORK = join(ROOT, 'bench', '.work');
const NODE = process.execPath;
const KIT = join(ROOT, 'node_modules', 'drizzle-kit', 'bin.cjs');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const YAML = join(ROOT, 'node_modules', 'yaml', 'dist', 'index.js');
const REPS = Number(process.env.BENCH_REPS ?? 5);
const KIT_NOOP_REPS = Number(process.env.BENCH_KIT_NOOP_REPS ?? 2);
const log = (line) => process.stderr.write(`bench: ${line}\n`);

const kit = (config, cwd, env = {}) => run(NODE, [KIT, 'push', '--force', '--config', config], { cwd, env });
/** drizzle-kit exits 0 even when it fails: its output is the first evidence, the catalog the second. */
function kitOk(r, expect) {
  const text = r.out.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
  const done = expect === 'nothing' ? /No changes detected/.test(text) : /Changes applied/.test(text);
  return { ...r, ok: done && !/error|exception|abort/i.test(text), out: text };
}
const project = (name, manifest) => benchProject(join(WORK, name), manifest);

/** Tables, columns (type, null, default), constraints, indexes and enums of one schema, as sorted text lines. */
const SIGNATURE_SQL = `
select string_agg(x, E'\\n' order by x) as sig from (
  select format('column %s.%s %s %s %s', c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid)) as x
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
    left join pg_attrdef d on d.adrelid = c.oid and d.adnum = a.attnum
   where n.nspname = $1 and c.relkind = 'r'
  union all
  select format('constraint %s %s', k.conname, pg_get_constraintdef(k.oid)) from pg_constraint k join pg_namespace n on n.oid = k.connamespace where n.nspname = $1
  union all
  select format('index %s', pg_get_indexdef(c.oid)) from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1 and c.relkind = 'i'
  union all
  select format('enum %s %s', t.typname, (select string_agg(e.enumlabel, ',' order by e.enumsortorder) from pg_enum e where e.enumtypid = t.oid))
    from pg_type t join pg_namespace n on n.oid = t.typnamespace where n.nspname = $1 and t.typtype = 'e'
) s`;

const results = { rows: [], ratios: {}, notes: [] };
const row = (section, what, seconds, extra = '') => results.rows.push({ section, what, seconds, extra });
const loadBefore = loadavg()[0];

// 1. validate and generate (each parses the manifest) against a process that only parses it.
for (const tables of [20, 200, 2000]) {
  log(`validate + generate, ${tables} tables`);
  const dir = project(`gen-${tables}`, syntheticManifest({ tables, services: 10 }));
  const floorScript = `import { parse } from ${JSON.stringify(YAML)}; import { readFileSync } from 'node:fs'; parse(readFileSync('schema.yaml', 'utf8'), { intAsBigInt: true });`;
  const m = await compare(REPS, {
    floor: () => succeeded(run(NODE, ['--input-type=module', '-e', floorScript], { cwd: dir })),
    validate: () => schemagen(['validate'], dir),
    generate: () => {
      // No model cache and no output: generate parses, validates, renders and writes everything.
      rmSync(join(dir, '.schemagen'), { recursive: true, force: true });
      rmSync(join(dir, 'generated'), { recursive: true, force: true });
      return schemagen(['generate'], dir);
    },
  });
  const kb = Math.round(readFileSync(join(dir, 'schema.yaml')).length / 1024);
  const vs = (x) => `${(x.median / m.floor.median).toFixed(2)}× floor, peak ${x.rssMb.toFixed(0)} MB`;
  row(
    'validate + generate',
    `${tables} tables (${kb} KB): node + yaml.parse floor`,
    m.floor.median,
    `peak ${m.floor.rssMb.toFixed(0)} MB`,
  );
  row('validate + generate', `${tables} tables: schemagen validate`, m.validate.median, vs(m.validate));
  row('validate + generate', `${tables} tables: schemagen generate`, m.generate.median, vs(m.generate));
  if (tables === 2000) {
    Object.assign(results.ratios, {
      validate2000VsFloor: m.validate.median / m.floor.median,
      generate2000VsFloor: m.generate.median / m.floor.median,
      peakMb2000: Math.max(m.validate.rssMb, m.generate.rssMb),
    });
  }
}

// 2. tsc on the generated schema modules against the same schema written by hand (200 tables, 10 services).
{
  log('tsc');
  const gen = join(WORK, 'gen-200', 'generated');
  const hand = join(WORK, 'tsc-hand');
  rmSync(hand, { recursive: true, force: true });
  mkdirSync(hand, { recursive: true });
  for (const [file, text] of handwrittenSchema({ tables: 200, services: 10 })) writeFileSync(join(hand, file), text);
  const tsconfig = (dir, name, include) => {
    writeFileSync(
      join(dir, name),
      JSON.stringify({ extends: join(ROOT, 'tsconfig.base.json'), compilerOptions: { noEmit: true }, include }),
    );
    return join(dir, name);
  };
  const tsc = (config) => () => succeeded(run(NODE, [TSC, '-p', config]));
  const m = await compare(REPS, {
    hand: tsc(tsconfig(hand, 'tsconfig.bench.json', ['*.ts'])),
    schemas: tsc(tsconfig(gen, 'tsconfig.bench.json', ['*/schema.ts'])),
    everything: tsc(tsconfig(gen, 'tsconfig.all.json', ['*/*.ts'])),
  });
  const section = 'type-check (tsc --noEmit, 200 tables in 10 services)';
  row(section, 'hand-written Drizzle schema (10 modules)', m.hand.median);
  row(
    section,
    'generated schema.ts modules (same tables)',
    m.schemas.median,
    `${(m.schemas.median / m.hand.median).toFixed(2)}× hand-written`,
  );
  row(
    section,
    'everything generated (schema, relations, types, db, index, config)',
    m.everything.median,
    `${(m.everything.median / m.hand.median).toFixed(2)}× hand-written (not comparable: more code)`,
  );
  results.ratios.tscVsHandwritten = m.schemas.median / m.hand.median;
}

// 3–5 on a real PostgreSQL started here; every fresh push gets a database of its own.
const server = await startPostgres();
let dbCounter = 0;
const admin = postgres(server.url(), { max: 1, onnotice: () => {} });
const freshDb = async () => {
  const name = `bench_${dbCounter++}`;
  await admin.unsafe(`create database ${name}`);
  return server.url(name);
};
const [{ server_version: pgVersion }] = await admin.unsafe('show server_version');
async function signature(url, schema) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql.unsafe(SIGNATURE_SQL, [schema]);
    return row.sig ?? '';
  } finally {
    await sql.end();
  }
}
try {
  // 3. A fresh push of one 200-table service.
  log('fresh push');
  const one = project('one-200', syntheticManifest({ tables: 200, services: 1 }));
  mustPass(schemagen(['generate'], one), 'generate');
  const config = 'generated/svc0/drizzle.config.ts';
  let reference;
  const fresh = await compare(REPS, {
    ours: async () => {
      const url = await freshDb();
      const r = schemagen(['push'], one, { DATABASE_URL: url });
      if (r.ok) mustPass(schemagen(['verify'], one, { DATABASE_URL: url }), 'verify after our push');
      reference ??= await signature(url, 'svc0');
      return r;
    },
    kit: async () => {
      const url = await freshDb();
      const r = kitOk(kit(config, one, { DATABASE_URL: url }));
      if (r.ok) {
        mustPass(schemagen(['verify'], one, { DATABASE_URL: url }), 'verify after drizzle-kit push');
        if ((await signature(url, 'svc0')) !== reference)
          throw new Error('drizzle-kit built a different schema than schemagen push');
      }
      return r;
    },
  });
  const freshSection = 'push one 200-table service, fresh database';
  row(freshSection, 'drizzle-kit push --force', fresh.kit.median);
  row(
    freshSection,
    'schemagen push',
    fresh.ours.median,
    `${(fresh.ours.median / fresh.kit.median).toFixed(2)}× drizzle-kit`,
  );
  results.ratios.freshPushVsKit = fresh.ours.median / fresh.kit.median;

  // 4. Nothing changed: the same database again and again.
  log('no-op push and verify (PostgreSQL)');
  const url = await freshDb();
  mustPass(schemagen(['push'], one, { DATABASE_URL: url }), 'push');
  const noop = await compare(REPS, {
    push: () => schemagen(['push'], one, { DATABASE_URL: url }),
    verify: () => schemagen(['verify'], one, { DATABASE_URL: url }),
  });
  const noopKit = await compare(
    KIT_NOOP_REPS,
    { kit: () => kitOk(kit(config, one, { DATABASE_URL: url }), 'nothing') },
    { warmup: false },
  );
  mustPass(schemagen(['verify'], one, { DATABASE_URL: url }), 'verify after drizzle-kit no-op push');
  if ((await signature(url, 'svc0')) !== reference) throw new Error('drizzle-kit changed the schema on a no-op push');
  const noopSection = 'nothing changed, one 200-table service (PostgreSQL)';
  row(noopSection, 'drizzle-kit push --force', noopKit.kit.median, `${KIT_NOOP_REPS} runs`);
  row(
    noopSection,
    'schemagen push',
    noop.push.median,
    `1/${(noopKit.kit.median / noop.push.median).toFixed(0)} of drizzle-kit`,
  );
  row(
    noopSection,
    'schemagen verify',
    noop.verify.median,
    `1/${(noopKit.kit.median / noop.verify.median).toFixed(0)} of drizzle-kit push`,
  );
  Object.assign(results.ratios, {
    noopPushVsKit: noop.push.median / noopKit.kit.median,
    noopVerifyVsKit: noop.verify.median / noopKit.kit.median,
  });

  // 5. The 200 tables over 10 services, each service on a database of its own. A foreign key cannot
  // cross databases, so this set has no cross-service references (schemagen refuses them).
  log('ten services');
  const ten = project('ten-200', syntheticManifest({ tables: 200, services: 10, crossService: false }));
  mustPass(schemagen(['generate'], ten), 'generate');
  const services = Array.from({ length: 10 }, (_, s) => `svc${s}`);
  const tenEnv = async () =>
    Object.fromEntries(
      await Promise.all(services.map(async (s) => [`${s.toUpperCase()}_DATABASE_URL`, await freshDb()])),
    );
  let tenReference;
  const tenSignatures = (env) => Promise.all(services.map((s) => signature(env[`${s.toUpperCase()}_DATABASE_URL`], s)));
  const tenResult = await compare(REPS, {
    ours: async () => {
      const env = await tenEnv();
      const r = schemagen(['push'], ten, env);
      if (r.ok) mustPass(schemagen(['verify'], ten, env), 'verify after our ten-service push');
      tenReference ??= JSON.stringify(await tenSignatures(env));
      return r;
    },
    kit: async () => {
      const env = await tenEnv();
      let seconds = 0;
      for (const s of services) {
        const r = kitOk(kit(`generated/${s}/drizzle.config.ts`, ten, env));
        if (!r.ok) return r;
        seconds += r.seconds;
      }
      mustPass(schemagen(['verify'], ten, env), 'verify after drizzle-kit ten-service push');
      if (JSON.stringify(await tenSignatures(env)) !== tenReference)
        throw new Error('drizzle-kit built different schemas than schemagen push');
      return { seconds, ok: true };
    },
  });
  const tenSection = '10 services × 20 tables, one database each';
  row(tenSection, 'drizzle-kit push --force, once per service in turn', tenResult.kit.median);
  row(
    tenSection,
    'schemagen push (all services, databases in parallel)',
    tenResult.ours.median,
    `${(tenResult.kit.median / tenResult.ours.median).toFixed(2)}× faster`,
  );
  results.ratios.tenServicesSpeedup = tenResult.kit.median / tenResult.ours.median;
} finally {
  await admin.end();
  server.stop();
}

// 6. The no-op figures on the embedded database (PGlite). drizzle-kit gets a PGlite config of its own,
// pointing at another project's embedded folder so that `schemagen verify --embedded` there checks its work.
{
  log('PGlite');
  const manifest = syntheticManifest({ tables: 200, services: 1 });
  const lite = project('pglite-ours', manifest);
  const kitProject = project('pglite-kit', manifest);
  for (const dir of [lite, kitProject]) mustPass(schemagen(['generate'], dir), 'generate');
  mustPass(schemagen(['push', '--embedded'], lite), 'push --embedded');
  mustPass(schemagen(['verify', '--embedded'], lite), 'verify --embedded');
  const state = join(lite, '.schemagen', 'pglite-verified.json');
  const m = await compare(REPS, {
    push: () => schemagen(['push', '--embedded'], lite),
    verify: () => schemagen(['verify', '--embedded'], lite),
    // Without the record of the last match, both open PGlite and compare its catalog.
    pushOpen: () => (rmSync(state, { force: true }), schemagen(['push', '--embedded'], lite)),
    verifyOpen: () => (rmSync(state, { force: true }), schemagen(['verify', '--embedded'], lite)),
  });
  const kitConfig = join(kitProject, 'drizzle.pglite.config.ts');
  const kitDir = join(kitProject, '.schemagen', 'pglite');
  mkdirSync(kitDir, { recursive: true });
  writeFileSync(
    kitConfig,
    `export default { dialect: 'postgresql', driver: 'pglite', schema: './generated/svc0/schema.ts', schemaFilter: ['svc0'], dbCredentials: { url: ${JSON.stringify(kitDir)} } };\n`,
  );
  const first = kitOk(kit(kitConfig, kitProject));
  if (!first.ok) throw new Error(`drizzle-kit push on PGlite failed:\n${first.out}`);
  mustPass(schemagen(['verify', '--embedded'], kitProject), 'verify after drizzle-kit push on PGlite');
  const kitNoop = await compare(
    KIT_NOOP_REPS,
    { kit: () => kitOk(kit(kitConfig, kitProject), 'nothing') },
    { warmup: false },
  );
  mustPass(schemagen(['verify', '--embedded'], kitProject), 'verify after drizzle-kit no-op push on PGlite');
  const section = 'nothing changed, one 200-table service (PGlite)';
  const of = (x) => `1/${(kitNoop.kit.median / x.median).toFixed(0)} of drizzle-kit push`;
  row(section, 'drizzle-kit push --force (driver pglite)', kitNoop.kit.median, `${KIT_NOOP_REPS} runs`);
  row(section, 'schemagen push --embedded', m.push.median, of(m.push));
  row(section, 'schemagen verify --embedded', m.verify.median, of(m.verify));
  row(section, 'schemagen push --embedded, match not recorded (opens PGlite)', m.pushOpen.median, of(m.pushOpen));
  row(section, 'schemagen verify --embedded, match not recorded (opens PGlite)', m.verifyOpen.median, of(m.verifyOpen));
  Object.assign(results.ratios, {
    pgliteNoopPushVsKit: m.push.median / kitNoop.kit.median,
    pgliteNoopVerifyVsKit: m.verify.median / kitNoop.kit.median,
    pgliteOpenNoopPushVsKit: m.pushOpen.median / kitNoop.kit.median,
    pgliteOpenNoopVerifyVsKit: m.verifyOpen.median / kitNoop.kit.median,
  });
}

results.env = { pgVersion, loadBefore, loadAfter: loadavg()[0] };
writeReport(results);
console.log(
  JSON.stringify(Object.fromEntries(Object.entries(results.ratios).map(([k, v]) => [k, Number(v.toFixed(3))]))),
);

function writeReport({ rows, ratios, env }) {
  const pkg = (name) => JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
  const frac = (x) => `1/${(1 / x).toFixed(0)}`;
  const targets = [
    [
      'validate and generate, 2,000 tables: ≤ 2× the yaml.parse floor, peak < 300 MB',
      `${ratios.validate2000VsFloor.toFixed(2)}× / ${ratios.generate2000VsFloor.toFixed(2)}×, ${ratios.peakMb2000.toFixed(0)} MB`,
      Math.max(ratios.validate2000VsFloor, ratios.generate2000VsFloor) <= 2 && ratios.peakMb2000 < 300,
    ],
    [
      'tsc on the generated schema modules ≤ 1.2× hand-written',
      `${ratios.tscVsHandwritten.toFixed(2)}×`,
      ratios.tscVsHandwritten <= 1.2,
    ],
    [
      'fresh push of a 200-table service ≤ drizzle-kit push',
      `${ratios.freshPushVsKit.toFixed(2)}×`,
      ratios.freshPushVsKit <= 1,
    ],
    ['no-op push ≤ 1/25 of drizzle-kit no-op push', frac(ratios.noopPushVsKit), ratios.noopPushVsKit <= 1 / 25],
    ['no-op verify ≤ 1/25 of drizzle-kit no-op push', frac(ratios.noopVerifyVsKit), ratios.noopVerifyVsKit <= 1 / 25],
    [
      '10 services on 10 databases ≥ 1.8× faster than drizzle-kit per service in turn',
      `${ratios.tenServicesSpeedup.toFixed(2)}×`,
      ratios.tenServicesSpeedup >= 1.8,
    ],
    [
      'PGlite no-op push ≤ 1/25 of drizzle-kit (PGlite)',
      frac(ratios.pgliteNoopPushVsKit),
      ratios.pgliteNoopPushVsKit <= 1 / 25,
    ],
    [
      'PGlite no-op verify ≤ 1/25 of drizzle-kit (PGlite)',
      frac(ratios.pgliteNoopVerifyVsKit),
      ratios.pgliteNoopVerifyVsKit <= 1 / 25,
    ],
  ];
  const lines = [
    '',
    `Produced by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} cores (${cpus()[0]?.model.trim()}), ${(totalmem() / 2 ** 30).toFixed(1)} GB memory,`,
    `node ${process.versions.node}, drizzle-kit ${pkg('drizzle-kit')}, drizzle-orm ${pkg('drizzle-orm')}, postgres (driver) ${pkg('postgres')}, PostgreSQL ${env.pgVersion},`,
    `typescript ${pkg('typescript')}, @electric-sql/pglite ${pkg('@electric-sql/pglite')}, yaml ${pkg('yaml')}. Load average ${env.loadBefore.toFixed(1)} at the start, ${env.loadAfter.toFixed(1)} at the end.`,
    '',
    `Medians of ${REPS} runs, except drizzle-kit's no-op pushes (${KIT_NOOP_REPS} runs: 10–20 s each). Every command is a plain \`node\` process`,
    'timed from spawn to exit; contenders run alternately (a, b, a, b, …) after one untimed warm-up run each, so load from',
    'elsewhere on the machine hits both alike. Peak memory is the maximum RSS (GNU time). Each drizzle-kit run is checked',
    "by its output (it exits 0 even when it fails) and by the resulting catalog: `schemagen verify` passes on drizzle-kit's",
    'database and its schema matches the one schemagen push built. Every schemagen push is followed by a passing verify.',
    'The PostgreSQL server runs locally with fsync=off, for both tools alike.',
    '',
    '## Targets',
    '',
    '| target | measured | |',
    '|---|---|---|',
    ...targets.map(([text, value, pass]) => `| ${text} | ${value} | ${pass ? 'met' : '**missed**'} |`),
    '',
    '## Medians',
    '',
    '| measurement | | seconds | |',
    '|---|---|---|---|',
    ...rows.map((r) => `| ${r.section} | ${r.what} | ${r.seconds.toFixed(3)} | ${r.extra} |`),
    '',
  ];
  writeSection('main', lines.join('\n'));
}
