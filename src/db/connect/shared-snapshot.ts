import type postgres from 'postgres';
import type { Queryable } from './queryable.js';

const READ_ONLY = 'isolation level repeatable read read only';

/**
 * Runs `fn`'s reads on two connections that see one snapshot: the first exports its snapshot and
 * the second adopts it (pg_export_snapshot, as pg_dump --jobs does). A read of thousands of tables
 * then takes the server about the time of its longest statements instead of the sum of them all.
 * Statements go out in the order sent, each to the first connection free.
 */
export function inSharedSnapshot<T>(sql: postgres.Sql, fn: (q: Queryable) => Promise<T>): Promise<T> {
  return sql.begin(READ_ONLY, async (first) => {
    const [row] = await first.unsafe<{ snapshot: string }[]>('select pg_export_snapshot() as snapshot');
    return sql.begin(READ_ONLY, async (second) => {
      await second.unsafe(`set transaction snapshot '${row!.snapshot}'`);
      return fn(firstFree([first, second]));
    });
  }) as Promise<T>;
}

interface Waiting {
  readonly text: string;
  readonly params: readonly unknown[];
  readonly resolve: (rows: unknown[]) => void;
  readonly reject: (err: unknown) => void;
}

/** A Queryable over several connections: each statement waits for the first free one. */
function firstFree(connections: readonly postgres.TransactionSql[]): Queryable {
  const queue: Waiting[] = [];
  const free = [...connections];
  const next = () => {
    while (free.length > 0 && queue.length > 0) {
      const connection = free.shift()!;
      const { text, params, resolve, reject } = queue.shift()!;
      connection
        .unsafe(text, params as postgres.ParameterOrJSON<never>[])
        .then(resolve, reject)
        .finally(() => {
          free.push(connection);
          next();
        });
    }
  };
  return {
    query: <R>(text: string, params: readonly unknown[] = []) =>
      new Promise<R[]>((resolve, reject) => {
        queue.push({ text, params, resolve: resolve as (rows: unknown[]) => void, reject });
        next();
      }),
    batch: () => Promise.reject(new Error('a read-only snapshot runs no statements without results')),
  };
}
