import type { TestProject } from 'vitest/node';
import { startPostgres } from './postgres-server.mjs';

/** One server for the whole run; each test file creates its own databases on it. */
export default async function setup(project: TestProject) {
  const server = await startPostgres();
  project.provide('postgresUrl', server.url());
  return () => server.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}
