import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
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
  peerDependencies: Record<string, string>;
  bin: Record<string, string>;
  engines: Record<string, string>;
};
const LOCK = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { dev?: boolean; link?: boolean; version?: string }>;
};

/**
 * The drizzle-orm a user installs beside the package (its peer dependency): the repository's 0.x, or the
 * 1.x of the fixture project test/drizzle-1, each as the repository's lockfile records it.
 */
const DRIZZLE_ORM = {
  0: LOCK.packages['node_modules/drizzle-orm']!,
  1: LOCK.packages['test/drizzle-1/node_modules/drizzle-orm']!,
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
 * A lockfile naming the tarball, the user's drizzle-orm and, for every other package, the version,
 * URL and integrity the repository locks: `npm ci --offline` then takes each from the npm cache the
 * repository's own install filled (a plain `npm install --offline` would also need the registry's
 * package metadata, which that install never downloads).
 */
function consumerLock(tarball: string, bytes: Buffer, major: 0 | 1) {
  const runtime = Object.entries(LOCK.packages).filter(
    ([path, entry]) => path.startsWith('node_modules/') && !entry.dev && !entry.link,
  );
  const { dev: _dev, ...drizzleOrm } = DRIZZLE_ORM[major];
  return {
    name: 'consumer',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: 'consumer', dependencies: consumerDependencies(tarball, major) },
      [`node_modules/${PACKAGE.name}`]: {
        version: PACKAGE.version,
        resolved: `file:${tarball}`,
        integrity: `sha512-${createHash('sha512').update(bytes).digest('base64')}`,
        license: PACKAGE.license,
        dependencies: PACKAGE.dependencies,
        peerDependencies: PACKAGE.peerDependencies,
        bin: PACKAGE.bin,
        engines: PACKAGE.engines,
      },
      ...Object.fromEntries(runtime),
      'node_modules/drizzle-orm': drizzleOrm,
    },
  };
}

const consumerDependencies = (tarball: string, major: 0 | 1) => ({
  [PACKAGE.name]: `file:${tarball}`,
  'drizzle-orm': DRIZZLE_ORM[major].version!,
});

/** A fresh project with the packed package and drizzle-orm of `major` installed, as a user's `npm ci` would. */
function consumer(packed: string, major: 0 | 1): string {
  const dir = mkdtempSync(join(tmpdir(), `schemagen-package-${major}-`));
  const tarball = join(packed, `${PACKAGE.name}-${PACKAGE.version}.tgz`);
  const bytes = readFileSync(tarball);
  const dependencies = consumerDependencies(tarball, major);
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies }),
  );
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify(consumerLock(tarball, bytes, major)));
  const installed = sh('npm', ['ci', '--offline', '--no-audit', '--no-fund'], dir);
  expect(installed.code, installed.output).toBe(0);
  return dir;
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

/** A manifest with a foreign key, so the 1.x project has a relation to query. */
const ORDER_LINES_MANIFEST = `${ORDERS_MANIFEST}      order_lines:
        columns:
          order_id: { type: uuid, references: { table: orders, onDelete: cascade } }
          sku: { type: text }
`;

/**
 * A user's script on drizzle-orm 1.x: schemagen's own work (push, verify, import, migrations), done with
 * its pinned drizzle-kit 0.31 and drizzle-orm 0.x beside the project's 1.x, then a relational query
 * through the generated modules with the project's drizzle-orm.
 */
const CHECK_1 = `import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { generateMigrations, importManifest, loadProject, push, verify } from 'drizzle-schemagen';
import { orderLines, orders, relations } from './generated/shop/index.js';

{
  const project = await loadProject();
  const pushed = await push(project, { embedded: true });
  if (!pushed.ok || pushed.services[0]?.status !== 'created') throw new Error(JSON.stringify(pushed));
  if (!(await verify(project, { embedded: true })).ok) throw new Error('verify found differences');
  const imported = await importManifest({ embedded: true });
  if (!imported.ok || !imported.manifest.includes('order_lines:')) throw new Error(imported.manifest);
  const [migration] = await generateMigrations(project);
  if (!migration?.statements.some((s) => s.includes('CREATE TABLE "shop"."order_lines"')))
    throw new Error(JSON.stringify(migration));
  console.log('push, verify, import and migrations ok');
}

const client = await PGlite.create('.schemagen/pglite');
try {
  const db = drizzle({ client, relations });
  const [order] = await db.insert(orders).values({ total: 3 }).returning();
  await db.insert(orderLines).values([{ orderId: order!.id, sku: 'a' }, { orderId: order!.id, sku: 'b' }]);
  const found = await db.query.orders.findFirst({ with: { orderLines: { with: { order: true } } } });
  const skus: string[] = found!.orderLines.map((l) => \`\${l.sku}:\${l.order.total}\`).sort();
  if (skus.join() !== 'a:3,b:3') throw new Error(\`unexpected rows: \${JSON.stringify(found)}\`);
  console.log('relational query ok');
} finally {
  await client.close();
}
`;

let packed = '';
let dir = '';
beforeAll(() => {
  for (const built of ['dist/cli/bin.js', 'dist/index.js', 'dist/testing/index.js', 'dist/testing/index.d.ts'])
    expect(existsSync(join(ROOT, built)), `${built} is missing: run npm run build first`).toBe(true);
  packed = mkdtempSync(join(tmpdir(), 'schemagen-packed-'));
  // The suite's `npm test` has just built dist/; --ignore-scripts keeps `prepare` from building it again.
  const pack = sh('npm', ['pack', '--ignore-scripts', '--pack-destination', packed], ROOT);
  expect(pack.code, pack.output).toBe(0);
  dir = consumer(packed, 0);
}, 300_000);

test('the installed bin generates a project', () => {
  writeFileSync(join(dir, 'schema.yaml'), ORDERS_MANIFEST);
  const generated = sh('npx', ['--no-install', 'schemagen', 'generate'], dir);
  expect(generated.code, generated.output).toBe(0);
  expect(generated.output).toContain(`for drizzle-orm 0.x (drizzle-orm ${DRIZZLE_ORM[0].version} installed)`);
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

describe('in a project on drizzle-orm 1.x', () => {
  let dir1 = '';
  beforeAll(() => {
    dir1 = consumer(packed, 1);
  }, 300_000);

  test('generate writes code for 1.x; it type-checks, schemagen pushes, verifies, imports with it, and it queries', () => {
    writeFileSync(join(dir1, 'schema.yaml'), ORDER_LINES_MANIFEST);
    const generated = sh('npx', ['--no-install', 'schemagen', 'generate'], dir1);
    expect(generated.output).toContain(`for drizzle-orm 1.x (drizzle-orm ${DRIZZLE_ORM[1].version} installed)`);
    expect(generated.code, generated.output).toBe(0);
    writeFileSync(join(dir1, 'check.ts'), CHECK_1);
    writeFileSync(join(dir1, 'tsconfig.json'), JSON.stringify(TSCONFIG));
    const compiled = sh(process.execPath, [TSC, '-p', 'tsconfig.json'], dir1);
    expect(compiled.code, compiled.output).toBe(0);
    const ran = sh(process.execPath, [join('out', 'check.js')], dir1);
    expect(ran.output).toContain('push, verify, import and migrations ok');
    expect(ran.output).toContain('relational query ok');
    expect(ran.code, ran.output).toBe(0);
  }, 300_000);
});
