import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { expect, test } from 'vitest';
import { cli, spawnCli } from '../support/cli.js';
import { freshDatabase } from '../support/databases.js';
import { ORDERS_MANIFEST } from '../support/project.js';

/** At most this long for each step; a push that ignores the lock fails here instead of hanging. */
const STEP_MS = 30_000;

const within = <T>(promise: Promise<T>, what: string): Promise<T> =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${what}: not within ${STEP_MS} ms`)), STEP_MS),
    ),
  ]);

test('a push while another holds the schema lock says it is waiting, changes nothing, and applies once the lock is released', async () => {
  const url = await freshDatabase('lock');
  const dir = mkdtempSync(join(tmpdir(), 'schemagen-lock-'));
  writeFileSync(join(dir, 'schema.yaml'), ORDERS_MANIFEST);
  expect((await cli(['generate'], { cwd: dir })).code).toBe(0);
  expect((await cli(['push'], { cwd: dir, env: { DATABASE_URL: url } })).code).toBe(0);
  writeFileSync(join(dir, 'schema.yaml'), `${ORDERS_MANIFEST}          note: { type: text, nullable: true }\n`);
  expect((await cli(['generate'], { cwd: dir })).code).toBe(0);

  // The key push takes per schema (src/db/push.ts lockSchema), held here as another push would.
  const holder = postgres(url, { max: 1, onnotice: () => {} });
  const noteExists = async () =>
    (
      await holder`select count(*)::int as n from information_schema.columns where table_schema = 'shop' and column_name = 'note'`
    )[0]!['n'] === 1;
  try {
    await holder`select pg_advisory_lock(hashtext('schemagen push shop'))`;
    const run = spawnCli(['push'], dir, { DATABASE_URL: url });
    await run.waitForOutput('shop: waiting for another push of schema shop to finish (advisory lock)', STEP_MS);
    // Still waiting a moment later: it neither went ahead nor gave up.
    await new Promise((r) => setTimeout(r, 500));
    expect(run.exited(), run.output()).toBe(false);
    expect(await noteExists()).toBe(false);

    await holder`select pg_advisory_unlock(hashtext('schemagen push shop'))`;
    const result = await within(run.done, 'the push after the lock was released');
    expect(result.code, result.out).toBe(0);
    expect(result.out).toMatch(/^shop → .*: altered, 1 statement$/m);
    expect(await noteExists()).toBe(true);
  } finally {
    await holder.end();
  }
}, 120_000);
