import { underSavepoint, type Db, type Queryable } from './queryable.js';

/**
 * A dry run pushes for real inside one transaction per database that is rolled back at the end. So
 * the services sharing a database see each other's changes (a foreign key into a schema another
 * service creates in the same run plans and runs as it would for real), and nothing is kept.
 * Each push's own transactions become savepoints inside it.
 */
export interface Sandbox {
  readonly db: Db;
  /** rolls everything back and ends the transaction */
  discard(): Promise<void>;
}

class Discard extends Error {}

export function sandbox(db: Db): Sandbox {
  let end!: () => void;
  const ended = new Promise<void>((resolve) => (end = resolve));
  let opened!: (tx: Queryable) => void;
  const ready = new Promise<Queryable>((resolve) => (opened = resolve));
  const running = db
    .transaction(async (tx) => {
      opened(tx);
      await ended;
      throw new Discard();
    })
    .catch((err: unknown) => {
      if (!(err instanceof Discard)) throw err;
    });
  // A failure to open shows in the first query, not as an unhandled rejection.
  const tx = Promise.race([ready, running.then(() => ready)]);
  let depth = 0;
  const sandboxed: Db = {
    label: db.label,
    embedded: db.embedded,
    query: async (text, params) => (await tx).query(text, params),
    batch: async (statements) => (await tx).batch(statements),
    transaction: async (fn) => {
      const t = await tx;
      try {
        return await underSavepoint(t, `schemagen_${depth++}`, () => fn(t));
      } finally {
        depth--;
      }
    },
    // Reads see the sandbox's changes, inside its transaction.
    readOnly: async (fn) => fn(await tx),
    // Online steps do not run in a dry run; anything else needing a session runs in the sandbox.
    session: async (fn) => fn(await tx),
    migrate: () => Promise.reject(new Error('migrations do not run in a dry run')),
    close: async () => {},
  };
  return {
    db: sandboxed,
    discard: async () => {
      end();
      await running;
    },
  };
}
