import { AsyncLocalStorage } from 'node:async_hooks';
import type { SQL } from 'drizzle-orm-0';
import { PgDialect } from 'drizzle-orm-0/pg-core';
import type { Queryable } from '../connect/queryable.js';
import { drizzleKitApi } from './drizzle-kit-api.js';
import { qualified } from '../../shared/sql-quote.js';

/**
 * Everything we ask of drizzle-kit goes through here: its push differ (`pushSchema`) and migration
 * writer (`generateMigration`, `generateDrizzleJson`). drizzle-kit was written for its own CLI, so
 * each call is contained: its stdout spinner is silenced, prompts reject, and its `process.exit(1)`
 * on any failure becomes an error we can report.
 */
const dialect = new PgDialect();

/** The table drizzle-kit's introspection is working on, followed through its parallel per-table tasks. */
const currentTable = new AsyncLocalStorage<readonly [schema: string, table: string]>();
/** Queries that name their table inline; every per-table task issues one before any other. */
const NAMES_TABLE = [
  /pg_get_serial_sequence\('"((?:[^"]|"")+)"\."((?:[^"]|"")+)"'/,
  /tc\.table_name = '((?:[^']|'')+)' and constraint_schema = '((?:[^']|'')+)'/,
];
/**
 * drizzle-kit 0.31's pushSchema drops query parameters, and this query (composite primary keys) has
 * two: without them PostgreSQL answers "there is no parameter $1". Its schema and table are those of
 * the task that asks.
 */
const COMPOSITE_KEY_QUERY = /connamespace = \$1::regnamespace\s+AND\s+pg_class\.relname = \$2/;

/** Plans with drizzle-kit's push differ against the live schema, on the push's own transaction. */
export async function pushStatements(
  exports: Record<string, unknown>,
  schema: string,
  tx: Queryable,
): Promise<string[]> {
  const { pushSchema } = drizzleKitApi();
  const execute = async (query: SQL) => {
    const text = dialect.sqlToQuery(query).sql;
    // drizzle-kit counts rows only to decide whether to prompt ("truncate the table?") or to add
    // TRUNCATE statements itself. Answering "empty" means it does neither: our guard counts rows and
    // refuses data loss, and a statement that cannot apply to existing rows fails and rolls back.
    if (/^select count\(\*\) as count from /i.test(text)) return { rows: [{ count: 0 }] };
    const named = tableNamedIn(text);
    if (named) currentTable.enterWith(named);
    const params = COMPOSITE_KEY_QUERY.test(text) ? [...(currentTable.getStore() ?? [])] : [];
    try {
      const rows = await tx.query(text, params);
      return { rows: named && NAMES_TABLE[1]!.test(text) ? await keyColumnsInOrder(rows, named, tx) : rows };
    } catch (err) {
      lastFailure = err;
      throw err;
    }
  };
  const result = await contained(() => pushSchema(exports, { execute } as never, [schema]));
  return result.statementsToExecute;
}

/**
 * drizzle-kit reads a composite primary key's columns from information_schema in no set order and
 * compares them in order: a key listed (b, a) reads as changed, and every push would drop and re-add
 * it. The PRIMARY KEY rows are put in the key's own column order.
 */
async function keyColumnsInOrder(
  rows: Record<string, unknown>[],
  [schema, table]: readonly [string, string],
  tx: Queryable,
) {
  const isKey = (r: Record<string, unknown>) => r['constraint_type'] === 'PRIMARY KEY';
  if (rows.filter(isKey).length < 2) return rows;
  const order = await tx.query<{ name: string }>(KEY_ORDER, [qualified(schema, table)]);
  const rank = (r: Record<string, unknown>) => order.findIndex((o) => o.name === r['column_name']);
  const keys = rows.filter(isKey).sort((a, b) => rank(a) - rank(b));
  return [...rows.filter((r) => !isKey(r)), ...keys];
}

const KEY_ORDER = `select a.attname as name from pg_constraint k cross join unnest(k.conkey) with ordinality u(n, ord)
  join pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.n
  where k.contype = 'p' and k.conrelid = to_regclass($1) order by u.ord`;

function tableNamedIn(text: string): readonly [string, string] | undefined {
  const [serial, constraints] = NAMES_TABLE.map((re) => re.exec(text));
  if (serial) return [serial[1]!.replace(/""/g, '"'), serial[2]!.replace(/""/g, '"')];
  if (constraints) return [constraints[2]!.replace(/''/g, "'"), constraints[1]!.replace(/''/g, "'")];
  return undefined;
}

/** drizzle-kit ended its task with process.exit(1); `cause` is the last error it met, when we saw it. */
export class DrizzleKitExit extends Error {
  constructor(cause: unknown) {
    const why = cause instanceof Error ? cause.message : 'it gave no reason';
    super(`drizzle-kit stopped while planning: ${why}`, { cause });
  }
}

/**
 * Runs a drizzle-kit call with its side effects contained. drizzle-kit draws a spinner on stdout
 * even without a terminal; our own output goes through the CLI's io, which holds the original
 * writer, so only drizzle-kit is silenced. stdout reads as no terminal meanwhile, so any prompt we
 * did not foresee rejects instead of waiting. Its task runner calls process.exit(1) on any error
 * (a failed query, say): that exit throws instead, and the call fails with the error behind it.
 */
let depth = 0;
let saved: { write: typeof process.stdout.write; isTTY: boolean; exit: typeof process.exit } | undefined;
/** the last query of ours that failed inside drizzle-kit: the reason behind its exit */
let lastFailure: unknown;
export async function contained<T>(fn: () => Promise<T>): Promise<T> {
  if (depth++ === 0) {
    saved = { write: process.stdout.write, isTTY: process.stdout.isTTY, exit: process.exit };
    lastFailure = undefined;
    process.stdout.write = (() => true) as typeof process.stdout.write;
    process.stdout.isTTY = false;
    process.exit = ((): never => {
      throw new DrizzleKitExit(lastFailure);
    }) as typeof process.exit;
  }
  try {
    return await fn();
  } finally {
    if (--depth === 0 && saved) {
      process.stdout.write = saved.write;
      process.stdout.isTTY = saved.isTTY;
      process.exit = saved.exit;
    }
  }
}
