import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
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
  const args = [
    join(ROOT, 'node_modules/drizzle-kit/bin.cjs'),
    command,
    '--config',
    `generated/${service}/drizzle.config.ts`,
  ];
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

/**
 * The repository's generated/ compiled to JavaScript in a folder whose node_modules holds drizzle-orm alone;
 * with --preserve-symlinks nothing in it (drizzle-orm included) can resolve `postgres`.
 */
function withoutPostgres(): string {
  const out = mkdtempSync(join(tmpdir(), 'schemagen-no-driver-'));
  writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
  mkdirSync(join(out, 'node_modules'));
  symlinkSync(join(ROOT, 'node_modules', 'drizzle-orm'), join(out, 'node_modules', 'drizzle-orm'), 'dir');
  for (const service of readdirSync(join(ROOT, 'generated'), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)) {
    mkdirSync(join(out, service));
    for (const file of readdirSync(join(ROOT, 'generated', service)).filter((f) => f !== 'drizzle.config.ts')) {
      const source = readFileSync(join(ROOT, 'generated', service, file), 'utf8');
      const js = ts.transpileModule(source, {
        compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
      });
      writeFileSync(join(out, service, file.replace(/\.ts$/, '.js')), js.outputText);
    }
  }
  return out;
}

function importIn(dir: string, module: string) {
  const script = `const m = await import(${JSON.stringify(module)}); console.log(Object.keys(m).length);`;
  const run = spawnSync(process.execPath, ['--preserve-symlinks', '--input-type=module', '-e', script], {
    cwd: dir,
    encoding: 'utf8',
  });
  return { code: run.status, output: run.stdout + run.stderr };
}

test('importing a service index loads no database driver; its db.ts is what needs postgres', () => {
  const dir = withoutPostgres();
  for (const service of ['auth', 'user', 'application']) {
    const index = importIn(dir, `./${service}/index.js`);
    expect(index.output, service).toMatch(/^\d+\n$/);
    expect(index.code).toBe(0);
  }
  const db = importIn(dir, './user/db.js');
  expect(db.output).toContain("Cannot find package 'postgres'");
  expect(db.code).not.toBe(0);
}, 60_000);
