import { mkdtempSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startPostgres } from './postgres-server.mjs';

/**
 * One server for the whole run; each test file creates its own databases on it. Every temp folder
 * the run makes (projects, PGlite data folders, the server's own) goes under one folder that is
 * removed at the end: the tests make thousands, and left behind they fill the disk of the machine
 * that runs them.
 */
export default async function setup(project: TestProject) {
  const runDir = mkdtempSync(join(tmpdir(), 'schemagen-test-run-'));
  // Like /tmp: the server runs as `postgres` when the tests run as root, and makes its folder here.
  chmodSync(runDir, 0o1777);
  const outerTmp = process.env['TMPDIR'];
  // Set before any worker starts, so workers and the CLI processes they spawn inherit it.
  process.env['TMPDIR'] = runDir;
  const server = await startPostgres();
  project.provide('postgresUrl', server.url());
  return () => {
    try {
      server.stop();
    } finally {
      if (outerTmp === undefined) delete process.env['TMPDIR'];
      else process.env['TMPDIR'] = outerTmp;
      rmSync(runDir, { recursive: true, force: true });
    }
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}
