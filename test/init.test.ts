import { mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { starterManifest } from '../src/write/init-project.js';
import { cli } from './support/cli.js';
import { readTree } from './support/fixtures.js';
import { freshDatabase, withSql } from './support/databases.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const emptyDir = () => mkdtempSync(join(tmpdir(), 'schemagen-init-'));
const MODELINE = '# yaml-language-server: $schema=./node_modules/drizzle-schemagen/manifest.schema.json';
const STARTER = starterManifest(MODELINE);

describe('schemagen init', () => {
  test('in an empty folder: a starter manifest that validates and generates, .schemagen/ ignored', async () => {
    const dir = emptyDir();
    const init = await cli(['init'], { cwd: dir });
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain('wrote schema.yaml');
    expect(init.stdout).toContain('there is no package.json; add these scripts to yours:');
    expect(init.stdout).toContain('"codegen": "schemagen generate"');
    const manifest = readFileSync(join(dir, 'schema.yaml'), 'utf8');
    expect(manifest).toBe(STARTER);
    expect(manifest.split('\n')[0]).toBe(MODELINE);
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toBe('.schemagen/\n');
    expect(readdirSync(dir).sort()).toEqual(['.gitignore', 'schema.yaml']);

    expect(await cli(['validate'], { cwd: dir })).toMatchObject({
      code: 0,
      stdout: 'schema.yaml: valid (1 service, 1 table)\n',
    });
    const generate = await cli(['generate'], { cwd: dir });
    expect(generate.code, generate.stderr).toBe(0);
    expect([...readTree(join(dir, 'generated')).keys()]).toEqual([
      'ERD.md',
      'app/ERD.md',
      'app/db.ts',
      'app/drizzle.config.ts',
      'app/index.ts',
      'app/relations.ts',
      'app/schema.ts',
      'app/soft-delete.ts',
      'app/types.ts',
    ]);
  });

  test("the starter's base is the default base written out: dropping it generates the same code", async () => {
    const written = emptyDir();
    const omitted = emptyDir();
    writeFileSync(join(written, 'schema.yaml'), STARTER);
    writeFileSync(join(omitted, 'schema.yaml'), STARTER.replace(/\nbase:\n(  .*\n)+/, '\n'));
    expect(readFileSync(join(omitted, 'schema.yaml'), 'utf8')).not.toContain('created_at');
    for (const dir of [written, omitted]) expect((await cli(['generate'], { cwd: dir })).code).toBe(0);
    expect(readTree(join(omitted, 'generated'))).toEqual(readTree(join(written, 'generated')));
  });

  test('never overwrites a manifest: a second init refuses and changes nothing', async () => {
    const dir = emptyDir();
    expect((await cli(['init'], { cwd: dir })).code).toBe(0);
    writeFileSync(join(dir, 'schema.yaml'), `${MODELINE}\n# my edits\n`);
    const before = readTree(dir);
    const again = await cli(['init'], { cwd: dir });
    expect(again).toMatchObject({ code: 1, stdout: '' });
    expect(again.stderr).toBe(
      'error: schema.yaml already exists; init never overwrites it (edit it, or pass --manifest <new file>)\n',
    );
    expect(readTree(dir)).toEqual(before);
  });

  test("adds scripts to package.json without touching the user's, never duplicates the .gitignore line", async () => {
    const dir = emptyDir();
    writeFileSync(
      join(dir, 'package.json'),
      '{\n    "name": "app",\n    "scripts": {\n        "push": "git push"\n    }\n}\n',
    );
    writeFileSync(join(dir, '.gitignore'), 'node_modules');
    const first = await cli(['init'], { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(
      'package.json: added scripts codegen, codegen:check, verify\npackage.json: kept your scripts push\n',
    );
    expect(readFileSync(join(dir, 'package.json'), 'utf8')).toBe(
      '{\n    "name": "app",\n    "scripts": {\n        "push": "git push",\n' +
        '        "codegen": "schemagen generate",\n' +
        '        "codegen:check": "schemagen check",\n        "verify": "schemagen verify"\n    }\n}\n',
    );
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toBe('node_modules\n.schemagen/\n');

    const second = await cli(['init', '--manifest', 'other.yaml'], { cwd: dir });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('.gitignore already ignores .schemagen/');
    expect(second.stdout).toContain('package.json: kept your scripts codegen, codegen:check, push, verify');
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toBe('node_modules\n.schemagen/\n');
    expect((await cli(['validate', '--manifest', 'other.yaml'], { cwd: dir })).code).toBe(0);
  });

  test('--manifest in a new folder: creates it; modeline and scripts reach it from the package root', async () => {
    const dir = emptyDir();
    writeFileSync(join(dir, 'package.json'), '{ "name": "app" }');
    const init = await cli(['init', '--manifest', 'db/schema.yaml'], { cwd: dir });
    expect(init.code, init.stderr).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['.gitignore', 'db', 'package.json']);
    expect(readdirSync(join(dir, 'db'))).toEqual(['schema.yaml']);
    const first = readFileSync(join(dir, 'db/schema.yaml'), 'utf8').split('\n')[0]!;
    expect(first).toBe('# yaml-language-server: $schema=../node_modules/drizzle-schemagen/manifest.schema.json');
    // With the package installed, the path reaches the JSON Schema it ships.
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(ROOT, join(dir, 'node_modules', 'drizzle-schemagen'), 'dir');
    const schema = join(dir, 'db', first.split('$schema=')[1]!);
    expect(readFileSync(schema, 'utf8')).toBe(readFileSync(join(ROOT, 'manifest.schema.json'), 'utf8'));
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['codegen']).toBe('schemagen generate --manifest db/schema.yaml');
    expect((await cli(pkg.scripts['codegen']!.split(' ').slice(1), { cwd: dir })).code).toBe(0);
    expect(readdirSync(join(dir, 'generated')).sort()).toEqual(['ERD.md', 'app']);
  });

  test('--tenants: a per-tenant starter that validates, generates, and pushes a schema per tenant row', async () => {
    const dir = emptyDir();
    const init = await cli(['init', '--tenants'], { cwd: dir });
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain('a shared service (app) listing the tenants, a per-tenant service (workspace)');
    const manifest = readFileSync(join(dir, 'schema.yaml'), 'utf8');
    expect(manifest).toBe(starterManifest(MODELINE, { tenants: true }));
    expect(manifest).toContain('schema: tenant_{tenant}');
    expect(await cli(['validate'], { cwd: dir })).toMatchObject({
      code: 0,
      stdout: 'schema.yaml: valid (2 services, 2 tables)\n',
    });
    expect((await cli(['generate'], { cwd: dir })).code).toBe(0);
    expect(readdirSync(join(dir, 'generated', 'workspace'))).toContain('tenant.ts');
    // The tenants are the rows of app.tenants: none at first, then one schema per row not deleted.
    const env = { DATABASE_URL: await freshDatabase() };
    const first = await cli(['push'], { cwd: dir, env });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('0 tenants');
    await withSql(env.DATABASE_URL, (sql) =>
      sql.unsafe(`insert into app.tenants (slug) values ('acme'), ('globex');
        insert into app.tenants (slug, is_deleted, deleted_at) values ('gone', true, now())`),
    );
    const second = await cli(['push'], { cwd: dir, env });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('2 tenants: 2 created');
    expect(second.stdout).toContain('CREATE TABLE "tenant_globex"."notes"');
  });

  test('leaves a package.json that is not JSON alone and says what to add', async () => {
    const dir = emptyDir();
    writeFileSync(join(dir, 'package.json'), '{ not json');
    const init = await cli(['init'], { cwd: dir });
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('package.json is not valid JSON, so it was left alone; add these scripts to yours:');
    expect(readFileSync(join(dir, 'package.json'), 'utf8')).toBe('{ not json');
  });
});

describe('without a manifest every command says so and points at init', () => {
  const COMMANDS = [
    'validate',
    'generate',
    'check',
    'check --json',
    'push',
    'verify',
    'migrations generate',
    'migrate',
    'roles',
    'up',
  ];
  test.each(COMMANDS)('%s', async (command) => {
    const dir = emptyDir();
    const result = await cli(command.split(' '), {
      cwd: dir,
      env: { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'error: schema.yaml not found, so there is no manifest to read; ' +
        'create a starter one with `npx schemagen init`, or pass --manifest <file>\n',
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  test('with --manifest, the hint names that file', async () => {
    const result = await cli(['validate', '--manifest', 'db/schema.yaml'], { cwd: emptyDir() });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'db/schema.yaml not found, so there is no manifest to read; ' +
        'create a starter one with `npx schemagen init --manifest db/schema.yaml`',
    );
  });
});
