import type { PGlite, QueryOptions, Results } from '@electric-sql/pglite';
import { underSavepoint, type Queryable } from '../db/connect/queryable.js';

/** The part of a PGlite client that drizzle-orm/pglite calls. */
export interface DrizzleClient {
  query<T>(text: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>>;
  transaction<T>(fn: (tx: DrizzleClient) => Promise<T>): Promise<T>;
}

const NOTHING: Results<never> = { rows: [], fields: [], affectedRows: 0 };

/**
 * One test's view of a PGlite instance: everything it runs happens inside one transaction, which
 * `end` rolls back, so the next test finds the database as pushed. Inside it:
 * - each statement runs under a savepoint, so a failed one (an expected unique violation) leaves
 *   the test's later statements working, as on a connection of its own;
 * - the code's own transactions (`db.transaction(...)`) become savepoints: committing one releases
 *   it, a throw or `tx.rollback()` rolls it back, and nothing is committed for real;
 * - statements run one at a time, as on PGlite's one connection: a query on the outer database
 *   waits for an open transaction to end, so awaiting one inside the transaction hangs, as on PGlite.
 */
export class Isolation {
  private queue: Promise<unknown> = Promise.resolve();
  private ended = false;

  private constructor(private readonly pg: PGlite) {}

  static async begin(pg: PGlite): Promise<Isolation> {
    await pg.exec('BEGIN');
    return new Isolation(pg);
  }

  readonly client: DrizzleClient = {
    query: (text, params, options) =>
      this.exclusive(() => this.underSavepoint('schemagen_statement', () => this.pg.query(text, params, options))),
    transaction: (fn) => this.exclusive(() => this.underSavepoint('schemagen_transaction', () => this.inside(fn))),
  };

  /** Rolls back everything the test did; later calls through `client` fail. */
  end(): Promise<void> {
    return this.exclusive(async () => {
      this.ended = true;
      await this.pg.exec('ROLLBACK');
    });
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(() => {
      if (this.ended) throw new Error('this test database is closed');
      return fn();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The savepoint statements themselves, sent past the queue and the statement savepoints. */
  private readonly direct: Queryable = {
    query: async (text) => {
      await this.pg.exec(text);
      return [];
    },
    batch: async (statements) => {
      await this.pg.exec(statements.join(';\n'));
    },
  };

  private underSavepoint<T>(name: string, fn: () => Promise<T>): Promise<T> {
    return underSavepoint(this.direct, name, fn);
  }

  /** The code's transaction body, given a client that queries directly (the savepoint is already held). */
  private async inside<T>(fn: (tx: DrizzleClient) => Promise<T>): Promise<T> {
    let open = true;
    const tx: DrizzleClient = {
      query: async (text, params, options) => {
        if (!open) throw new Error('Transaction is closed');
        // drizzle sends `set transaction ...` for isolation levels and access modes: after the test's
        // own BEGIN PostgreSQL refuses them, and with one connection no other transaction can interleave.
        if (/^\s*set\s+transaction\b/i.test(text)) return NOTHING as Results<never>;
        return this.pg.query(text, params, options);
      },
      // drizzle nests with savepoints of its own (sp1, sp2, …) and never calls this; PGlite would refuse it too.
      transaction: () => Promise.reject(new Error('nested transactions run through tx.transaction()')),
    };
    try {
      return await fn(tx);
    } finally {
      open = false;
    }
  }
}
