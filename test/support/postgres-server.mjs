// A throwaway PostgreSQL server for the test suite and the benchmark: initdb into a temp folder,
// start on a free port, stop and delete at the end. Postgres refuses to run as root, so as root it
// runs as `postgres`. Plain JavaScript so the benchmark (plain node) and the tests share it.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN_DIRS = [
  '/usr/lib/postgresql/17/bin',
  '/usr/lib/postgresql/16/bin',
  '/usr/lib/postgresql/15/bin',
  '/usr/local/pgsql/bin',
];

function findBin(name) {
  for (const dir of BIN_DIRS) if (existsSync(join(dir, name))) return join(dir, name);
  const which = spawnSync('which', [name], { encoding: 'utf8' });
  if (which.status === 0) return which.stdout.trim();
  throw new Error(`PostgreSQL binary ${name} not found; install PostgreSQL server binaries (initdb, pg_ctl)`);
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** With `password`, the server requires it (scram) from user postgres over TCP. */
export async function startPostgres(options = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'schemagen-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const port = await freePort();
  const asRoot = process.getuid?.() === 0;
  const run = (bin, args) => {
    const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', findBin(bin), ...args]] : [findBin(bin), args];
    execFileSync(cmd, argv, { stdio: 'pipe' });
  };
  const auth = ['-A', 'trust'];
  if (options.password !== undefined) {
    writeFileSync(join(dir, 'pw'), options.password);
    chmodSync(join(dir, 'pw'), 0o644);
    auth.splice(0, 2, '--auth-host=scram-sha-256', '--auth-local=trust', `--pwfile=${join(dir, 'pw')}`);
  }
  run('initdb', ['-D', data, ...auth, '-U', 'postgres', '--no-sync']);
  run('pg_ctl', [
    '-D',
    data,
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`,
    '-l',
    join(dir, 'log'),
    '-w',
    'start',
  ]);
  const secret = options.password !== undefined ? `:${encodeURIComponent(options.password)}` : '';
  return {
    url: (database = 'postgres') => `postgres://postgres${secret}@127.0.0.1:${port}/${database}`,
    stop: () => {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
