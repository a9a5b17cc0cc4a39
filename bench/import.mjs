// npm run bench, part 2: `schemagen import` of a 1,000-table database (10 schemas of 100 tables)
// against the floor of the same catalog queries alone (a node process that connects, runs import's
// catalog query and row count, and exits), alternately in one run; then the same for the Chinook
// sample, and its no-op push once adopted against a push's catalog reads. Appends its section to
// bench/results.md (replacing an earlier one) and prints one JSON line. BENCH_REPS sets repetitions.
import { readFileSync, rmSync, mkdirSync } from 'node:fs';
import { writeSection } from './report.mjs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { startPostgres } from '../test/support/postgres-server.mjs';
import { catalogFloorScript, compare, mustPass, run, schemagen, succeeded } from './measure.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const WORK = join(ROOT, 'bench', '.work', 'import');
const BIN = join(ROOT, 'dist', 'cli', 'bin.js');
const CATALOG = join(ROOT, 'dist', 'import', 'catalog.js');
const CONNECTION = join(ROOT, 'dist', 'db', 'connect', 'connection.js');
const REPS = Number(process.env.BENCH_REPS ?? 5);
const SCHEMAS = 10;
const PER_SCHEMA = 100;
const log = (line) => process.stderr.write(`bench: ${line}\n`);

/** Three Django-like base variants, a foreign key to the previous table, an enum, a check, an index, a few rows. */
function databaseSql() {
  const bases = [
    'id uuid primary key default gen_random_uuid(), created_at timestamptz not null default now(), updated_at timestamptz not null default now(), is_deleted boolean not null default false, deleted_at timestamptz',
    'id uuid primary key default gen_random_uuid(), created_at timestamptz not null default now(), updated_at timestamptz not null default now()',
    'id bigserial primary key, created_at timestamptz not null default now(), updated_at timestamptz not null default now()',
  ];
  const out = [];
  for (let s = 0; s < SCHEMAS; s++) {
    out.push(`create schema svc${s}; create type svc${s}.status as enum ('new', 'open', 'closed');`);
    for (let t = 0; t < PER_SCHEMA; t++) {
      const v = t % 3;
      const ref =
        t >= 3 ? `, parent_id ${v === 2 ? 'bigint' : 'uuid'} references svc${s}.t${t - 3} (id) on delete cascade` : '';
      out.push(
        `create table svc${s}.t${t} (${bases[v]}, title_${t} varchar(200) not null, status svc${s}.status not null default 'new',
        amount numeric(10,2) not null default 0 check (amount >= 0), note text${ref});
        create index t${t}_title_idx on svc${s}.t${t} (title_${t}) where deleted_at is null;`.replace(
          'where deleted_at is null',
          v === 0 ? 'where deleted_at is null' : '',
        ),
      );
      if (t < 5) out.push(`insert into svc${s}.t${t} (title_${t}) select 'n' || i from generate_series(1, 50) i;`);
    }
  }
  return out.join('\n');
}

/** The same reads import makes, on the same connections (two sharing one snapshot), and nothing else. */
const importFloor = (url) => {
  const script = `import { readLiveDatabase, countRows } from ${JSON.stringify(CATALOG)};
    import { connectUrl } from ${JSON.stringify(CONNECTION)};
    const db = connectUrl(${JSON.stringify(url)});
    const live = await readLiveDatabase(db); await countRows(db, live.tables); await db.close();`;
  return succeeded(run(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT }));
};

/**
 * The largest sample database the adoption tests load (test/samples/chinook.sql, 11 tables with
 * their rows): `import --strict` against import's catalog reads, then, once push has adopted it, the no-op
 * push against the floor of a push's catalog reads.
 */
async function sampleRows(server) {
  const url = server.url('chinook');
  const admin = postgres(server.url(), { max: 1, onnotice: () => {} });
  await admin.unsafe('create database chinook');
  await admin.end();
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  await sql.unsafe(readFileSync(join(ROOT, 'test', 'samples', 'chinook.sql'), 'utf8'));
  await sql.end();
  const dir = join(WORK, 'chinook');
  mkdirSync(dir, { recursive: true });
  const env = { DATABASE_URL: url };
  log(`import --strict of the Chinook sample vs catalog queries, ${REPS} runs each`);
  const imported = await compare(REPS, {
    floor: () => importFloor(url),
    import: () => schemagen(['import', '--strict', '--out', 'schema.yaml', '--force'], dir, env),
  });
  mustPass(schemagen(['generate'], dir, env), 'generate of the imported sample');
  mustPass(schemagen(['push'], dir, env), 'the push adopting the sample');
  log(`no-op push of the adopted sample vs catalog queries, ${REPS} runs each`);
  const noop = await compare(REPS, {
    floor: () =>
      run(process.execPath, ['--input-type=module', '-e', catalogFloorScript(url, '["app"]')], { cwd: ROOT }),
    push: () => schemagen(['push'], dir, env),
  });
  const row = (what, a, floor) =>
    `| ${what} | ${(a.median / floor.median).toFixed(2)}× (${a.median.toFixed(3)} s vs ${floor.median.toFixed(3)} s) |`;
  return [
    `The Chinook sample (${REPS} alternating runs each), the largest the adoption tests load:`,
    '',
    '| Chinook sample | against its catalog reads alone |',
    '|---|---|',
    row('`import --strict`', imported.import, imported.floor),
    row('no-op push after the adoption', noop.push, noop.floor),
    '',
  ];
}

const server = await startPostgres();
try {
  const url = server.url('imported');
  const admin = postgres(server.url(), { max: 1, onnotice: () => {} });
  await admin.unsafe('create database imported');
  const pgVersion = (await admin.unsafe('show server_version'))[0].server_version;
  await admin.end();
  log(`building ${SCHEMAS * PER_SCHEMA} tables in ${SCHEMAS} schemas`);
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  await sql.unsafe(databaseSql());
  await sql.end();

  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  const loadBefore = loadavg()[0];
  log(`import vs catalog queries, ${REPS} runs each`);
  const m = await compare(REPS, {
    floor: () => importFloor(url),
    import: () =>
      succeeded(
        run(process.execPath, [BIN, 'import', '--url', url, '--out', join(WORK, 'schema.yaml'), '--force'], {
          cwd: WORK,
        }),
      ),
  });
  const manifest = readFileSync(join(WORK, 'schema.yaml'), 'utf8');
  if ((manifest.match(/^ {6}t\d+:$/gm) ?? []).length !== SCHEMAS * PER_SCHEMA)
    throw new Error('the imported manifest does not hold every table');
  const validated = run(process.execPath, [BIN, 'validate'], { cwd: WORK });
  if (validated.status !== 0) throw new Error(`the imported manifest does not validate:\n${validated.out}`);
  const ratio = m.import.median / m.floor.median;
  const section = [
    '## Import',
    '',
    `\`schemagen import\` of ${SCHEMAS * PER_SCHEMA} tables in ${SCHEMAS} schemas (three base variants, a foreign key, enum, check and`,
    'partial index per table, rows in 50 tables) against the floor: a node process that connects and runs the same catalog',
    `query and row count, nothing else. Medians of ${REPS} alternating runs after a warm-up; PostgreSQL ${pgVersion}; load average`,
    `${loadBefore.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end. The imported manifest is checked to hold every table and to validate.`,
    '',
    '| target | measured | |',
    '|---|---|---|',
    `| import of 1,000 tables ≤ 2× the catalog queries alone | ${ratio.toFixed(2)}× (${m.import.median.toFixed(3)} s vs ${m.floor.median.toFixed(3)} s), peak ${m.import.rssMb.toFixed(0)} MB | ${ratio <= 2 ? 'met' : '**missed**'} |`,
    '',
    ...(await sampleRows(server)),
  ].join('\n');
  writeSection('import', section);
  console.log(JSON.stringify({ importVsCatalog: Number(ratio.toFixed(3)) }));
} finally {
  server.stop();
}
