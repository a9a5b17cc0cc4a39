import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test, vi, type MockInstance } from 'vitest';
import {
  ManifestError,
  UsageError,
  UserError,
  check,
  generate,
  generateMigrations,
  loadProject,
  migrate,
  push,
  roles,
  verify,
} from '../src/index.js';
import { freshDatabase, withSql } from './support/databases.js';
import { ORDERS_MANIFEST } from './support/project.js';

/** The library's promise: typed results, typed errors, and nothing printed, nothing exited. */
let spies: MockInstance[] = [];
beforeEach(() => {
  spies = [
    vi.spyOn(process.stdout, 'write'),
    vi.spyOn(process.stderr, 'write'),
    vi.spyOn(process, 'exit').mockImplementation(() => {
      throw new Error('process.exit called');
    }),
  ];
});
afterEach(() => {
  for (const spy of spies) {
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
  }
});

function projectDir(manifest: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'schemagen-api-'));
  writeFileSync(join(dir, 'schema.yaml'), manifest);
  return dir;
}

test('loadProject throws a ManifestError listing every problem with its position', async () => {
  const dir = projectDir(
    'version: 1\nservices:\n  shop:\n    tables:\n      orders:\n        columns:\n          a: { type: integer, defalt: 1 }\n          b: { type: text, nul: true }\n',
  );
  const error = await loadProject({ cwd: dir }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ManifestError);
  const lines = (error as ManifestError).diagnostics.map((d) => `${d.file}:${d.line}:${d.col} ${d.path}`);
  expect(lines).toEqual([
    'schema.yaml:7:31 services.shop.tables.orders.columns.a.defalt',
    'schema.yaml:8:28 services.shop.tables.orders.columns.b.nul',
  ]);
  await expect(loadProject({ cwd: join(dir, 'nowhere') })).rejects.toThrow(UserError);
});

test('generate, check, push, verify, migrations and roles return typed reports on PostgreSQL', async () => {
  const dir = projectDir(ORDERS_MANIFEST);
  const env = { DATABASE_URL: await freshDatabase('api') };
  const project = await loadProject({ cwd: dir });
  expect(project.model.services.map((s) => s.schema)).toEqual(['shop']);

  expect((await check(project)).ok).toBe(false);
  await expect(push(project, { env })).rejects.toThrow(/^\d+ generated files out of date/);
  const generated = await generate(project);
  expect(generated).toMatchObject({ out: 'generated', unchanged: false, removed: 0 });
  expect(generated.written).toBe(generated.files);
  expect(await check(project)).toMatchObject({ ok: true, out: 'generated' });

  const dryRun = await push(project, { env, dryRun: true });
  expect(dryRun).toMatchObject({ ok: true, dryRun: true, services: [{ service: 'shop', status: 'created' }] });
  expect(dryRun.services[0]!.statements.some((s) => /CREATE TABLE "shop"\."orders"/.test(s))).toBe(true);
  expect(dryRun.services[0]!.steps?.length).toBe(dryRun.services[0]!.statements.length);
  expect((await verify(project, { env })).ok).toBe(false);

  const progress: string[] = [];
  const pushed = await push(project, { env, onProgress: (line) => progress.push(line) });
  expect(pushed.services.map((s) => [s.service, s.status])).toEqual([['shop', 'created']]);
  expect(progress).toEqual([expect.stringMatching(/^shop: pushing to postgres:\/\//)]);
  expect(await verify(project, { env })).toMatchObject({ ok: true, services: [{ service: 'shop', drift: [] }] });
  expect((await push(project, { env })).services[0]!.status).toBe('unchanged');

  await withSql(env.DATABASE_URL, (sql) => sql`alter table shop.orders drop column total`);
  const drifted = await verify(project, { env });
  expect(drifted.ok).toBe(false);
  expect(drifted.services[0]!.drift).toEqual([{ where: 'shop.orders.total', message: expect.any(String) }]);

  const written = await generateMigrations(project, { now: 0 });
  expect(written).toEqual([
    { service: 'shop', files: [expect.stringMatching(/^migrations\/shop\/0000_/)], statements: expect.any(Array) },
  ]);
  const fresh = { DATABASE_URL: await freshDatabase('api_migrate') };
  expect(await migrate(project, { env: fresh })).toMatchObject({
    ok: true,
    services: [{ service: 'shop', applied: 1 }],
  });
  expect(await migrate(project, { env: fresh })).toMatchObject({ ok: true, services: [{ applied: 0 }] });

  const script = await roles(project, { password: 'not-printed' });
  expect(script.services[0]!.role).toBe('shop_svc');
  expect(script.services[0]!.statements.join('\n')).not.toContain('not-printed');
  const applied = await roles(project, { env, apply: true, password: 'not-printed' });
  expect(applied).toMatchObject({ ok: true, services: [{ service: 'shop', applied: true }] });

  await expect(verify(project, { env, services: ['nosuch'] })).rejects.toThrow(UsageError);
}, 120_000);

test('push and verify on the embedded database by default, reported with the folder it lives in', async () => {
  const dir = projectDir(ORDERS_MANIFEST);
  const project = await loadProject({ cwd: dir });
  await generate(project);
  const report = await push(project, { env: {} });
  expect(report).toMatchObject({
    ok: true,
    services: [{ status: 'created', target: 'embedded PGlite (.schemagen/pglite)' }],
  });
  expect((await verify(project, { env: {} })).ok).toBe(true);
  // CI=true refuses the embedded fallback: a user error, not a crash
  await expect(verify(project, { env: { CI: 'true' } })).rejects.toThrow(/no database URL/);
}, 120_000);
