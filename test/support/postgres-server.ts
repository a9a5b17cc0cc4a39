import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throwaway PostgreSQL server for the suite: initdb into a temp folder, start on a free port,
 * stop and delete at the end. Postgres refuses to run as root, so as root it runs as `postgres`.
 */
export interface PostgresServer {
  readonly url: (database?: string) => string;
  readonly stop: () => void;
}

const BIN_DIRS = ['/usr/lib/postgresql/17/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/15/bin', '/usr/local/pgsql/bin'];

function findBin(name: string): string {
  for (const dir of BIN_DIRS) if (existsSync(join(dir, name))) return join(dir, name);
  const which = spawnSync('which', [name], { encoding: 'utf8' });
  if (which.status === 0) return which.stdout.trim();
  throw new Error(`PostgreSQL binary ${name} not found; install PostgreSQL server binaries (initdb, pg_ctl)`);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** With `password`, the server requires it (scram) from user postgres over TCP. */
export async function startPostgres(options: { password?: string } = {}): Promise<PostgresServer> {
  const dir = mkdtempSync(join(tmpdir(), 'schemagen-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const port = await freePort();
  const asRoot = process.getuid?.() === 0;
  const run = (bin: string, args: string[]) => {
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
  run('pg_ctl', ['-D', data, '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`, '-l', join(dir, 'log'), '-w', 'start']);
  return {
    url: (database = 'postgres') =>
      `postgres://postgres${options.password !== undefined ? `:${encodeURIComponent(options.password)}` : ''}@127.0.0.1:${port}/${database}`,
    stop: () => {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
