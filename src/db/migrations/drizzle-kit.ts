/**
 * Everything we ask of drizzle-kit goes through here: its migration writer (`generateMigration`,
 * `generateDrizzleJson`). Push plans with its own planner (db/plan); drizzle-kit writes the SQL
 * migration files drizzle-orm's migrator reads. drizzle-kit was written for its own CLI, so each call
 * is contained: its stdout spinner is silenced, prompts reject, and its `process.exit(1)` on any
 * failure becomes an error we can report.
 */

/** drizzle-kit ended its task with process.exit(1). */
export class DrizzleKitExit extends Error {
  constructor() {
    super('drizzle-kit stopped while planning: it gave no reason');
  }
}

/**
 * Runs a drizzle-kit call with its side effects contained. drizzle-kit draws a spinner on stdout
 * even without a terminal; our own output goes through the CLI's io, which holds the original
 * writer, so only drizzle-kit is silenced. stdout reads as no terminal meanwhile, so any prompt we
 * did not foresee rejects instead of waiting. Its task runner calls process.exit(1) on any error:
 * that exit throws instead, and the call fails.
 */
let depth = 0;
let saved: { write: typeof process.stdout.write; isTTY: boolean; exit: typeof process.exit } | undefined;
export async function contained<T>(fn: () => Promise<T>): Promise<T> {
  if (depth++ === 0) {
    saved = { write: process.stdout.write, isTTY: process.stdout.isTTY, exit: process.exit };
    process.stdout.write = (() => true) as typeof process.stdout.write;
    process.stdout.isTTY = false;
    process.exit = ((): never => {
      throw new DrizzleKitExit();
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
