import postgres from 'postgres';
import { connectUrl, maskUrl } from '../db/connect/connection.js';
import { quoteIdent } from '../shared/sql-quote.js';
import { pushServices, type TestProject } from './project.js';

/**
 * Test databases on a PostgreSQL server: the services are pushed once into a template database
 * named after the project's key, and each call clones it (`CREATE DATABASE … TEMPLATE`, a file copy
 * on the server, far cheaper than a push) and drops the clone when done.
 *
 * A template is published by renaming a database that is complete, so a process that finds it by
 * name never clones a half-pushed one, and two processes building it at once both succeed (the
 * loser drops its copy). A changed manifest has another key, hence another template. Templates are
 * kept on the server for later runs; drop `schemagen_template_*` databases to reclaim them.
 */
const TEMPLATE_PREFIX = 'schemagen_template_';
const DUPLICATE_DATABASE = '42P04';

export interface PostgresTestDatabase {
  /** the new database's URL */
  readonly url: string;
  readonly client: postgres.Sql;
  /** closes the client and drops the database */
  readonly close: () => Promise<void>;
}

const admins = new Map<string, postgres.Sql>();
const templates = new Map<string, Promise<string>>();
let counter = 0;

/** A new database on the server at `serverUrl` holding the project's services, empty. */
export async function freshPostgres(serverUrl: string, project: TestProject): Promise<PostgresTestDatabase> {
  const admin = adminFor(serverUrl);
  const template = await templateFor(admin, serverUrl, project);
  const name = `schemagen_test_${project.key.slice(0, 12)}_${process.pid}_${counter++}`;
  await admin.unsafe(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(template)}`);
  const url = withDatabase(serverUrl, name);
  const client = postgres(url, { onnotice: () => {}, connection: { application_name: 'schemagen-test' } });
  return {
    url,
    client,
    close: async () => {
      await client.end({ timeout: 5 });
      await admin.unsafe(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    },
  };
}

/** One small pool per server and process for CREATE and DROP DATABASE; idle connections close soon. */
function adminFor(serverUrl: string): postgres.Sql {
  let admin = admins.get(serverUrl);
  if (!admin) {
    admin = postgres(serverUrl, { max: 4, idle_timeout: 2, onnotice: () => {}, prepare: false });
    admins.set(serverUrl, admin);
  }
  return admin;
}

function templateFor(admin: postgres.Sql, serverUrl: string, project: TestProject): Promise<string> {
  const id = `${serverUrl}\0${project.key}`;
  let template = templates.get(id);
  if (!template) {
    template = ensureTemplate(admin, serverUrl, project);
    templates.set(id, template);
    // A failed push is reported to the test that asked; the next call tries again.
    template.catch(() => templates.delete(id));
  }
  return template;
}

async function ensureTemplate(admin: postgres.Sql, serverUrl: string, project: TestProject): Promise<string> {
  const name = `${TEMPLATE_PREFIX}${project.key.slice(0, 24)}`;
  const found = await admin.unsafe('select 1 from pg_database where datname = $1', [name]);
  if (found.length > 0) return name;
  const building = `${name}_${process.pid}_${Date.now().toString(36)}`;
  await admin.unsafe(`CREATE DATABASE ${quoteIdent(building)}`);
  try {
    const db = connectUrl(withDatabase(serverUrl, building));
    try {
      await pushServices(db, project);
    } finally {
      await db.close();
    }
    await admin.unsafe(`ALTER DATABASE ${quoteIdent(building)} RENAME TO ${quoteIdent(name)}`);
  } catch (err) {
    await admin.unsafe(`DROP DATABASE IF EXISTS ${quoteIdent(building)} WITH (FORCE)`);
    if ((err as { code?: string }).code !== DUPLICATE_DATABASE) {
      (err as Error).message = `building the test template on ${maskUrl(serverUrl)}: ${(err as Error).message}`;
      throw err;
    }
  }
  return name;
}

function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
