import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, test } from 'vitest';
import { FIXTURES } from './support/fixtures.js';
import { ORDERS_MANIFEST } from './support/project.js';

// The package as npm ships it: packed, installed into a project of its own, used through its bin and
// its exports. A file missing from `files` or `exports` (or a declaration missing from dist) fails here.

const ROOT = join(FIXTURES, '..', '..');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  license: string;
  dependencies: Record<string, string>;
  bin: Record<string, string>;
  engines: Record<string, string>;
};

/** Runs a command with no terminal and no stdin, as CI does, and returns its exit code and output. */
function sh(cmd: string, args: readonly string[], cwd: string, env: Record<string, string> = {}) {
  const options: SpawnSyncOptions = {
    cwd,
    env: { ...process.env, CI: 'true', npm_config_offline: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  };
  const run = spawnSync(cmd, args, options);
  return { code: run.status, output: `${run.stdout ?? ''}${run.stderr ?? ''}` };
}

/**
 * A lockfile naming the tarball and, for every other package, the version, URL and integrity the
 * repository locks: `npm ci --offline` then takes each from the npm cache the repository's own
 * install filled (a plain `npm install --offline` would also need the registry's package metadata,
 * which that install never downloads).
 */
function consumerLock(tarball: string, bytes: Buffer) {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean }>;
  };
  const runtime = Object.entries(lock.packages).filter(([path, entry]) => path !== '' && !entry.dev);
  return {
    name: 'consumer',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: 'consumer', dependencies: { [PACKAGE.name]: `file:${tarball}` } },
      [`node_modules/${PACKAGE.name}`]: {
        version: PACKAGE.version,
        resolved: `file:${tarball}`,
        integrity: `sha512-${createHash('sha512').update(bytes).digest('base64')}`,
        license: PACKAGE.license,
        dependencies: PACKAGE.dependencies,
        bin: PACKAGE.bin,
        engines: PACKAGE.engines,
      },
      ...Object.fromEntries(runtime),
    },
  };
}

/** A user's test file, written against the installed package's types. */
const CHECK = `import { closeTestDatabases, createTestDatabase, type TestDatabase } from 'drizzle-schemagen/testing';
import { ManifestError, loadProject, push, verify, type PushReport } from 'drizzle-schemagen';
import * as shop from './generated/shop/index.js';

{
  // The library API from the root export: push into the embedded database, then verify it.
  const project = await loadProject();
  const pushed: PushReport = await push(project, { embedded: true });
  if (!pushed.ok || pushed.services[0]?.status !== 'created') throw new Error(JSON.stringify(pushed));
  if (!(await verify(project, { embedded: true })).ok) throw new Error('verify found differences');
  const bad = await loadProject({ manifest: 'missing.yaml' }).catch((e: unknown) => e);
  if (!(bad instanceof Error) || bad instanceof ManifestError) throw new Error(\`unexpected: \${String(bad)}\`);
  console.log('root export ok');
}

{
  await using t: TestDatabase<{ shop: typeof shop }> = await createTestDatabase({ schemas: { shop } });
  await t.db.shop.insert(shop.orders).values({ total: 3 });
  const rows = await t.db.shop.select().from(shop.orders);
  const total: number = rows[0]!.total;
  if (rows.length !== 1 || total !== 3) throw new Error(\`unexpected rows: \${JSON.stringify(rows)}\`);
}
await closeTestDatabases();
console.log('testing export ok');
`;

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    // A user's project has @types/node (which declares AsyncDisposable too); the repository's is borrowed.
    typeRoots: [join(ROOT, 'node_modules', '@types')],
    types: ['node'],
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noUncheckedIndexedAccess: true,
    skipLibCheck: true,
    outDir: 'out',
  },
  include: ['check.ts', 'generated/**/*.ts'],
  exclude: ['generated/**/drizzle.config.ts'],
};

let dir = '';
beforeAll(() => {
  for (const built of ['dist/cli/bin.js', 'dist/index.js', 'dist/testing/index.js', 'dist/testing/index.d.ts'])
    expect(existsSync(join(ROOT, built)), `${built} is missing: run npm run build first`).toBe(true);
  dir = mkdtempSync(join(tmpdir(), 'schemagen-package-'));
  // The suite's `npm test` has just built dist/; --ignore-scripts keeps `prepare` from building it again.
  const packed = sh('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], ROOT);
  expect(packed.code, packed.output).toBe(0);
  const tarball = `${PACKAGE.name}-${PACKAGE.version}.tgz`;
  const bytes = readFileSync(join(dir, tarball));
  const dependencies = { [PACKAGE.name]: `file:${tarball}` };
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies }),
  );
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify(consumerLock(tarball, bytes)));
  const installed = sh('npm', ['ci', '--offline', '--no-audit', '--no-fund'], dir);
  expect(installed.code, installed.output).toBe(0);
}, 300_000);

test('the installed bin generates a project', () => {
  writeFileSync(join(dir, 'schema.yaml'), ORDERS_MANIFEST);
  const generated = sh('npx', ['--no-install', 'schemagen', 'generate'], dir);
  expect(generated.code, generated.output).toBe(0);
  for (const file of ['schema.ts', 'relations.ts', 'types.ts', 'index.ts', 'db.ts', 'drizzle.config.ts'])
    expect(existsSync(join(dir, 'generated', 'shop', file)), file).toBe(true);
  // The modeline schemagen init writes points into the installed package.
  expect(existsSync(join(dir, 'node_modules', PACKAGE.name, 'manifest.schema.json'))).toBe(true);
}, 120_000);

test('the library API and drizzle-schemagen/testing type-check from the tarball and work', () => {
  expect(existsSync(join(dir, 'generated', 'shop', 'index.ts')), 'the bin test generates the modules').toBe(true);
  writeFileSync(join(dir, 'check.ts'), CHECK);
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(TSCONFIG));
  const compiled = sh(process.execPath, [TSC, '-p', 'tsconfig.json'], dir);
  expect(compiled.code, compiled.output).toBe(0);
  const ran = sh(process.execPath, [join('out', 'check.js')], dir);
  expect(ran.output).toContain('root export ok');
  expect(ran.output).toContain('testing export ok');
  expect(ran.code, ran.output).toBe(0);
}, 300_000);
