import type { Service } from '../../model/types.js';
import { quoteIdent } from '../../shared/sql-quote.js';
import { plural } from '../../shared/plural.js';
import { connectUrl } from '../connect/connection.js';
import { errorLine } from '../connect/one-line.js';
import type { Db } from '../connect/queryable.js';
import { DEFAULT_POLICY, type LockPolicy } from './online-run.js';
import type { PushOutcome } from './outcome.js';
import { dropTenantSchema } from './tenant-schema.js';

/**
 * Databases of tenants with a database per tenant. A new tenant's database is created when the server
 * lets the user (CREATEDB): a sign-up then needs nobody else; where it does not, an operator creates
 * the empty database and the same call fills it (an existing database is pushed, never replaced).
 * CREATE DATABASE and DROP DATABASE run outside any transaction, from the server's maintenance
 * database `postgres`, since a database cannot create or drop itself.
 */

const name = (url: string) => decodeURIComponent(new URL(url).pathname.slice(1));

const maintenance = (url: string) => {
  const u = new URL(url);
  u.pathname = '/postgres';
  return connectUrl(u.toString(), 1);
};

const missing = (err: unknown) => (err as { code?: string }).code === '3D000';

/** Runs `fn` on the maintenance database of `url`'s server, closed after. */
async function onServer<T>(url: string, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = maintenance(url);
  try {
    return await fn(db);
  } finally {
    await db.close().catch(() => undefined);
  }
}

/**
 * The tenant's database opened, created first when it does not exist: `created` is then the
 * statement that made it. Another sign-up creating it meanwhile is fine (it exists either way).
 */
export async function openOrCreateDatabase(url: string): Promise<{ db: Db; created?: string }> {
  const db = connectUrl(url);
  try {
    await db.query('select 1');
    return { db };
  } catch (err) {
    await db.close().catch(() => undefined);
    if (!missing(err)) throw err;
  }
  const create = `CREATE DATABASE ${quoteIdent(name(url))}`;
  await onServer(url, async (admin) => {
    try {
      await admin.batch([create]);
    } catch (err) {
      if ((err as { code?: string }).code === '42P04') return;
      throw new Error(
        `cannot create database ${name(url)} (${errorLine(err)}); create it empty, or let the user create ` +
          `databases (CREATEDB), then run the same again`,
      );
    }
  });
  return { db: connectUrl(url), created: create };
}

/**
 * Drops a tenant's database under push's rules: refused while the service's tables hold rows unless
 * `acceptDataLoss`, and while the database holds anything but the service's schema (push would not
 * drop what it does not manage). Unchanged when the database is gone already. A database still in use
 * by another session fails to drop and says so; nothing is dropped then.
 */
export async function dropTenantDatabase(
  url: string,
  service: Service,
  acceptDataLoss: boolean,
  policy: LockPolicy = DEFAULT_POLICY,
): Promise<PushOutcome> {
  const drop = `DROP DATABASE ${quoteIdent(name(url))}`;
  const db = connectUrl(url);
  try {
    let others: string[];
    try {
      others = await otherContents(db, service.schema);
    } catch (err) {
      if (missing(err)) return { status: 'unchanged', statements: [], reasons: [] };
      throw err;
    }
    if (others.length > 0)
      return {
        status: 'refused',
        statements: [drop],
        reasons: [
          `dropping database ${name(url)} would also drop ${plural(others.length, 'schema')} push does not ` +
            `manage (${others.join(', ')}); nothing was changed`,
        ],
      };
    // The schema's own rules first (rows, dependents), rolled back: the database goes as a whole.
    const { sandbox } = await import('../connect/sandbox.js');
    const box = sandbox(db);
    const checked = await dropTenantSchema(box.db, service, acceptDataLoss, policy);
    await box.discard();
    if (checked.status === 'refused' || checked.status === 'failed') return { ...checked, statements: [drop] };
  } catch (err) {
    return { status: 'failed', statements: [], reasons: [errorLine(err)] };
  } finally {
    await db.close().catch(() => undefined);
  }
  try {
    await onServer(url, (admin) => admin.batch([drop]));
    return { status: 'altered', statements: [drop], reasons: [] };
  } catch (err) {
    return { status: 'failed', statements: [drop], reasons: [errorLine(err)] };
  }
}

/** Schemas of the database other than the service's that hold anything (an empty public is nothing). */
async function otherContents(db: Db, schema: string): Promise<string[]> {
  const rows = await db.query<{ name: string }>(
    `select n.nspname as name from pg_namespace n
      where n.nspname <> $1 and n.nspname not like 'pg\\_%' and n.nspname <> 'information_schema'
        and (n.nspname <> 'public' or exists (select from pg_class c where c.relnamespace = n.oid)
             or exists (select from pg_type t where t.typnamespace = n.oid)
             or exists (select from pg_proc p where p.pronamespace = n.oid))
      order by 1`,
    [schema],
  );
  return rows.map((r) => r.name);
}
