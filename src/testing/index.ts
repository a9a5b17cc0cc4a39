// drizzle-schemagen/testing: a database with the manifest's services pushed, for each test.
import type { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type postgres from 'postgres';
import { closeIdlePglite, isolatedPglite } from './pglite.js';
import { freshPostgres } from './postgres.js';
import { checkSchemaNames, testProject, type TestProject } from './project.js';

/** Generated modules by service name: `import * as auth from './generated/auth/index.js'` gives `{ auth }`. */
export type ServiceModules = Readonly<Record<string, { readonly schema: Record<string, unknown> }>>;

/** One Drizzle database per service, typed by its generated `schema` (tables and relations, for `db.query`). */
export type ServiceDatabases<S extends ServiceModules> = {
  readonly [K in keyof S]: PgDatabase<PgQueryResultHKT, S[K]['schema']>;
};

export interface TestDatabaseOptions<S extends ServiceModules> {
  /** the manifest, relative to the working directory; default `schema.yaml` */
  readonly manifest?: string;
  /** the generated modules of the services to query; `db` holds one Drizzle database for each */
  readonly schemas?: S;
  /**
   * the services to push, with every service they reference; default: those in `schemas`, or every
   * service when `schemas` is not given
   */
  readonly services?: readonly string[];
  /**
   * the tenants to create for every per-tenant service pushed (their source is not read); query one
   * with `schemas: { shop: { schema: forTenant('acme') } }` from its generated tenant.ts
   */
  readonly tenants?: readonly string[];
  /**
   * a PostgreSQL server (`postgres://user:pass@host/any_database`): each call gets a database of its
   * own there, cloned from a template and dropped by `close`; the user needs CREATEDB. Without it,
   * the test runs in embedded PGlite, in memory, inside a transaction rolled back by `close`.
   */
  readonly url?: string;
}

export interface TestDatabase<S extends ServiceModules = ServiceModules> extends AsyncDisposable {
  readonly db: ServiceDatabases<S>;
  readonly kind: 'pglite' | 'postgres';
  /** on PostgreSQL, this call's own database, for code under test that connects by itself */
  readonly url: string | undefined;
  /** runs SQL on the same database (on PGlite, inside the same isolating transaction) */
  query<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /** discards everything the test wrote (PGlite: rolls back; PostgreSQL: drops the database); safe to call twice */
  close(): Promise<void>;
}

/**
 * A database with the manifest's services pushed and nothing in it, for one test. Close it after the
 * test (`afterEach(() => t.close())`, or `await using t = await createTestDatabase(...)`).
 */
export async function createTestDatabase<S extends ServiceModules = Record<never, never>>(
  options: TestDatabaseOptions<S> = {},
): Promise<TestDatabase<S>> {
  const schemas: ServiceModules = options.schemas ?? {};
  const names = options.services ?? Object.keys(schemas);
  const project = testProject(options.manifest ?? 'schema.yaml', names, options.tenants);
  checkSchemaNames(project, Object.keys(schemas));
  const opened = options.url ? await onPostgres(options.url, project) : await onPglite(project);
  const db = Object.fromEntries(Object.entries(schemas).map(([name, m]) => [name, opened.drizzle(m.schema)]));
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= opened.close());
  return {
    db: db as ServiceDatabases<S>,
    kind: opened.kind,
    url: opened.url,
    query: opened.query,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** Closes the PGlite instances kept for later tests; a plain node script (no test runner) calls it before exiting. */
export const closeTestDatabases: () => Promise<void> = closeIdlePglite;

interface Opened {
  readonly kind: 'pglite' | 'postgres';
  readonly url: string | undefined;
  readonly drizzle: (schema: Record<string, unknown>) => PgDatabase<PgQueryResultHKT, Record<string, unknown>>;
  readonly query: <T>(text: string, params?: readonly unknown[]) => Promise<T[]>;
  readonly close: () => Promise<void>;
}

async function onPglite(project: TestProject): Promise<Opened> {
  const [{ drizzle }, isolated] = await Promise.all([import('drizzle-orm/pglite'), isolatedPglite(project)]);
  const client = isolated.client;
  return {
    kind: 'pglite',
    url: undefined,
    // drizzle-orm/pglite calls only query and transaction, which the isolating client provides.
    drizzle: (schema) => drizzle({ client: client as unknown as PGlite, schema }),
    query: async <T>(text: string, params: readonly unknown[] = []) => (await client.query<T>(text, [...params])).rows,
    close: isolated.close,
  };
}

async function onPostgres(url: string, project: TestProject): Promise<Opened> {
  const [{ drizzle }, fresh] = await Promise.all([import('drizzle-orm/postgres-js'), freshPostgres(url, project)]);
  const client = fresh.client;
  return {
    kind: 'postgres',
    url: fresh.url,
    drizzle: (schema) => drizzle({ client, schema }),
    query: async <T>(text: string, params: readonly unknown[] = []) =>
      (await client.unsafe(text, params as postgres.ParameterOrJSON<never>[])) as unknown as T[],
    close: fresh.close,
  };
}
