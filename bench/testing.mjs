// npm run bench, part 3: what a test pays for createTestDatabase (drizzle-schemagen/testing), on embedded PGlite
// and on PostgreSQL, against the floors it is built on. Uses the repository's manifest (6 services) and its
// generated modules (transpiled to JavaScript). Replaces its section of bench/results.md and prints one JSON line.
// BENCH_REPS sets the repetitions of the per-process measurements; isolated tests run 10× as many.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import postgres from 'postgres';
import ts from 'typescript';
import { startPostgres } from '../test/support/postgres-server.mjs';
import { median } from './measure.mjs';
import { writeSection } from './report.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const WORK = join(ROOT, 'bench', '.work', 'testing');
const TESTING = pathToFileURL(join(ROOT, 'dist', 'testing', 'index.js')).href;
const REPS = Number(process.env.BENCH_REPS ?? 5);
const TESTS = REPS * 10;
const log = (line) => process.stderr.write(`bench: ${line}\n`);
const ms = (s) => `${(s * 1000).toFixed(1)} ms`;

/** A project folder with the repository's manifest and its generated modules as JavaScript. */
function project() {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  copyFileSync(join(ROOT, 'schema.yaml'), join(WORK, 'schema.yaml'));
  writeFileSync(join(WORK, 'package.json'), '{ "type": "module" }\n');
  for (const service of readdirSync(join(ROOT, 'generated'), { withFileTypes: true }).filter((e) => e.isDirectory())) {
    mkdirSync(join(WORK, 'generated', service.name), { recursive: true });
    // Every module index.ts may import (soft-delete.ts where a table has the pair); not the drizzle-kit config.
    const modules = readdirSync(join(ROOT, 'generated', service.name)).filter(
      (f) => f.endsWith('.ts') && f !== 'drizzle.config.ts',
    );
    for (const file of modules) {
      const source = readFileSync(join(ROOT, 'generated', service.name, file), 'utf8');
      const { outputText } = ts.transpileModule(source, {
        compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
      });
      writeFileSync(join(WORK, 'generated', service.name, file.replace(/\.ts$/, '.js')), outputText);
    }
  }
}

const seconds = async (fn) => {
  const started = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - started) / 1e9;
};

/** What a typical test does: two inserts across services and one relational read. */
async function workload(db, auth, user, n) {
  const [account] = await db.auth
    .insert(auth.accounts)
    .values({ email: `u${n}@example.com`, passwordHash: 'x' })
    .returning();
  await db.user.insert(user.profiles).values({ accountId: account.id, firstName: 'Ada', lastName: 'Lovelace' });
  const found = await db.user.query.profiles.findFirst({
    where: (p, { eq }) => eq(p.accountId, account.id),
    with: { account: true },
  });
  if (found?.account.email !== `u${n}@example.com`) throw new Error('the workload read back something else');
}

/** Seconds until a new process has its first test database, with or without the dump from an earlier one. */
function firstInProcess() {
  const script = `const { createTestDatabase } = await import(${JSON.stringify(TESTING)});
    const started = performance.now(); const t = await createTestDatabase(); await t.query('select 1');
    console.log(performance.now() - started); await t.close(); process.exit(0);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: WORK, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`first test database failed:\n${r.stdout}${r.stderr}`);
  return Number(r.stdout.trim()) / 1000;
}

const loadBefore = loadavg()[0];
project();
process.chdir(WORK);
const { createTestDatabase, closeTestDatabases } = await import(TESTING);
const auth = await import(pathToFileURL(join(WORK, 'generated', 'auth', 'index.js')).href);
const user = await import(pathToFileURL(join(WORK, 'generated', 'user', 'index.js')).href);
const schemas = { auth, user };

// PGlite: the first database of a process (pushed, or loaded from the kept dump), then one per test.
log('PGlite: first test database, nothing kept (push into a fresh instance)');
const cold = firstInProcess();
log(`PGlite: first test database of a process, from the kept dump, ${REPS} processes`);
const warm = median(Array.from({ length: REPS }, firstInProcess));
log(`PGlite: ${TESTS} isolated tests in one process, against the same work on a bare instance`);
await (await createTestDatabase({ schemas })).close();
const isolated = [];
const bareRuns = [];
const { PGlite } = await import('@electric-sql/pglite');
const { drizzle } = await import('drizzle-orm/pglite');
const freshSeconds = await seconds(async () => (await PGlite.create()).close());
const kept = readdirSync(join(WORK, '.schemagen', 'testing')).filter((f) => f.endsWith('.tar.gz'));
if (kept.length !== 1) throw new Error(`expected one kept dump, found ${kept.join(', ')}`);
const keptDump = readFileSync(join(WORK, '.schemagen', 'testing', kept[0]));
let loaded;
const loadSeconds = await seconds(async () => {
  loaded = await PGlite.create({ loadDataDir: new Blob([keptDump], { type: 'application/x-gzip' }) });
});
const bare = {
  auth: drizzle({ client: loaded, schema: auth.schema }),
  user: drizzle({ client: loaded, schema: user.schema }),
};
for (let i = 0; i < TESTS; i++) {
  isolated.push(
    await seconds(async () => {
      const t = await createTestDatabase({ schemas });
      await workload(t.db, auth, user, i);
      await t.close();
    }),
  );
  bareRuns.push(await seconds(() => workload(bare, auth, user, i)));
}
await loaded.close();
await closeTestDatabases();
const pglite = { isolated: median(isolated), bare: median(bareRuns) };

// PostgreSQL: a database per call, against CREATE DATABASE … TEMPLATE alone on the same server and template.
const server = await startPostgres();
let pg;
try {
  const url = server.url();
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  const version = (await admin.unsafe('show server_version'))[0].server_version;
  log('PostgreSQL: building the template');
  const templateSeconds = await seconds(async () => (await createTestDatabase({ url, schemas })).close());
  const [{ datname }] = await admin.unsafe("select datname from pg_database where datname like 'schemagen_template_%'");
  const ready = [];
  const closing = [];
  const floor = [];
  const drops = [];
  log(`PostgreSQL: ${TESTS} calls, alternating with CREATE DATABASE … TEMPLATE`);
  for (let i = 0; i < TESTS; i++) {
    let t;
    ready.push(
      await seconds(async () => {
        t = await createTestDatabase({ url, schemas });
        await t.query('select 1');
      }),
    );
    await workload(t.db, auth, user, i);
    closing.push(await seconds(() => t.close()));
    floor.push(await seconds(() => admin.unsafe(`create database floor_${i} template "${datname}"`)));
    drops.push(await seconds(() => admin.unsafe(`drop database floor_${i}`)));
  }
  await admin.end();
  pg = {
    version,
    templateSeconds,
    ready: median(ready),
    cycle: median(ready.map((r, i) => r + closing[i])),
    close: median(closing),
    floor: median(floor),
    drop: median(drops),
  };
} finally {
  server.stop();
}

const loadAfter = loadavg()[0];
const pgRatio = pg.ready / pg.floor;
const cycleRatio = pg.cycle / (pg.floor + pg.drop);
const met = (ok) => (ok ? 'met' : '**missed**');
const section = [
  '## Test databases (`drizzle-schemagen/testing`)',
  '',
  `\`createTestDatabase({ schemas: { auth, user } })\` on the repository's manifest (6 services, 12 tables pushed), in one`,
  `node process. Each test inserts an account and a profile and reads the profile back with its account (a relational`,
  `query), then closes. Medians of ${TESTS} tests, and of ${REPS} processes for the first database of a process;`,
  `@electric-sql/pglite ${pgliteVersion()}, PostgreSQL ${pg.version} (fsync=off); load average ${loadBefore.toFixed(1)} at the start,`,
  `${loadAfter.toFixed(1)} at the end (2 cores).`,
  '',
  '| target | measured | |',
  '|---|---|---|',
  `| PGlite: ≤ 50 ms per isolated test after the first | ${ms(pglite.isolated)} (${(pglite.isolated / pglite.bare).toFixed(2)}× the same work on a bare instance, ${ms(pglite.bare)}) | ${met(pglite.isolated <= 0.05)} |`,
  `| PostgreSQL: a fresh database per call ≤ 2× \`CREATE DATABASE … TEMPLATE\` | ${pgRatio.toFixed(2)}× (${ms(pg.ready)} until the first query answers vs ${ms(pg.floor)}) | ${met(pgRatio <= 2)} |`,
  '',
  '| measurement | seconds | |',
  '|---|---|---|',
  `| PGlite: a fresh in-memory instance (initdb) | ${freshSeconds.toFixed(3)} | once |`,
  `| PGlite: an instance loaded from the kept dump | ${loadSeconds.toFixed(3)} | once |`,
  `| PGlite: first test database, nothing kept (fresh instance + push of 6 services + dump) | ${cold.toFixed(3)} | once per manifest and project |`,
  `| PGlite: first test database of a process (a test file), from the dump in \`.schemagen/testing/\` | ${warm.toFixed(3)} | ${(warm / loadSeconds).toFixed(2)}× loading the dump alone |`,
  `| PGlite: one isolated test after the first (take an instance, BEGIN, work, ROLLBACK) | ${pglite.isolated.toFixed(4)} | |`,
  `| PGlite: the same work on a bare instance, nothing rolled back | ${pglite.bare.toFixed(4)} | |`,
  `| PostgreSQL: first call, template built (push of 6 services) | ${pg.templateSeconds.toFixed(3)} | once per manifest and server |`,
  `| PostgreSQL: \`CREATE DATABASE … TEMPLATE\` alone | ${pg.floor.toFixed(4)} | |`,
  `| PostgreSQL: \`DROP DATABASE\` alone | ${pg.drop.toFixed(4)} | |`,
  `| PostgreSQL: createTestDatabase until its first query answers | ${pg.ready.toFixed(4)} | ${pgRatio.toFixed(2)}× CREATE DATABASE |`,
  `| PostgreSQL: close (client ends, database dropped) | ${pg.close.toFixed(4)} | |`,
  `| PostgreSQL: whole cycle, createTestDatabase to close | ${pg.cycle.toFixed(4)} | ${cycleRatio.toFixed(2)}× CREATE + DROP DATABASE |`,
].join('\n');
writeSection('testing', section);
console.log(
  JSON.stringify({
    pgliteIsolatedMs: Number((pglite.isolated * 1000).toFixed(1)),
    postgresVsCreateDatabase: Number(pgRatio.toFixed(2)),
  }),
);

function pgliteVersion() {
  return JSON.parse(readFileSync(join(ROOT, 'node_modules', '@electric-sql', 'pglite', 'package.json'), 'utf8'))
    .version;
}
