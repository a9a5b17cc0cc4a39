import { mkdirSync } from 'node:fs';
import type { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { inSharedSnapshot } from './shared-snapshot.js';
import { pgliteExtensions } from './pglite-extensions.js';
import { underSavepoint, type Db, type Queryable } from './queryable.js';

export const CONNECT_TIMEOUT_SECONDS = 10;

/** `postgres://user:***@host:port/db`: a URL safe for output. */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1***@');
  }
}

/** Removes a URL's password from any text (driver errors sometimes echo parts of it). */
export function scrubSecrets(text: string, urls: readonly string[]): string {
  let out = text;
  for (const url of urls) {
    try {
      const password = decodeURIComponent(new URL(url).password);
      if (password) out = out.split(password).join('***');
      out = out.split(url).join(maskUrl(url));
    } catch {
      /* not a URL: nothing to scrub */
    }
  }
  return out;
}

/** drizzle-kit's statements end with `;` or not; each gets exactly one. */
const joinStatements = (statements: readonly string[]) =>
  statements.map((s) => `${s.trim().replace(/;$/, '')};`).join('\n');

/**
 * Session settings sent at startup. Manifest text reaches statements as '...' literals (comments,
 * defaults, checks, passwords) quoted by doubling '; a server with standard_conforming_strings off
 * would read a backslash before a quote as an escape and end the literal elsewhere.
 */
const SESSION = { application_name: 'schemagen', standard_conforming_strings: 'on' };

/**
 * postgres-js parses the URL when constructed; its messages ("Invalid URL", "URI malformed") say
 * neither where nor why.
 */
function open(url: string, options: postgres.Options<Record<string, postgres.PostgresType>>): postgres.Sql {
  try {
    return postgres(url, options);
  } catch (err) {
    throw new Error(
      `the database URL cannot be parsed (${(err as Error).message}); percent-encode ` +
        `characters such as @ : / ? # % in the user name and password`,
    );
  }
}

/**
 * `max`: the pool's connections (a fleet push of many tenants at once opens one per tenant at work).
 * `oneReader`: reads run on one connection in one snapshot, and only that one is opened up front: for
 * a database whose catalog read is small (one tenant's database among a hundred), a second backend
 * costs more than it saves.
 */
export function connectUrl(url: string, max = 4, oneReader = false): Db {
  const sql = open(url, {
    max,
    connect_timeout: CONNECT_TIMEOUT_SECONDS,
    idle_timeout: 5,
    onnotice: () => {},
    prepare: false,
    // Asking the server for its array types costs each new connection a query over pg_type (tens of
    // ms on a database of thousands of tables); statements here pass and read lists as JSON instead.
    fetch_types: false,
    connection: SESSION,
  });
  // connect_timeout ends at the TCP handshake; a peer that accepts and never answers would hang.
  let ready: Promise<unknown> | undefined;
  const connected = () =>
    (ready ??= new Promise((resolve, reject) => {
      const { hostname, port } = new URL(url);
      const timer = setTimeout(() => {
        reject(new Error(`no answer from ${hostname}:${port || 5432} within ${CONNECT_TIMEOUT_SECONDS} s`));
        void sql.end({ timeout: 0 });
      }, CONNECT_TIMEOUT_SECONDS * 1000);
      // Two connections: a catalog read (readOnly) needs both, and they open in one round of handshakes.
      Promise.all(oneReader ? [sql.unsafe('select 1')] : [sql.unsafe('select 1'), sql.unsafe('select 1')])
        .then(resolve, reject)
        .finally(() => clearTimeout(timer));
    }));
  const run =
    (q: postgres.Sql | postgres.TransactionSql) =>
    async <T>(text: string, params: readonly unknown[] = []) =>
      (await q.unsafe(text, params as postgres.ParameterOrJSON<never>[])) as unknown as T[];
  const batch = (q: postgres.Sql | postgres.TransactionSql) => async (statements: readonly string[]) => {
    if (statements.length > 0) await q.unsafe(joinStatements(statements)).simple();
  };
  return {
    label: maskUrl(url),
    embedded: false,
    query: async (text, params) => {
      await connected();
      return run(sql)(text, params);
    },
    transaction: async (fn) => {
      await connected();
      // postgres-js fails a whole transaction after any failed query unless it ran in its own savepoint scope.
      const scoped = (tx: postgres.TransactionSql): Queryable => ({
        query: run(tx),
        batch: batch(tx),
        savepoint: async (inner) => (await tx.savepoint((s) => inner(scoped(s)))) as never,
      });
      return (await sql.begin((tx) => fn(scoped(tx)))) as never;
    },
    readOnly: async (fn) => {
      await connected();
      if (!oneReader) return inSharedSnapshot(sql, fn);
      return (await sql.begin('isolation level repeatable read read only', (tx) =>
        fn({ query: run(tx), batch: batch(tx) }),
      )) as never;
    },
    batch: async (statements) => {
      await connected();
      return batch(sql)(statements);
    },
    session: async (fn) => {
      await connected();
      const reserved = await sql.reserve();
      try {
        return await fn({ query: run(reserved), batch: batch(reserved) });
      } finally {
        reserved.release();
      }
    },
    migrate: async (options) => {
      // One connection, so the session lock and the migrator's transaction share it.
      const single = open(url, {
        max: 1,
        connect_timeout: CONNECT_TIMEOUT_SECONDS,
        onnotice: () => {},
        connection: SESSION,
      });
      try {
        const [{ drizzle }, { migrate }] = await Promise.all([
          import('drizzle-orm-0/postgres-js'),
          import('drizzle-orm-0/postgres-js/migrator'),
        ]);
        await single.unsafe('select pg_advisory_lock(hashtext($1))', [options.lockKey]);
        await migrate(drizzle(single), options);
      } finally {
        await single.end({ timeout: 5 });
      }
    },
    close: () => sql.end({ timeout: 2 }),
  };
}

/**
 * Embedded PGlite in a local folder: the default target when no URL is configured. `extensions`: the
 * manifest's, which PGlite must be started with to create or use them.
 */
export async function connectEmbedded(dir: string, extensions: readonly string[] = []): Promise<Db> {
  mkdirSync(dir, { recursive: true });
  const [{ PGlite }, loaded] = await Promise.all([import('@electric-sql/pglite'), pgliteExtensions(extensions)]);
  return embeddedDb(await PGlite.create(dir, { extensions: loaded }), `embedded PGlite at ${dir}`);
}

/** A Db over a PGlite instance already open (on disk or in memory); `close` closes the instance. */
export function embeddedDb(db: PGlite, label: string): Db {
  type Session = {
    query: (t: string, p?: unknown[]) => Promise<{ rows: unknown[] }>;
    exec: (t: string) => Promise<unknown>;
  };
  const run =
    (q: Session) =>
    async <T>(text: string, params: readonly unknown[] = []) =>
      (await q.query(text, [...params])).rows as T[];
  const batch = (q: Session) => async (statements: readonly string[]) => {
    if (statements.length > 0) await q.exec(joinStatements(statements));
  };
  return {
    label,
    embedded: true,
    query: run(db),
    batch: batch(db),
    transaction: (fn) =>
      db.transaction((tx) => {
        const scoped: Queryable = {
          query: run(tx),
          batch: batch(tx),
          savepoint: (inner) => underSavepoint(scoped, 'schemagen_scope', () => inner(scoped)),
        };
        return fn(scoped);
      }),
    session: (fn) => fn({ query: run(db), batch: batch(db) }),
    // One connection, this process's own: nothing else can change the database between two reads.
    readOnly: (fn) => fn({ query: run(db), batch: batch(db) }),
    // PGlite has a single connection owned by this process: no lock needed.
    migrate: async (options) => {
      const [{ drizzle }, { migrate }] = await Promise.all([
        import('drizzle-orm-0/pglite'),
        import('drizzle-orm-0/pglite/migrator'),
      ]);
      await migrate(drizzle(db), options);
    },
    close: () => db.close(),
  };
}
