import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { cli } from './support/cli.js';
import { FIXTURES } from './support/fixtures.js';

const ROOT = join(FIXTURES, '..', '..');

/** A temp project with the repository's manifest, generated, and its node_modules linked in. */
let dir = '';
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'schemagen-api-'));
  copyFileSync(join(ROOT, 'schema.yaml'), join(dir, 'schema.yaml'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const generated = await cli(['generate'], { cwd: dir });
  expect(generated.stderr).toBe('');
});

/** drizzle-kit with no database URL in its environment. */
function drizzleKit(command: string, service: string) {
  const env = { ...process.env };
  delete env['DATABASE_URL'];
  delete env[`${service.toUpperCase()}_DATABASE_URL`];
  const args = [join(ROOT, 'node_modules/drizzle-kit/bin.cjs'), command, '--config', `generated/${service}/drizzle.config.ts`];
  const run = spawnSync(process.execPath, args, { cwd: dir, env, encoding: 'utf8' });
  return { code: run.status, output: run.stdout + run.stderr };
}

describe('drizzle.config.ts without a database URL', () => {
  test('drizzle-kit generate writes a migration and exits 0', () => {
    const run = drizzleKit('generate', 'user');
    expect(run.output).not.toContain('is not set');
    expect(run.code, run.output).toBe(0);
    const sql = readdirSync(join(dir, 'migrations', 'user')).filter((f) => f.endsWith('.sql'));
    expect(sql).toHaveLength(1);
  }, 60_000);

  test('drizzle-kit check exits 0', () => {
    const run = drizzleKit('check', 'auth');
    expect(run.code, run.output).toBe(0);
  }, 60_000);

  test('drizzle-kit push exits non-zero and names the variable', () => {
    const run = drizzleKit('push', 'user');
    expect(run.output).toContain('USER_DATABASE_URL (or DATABASE_URL) is not set: service user needs its URL');
    expect(run.code).not.toBe(0);
  }, 60_000);
});
