import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { embeddedDb } from '../db/connect/connection.js';
import { pgliteExtensions } from '../db/connect/pglite-extensions.js';
import { writeFileAtomic } from '../shared/atomic-write.js';
import { Isolation, type DrizzleClient } from './isolation.js';
import { pgliteVersion, pushServices, type TestProject } from './project.js';

/**
 * In-memory PGlite databases with the project's services pushed, one per running test.
 *
 * Starting PGlite costs seconds (a fresh instance runs initdb; one loaded from a dumped data folder
 * still takes about a second), so instances are kept: a test takes an idle one, works inside one
 * transaction, and hands it back rolled back. A process starts one instance per test running at the
 * same time, loaded from the pushed database's dump, which is kept in memory and in the project's
 * `.schemagen/testing/` so that later processes (other test files, later runs) skip the push.
 */
interface Template {
  readonly key: string;
  /** the pushed database, dumped (gzipped tar of the data folder) */
  readonly dump: Promise<Blob>;
  readonly idle: PGlite[];
}

let current: Template | undefined;

export interface IsolatedPglite {
  readonly client: DrizzleClient;
  /** rolls back the test's work and returns the instance to the pool */
  readonly close: () => Promise<void>;
}

export async function isolatedPglite(project: TestProject): Promise<IsolatedPglite> {
  const template = templateFor(project);
  const dump = await template.dump;
  const pg = template.idle.pop() ?? (await loadInstance(dump, project));
  const isolation = await Isolation.begin(pg);
  return {
    client: isolation.client,
    close: async () => {
      await isolation.end();
      // An instance of a manifest since replaced is closed rather than kept.
      if (current === template) template.idle.push(pg);
      else await pg.close();
    },
  };
}

/** Closes the idle instances, so that a plain node script can exit (PGlite keeps a timer running). */
export async function closeIdlePglite(): Promise<void> {
  const idle = current?.idle.splice(0) ?? [];
  await Promise.all(idle.map((pg) => pg.close()));
}

function templateFor(project: TestProject): Template {
  if (current?.key === project.key) return current;
  const replaced = current?.idle.splice(0) ?? [];
  void Promise.all(replaced.map((pg) => pg.close().catch(() => undefined)));
  const idle: PGlite[] = [];
  const dump = cachedDump(project) ?? buildDump(project, idle);
  current = { key: project.key, dump, idle };
  // A failed push is reported to the test that asked; the next call tries again.
  dump.catch(() => {
    if (current?.dump === dump) current = undefined;
  });
  return current;
}

const cacheDir = (project: TestProject) => join(project.root, '.schemagen', 'testing');
const cachePrefix = (project: TestProject) => `${basename(project.manifestPath)}-`;
const cacheFile = (project: TestProject, version: string) =>
  join(cacheDir(project), `${cachePrefix(project)}${project.key.slice(0, 16)}-pglite-${version}.tar.gz`);

function cachedDump(project: TestProject): Promise<Blob> | undefined {
  try {
    const bytes = readFileSync(cacheFile(project, pgliteVersion()));
    return Promise.resolve(new Blob([bytes], { type: 'application/x-gzip' }));
  } catch {
    return undefined;
  }
}

/** Pushes into a fresh instance (which joins the pool), dumps it, and stores the dump for later processes. */
async function buildDump(project: TestProject, idle: PGlite[]): Promise<Blob> {
  const { PGlite } = await import('@electric-sql/pglite');
  const pg = await PGlite.create({ extensions: await pgliteExtensions(project.model.extensions) });
  try {
    await pushServices(embeddedDb(pg, 'in-memory PGlite'), project);
  } catch (err) {
    await pg.close();
    throw err;
  }
  const dump = await pg.dumpDataDir('gzip');
  idle.push(pg);
  const file = cacheFile(project, pgliteVersion());
  // One file per manifest: the dump of its previous version is of no further use.
  for (const old of readdirOrNone(cacheDir(project)))
    if (old.startsWith(cachePrefix(project)) && join(cacheDir(project), old) !== file)
      rmSync(join(cacheDir(project), old), { force: true });
  writeFileAtomic(file, new Uint8Array(await dump.arrayBuffer()));
  return dump;
}

/** An instance of the pushed database, started with the manifest's extensions (which it may use). */
async function loadInstance(dump: Blob, project: TestProject): Promise<PGlite> {
  const { PGlite } = await import('@electric-sql/pglite');
  return PGlite.create({ loadDataDir: dump, extensions: await pgliteExtensions(project.model.extensions) });
}

function readdirOrNone(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
