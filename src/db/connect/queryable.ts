/** The little push and verify need from a database, over postgres-js or embedded PGlite. */
export interface Queryable {
  query<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /** runs several statements in one round trip (simple protocol); no parameters, no results */
  batch(statements: readonly string[]): Promise<void>;
  /** inside a transaction: runs `fn` under a savepoint, so its failure leaves the transaction usable */
  savepoint?<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
}

/**
 * Runs `fn` under a savepoint of the transaction `q` is in: a failure rolls back to it and the
 * transaction goes on. The savepoint is released either way, so nested and repeated uses of one
 * name never pile up.
 */
export async function underSavepoint<T>(q: Queryable, name: string, fn: () => Promise<T>): Promise<T> {
  await q.query(`savepoint ${name}`);
  let result: T;
  try {
    result = await fn();
  } catch (err) {
    await q.query(`rollback to savepoint ${name}`);
    await q.query(`release savepoint ${name}`);
    throw err;
  }
  await q.query(`release savepoint ${name}`);
  return result;
}

export interface Db extends Queryable {
  /** where it points, password masked: safe to print */
  readonly label: string;
  readonly embedded: boolean;
  /** runs `fn` in one transaction; a throw rolls everything back */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * runs `fn`'s reads in one read-only snapshot (repeatable read): statements it sends together see
   * one state of the database, over a URL spread across two connections sharing that snapshot
   */
  readOnly<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  /** runs `fn` on one connection outside any transaction (CREATE INDEX CONCURRENTLY needs that) */
  session<T>(fn: (s: Queryable) => Promise<T>): Promise<T>;
  /** applies a drizzle migrations folder under a session advisory lock, with its own history table */
  migrate(options: MigrateOptions): Promise<void>;
  close(): Promise<void>;
}

export interface MigrateOptions {
  readonly migrationsFolder: string;
  readonly migrationsSchema: string;
  readonly migrationsTable: string;
  readonly lockKey: string;
}
