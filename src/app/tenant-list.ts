import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { errorLine } from '../db/connect/one-line.js';
import type { Db } from '../db/connect/queryable.js';
import type { Target } from '../db/connect/targets.js';
import { schemaLike, tenantOfSchema, tenantSchema } from '../model/tenants.js';
import type { Service } from '../model/types.js';
import { UserError } from '../shared/errors.js';
import { tenantDatabase } from './tenant-databases.js';

/**
 * A tenant of a per-tenant service: its schema, and with a database per tenant its database (the
 * service's schema in it); or why its name or URL cannot be one.
 */
export type TenantEntry =
  | { readonly tenant: string; readonly schema: string; readonly database?: Target }
  | { readonly tenant: string; readonly problem: string };

/**
 * The tenants of `service` from its source (`tenants.from`), in the order the source gives them; with
 * `chosen`, only those (a name the source does not list is a problem of its own). A source that cannot
 * be read is the service's failure, said with what failed. `control`: the service's URL, on whose
 * server a database name pattern names the tenants' databases.
 */
export async function listTenants(
  service: Service,
  db: Db,
  root: string,
  chosen?: readonly string[],
  control?: string,
): Promise<TenantEntry[]> {
  const source = service.tenants!.source;
  const listed = source ? await fromSource(service, db, root) : (chosen ?? []).map((name): Listed => ({ name }));
  const urls = new Map<string, string | undefined>();
  for (const { name, url } of listed) if (!urls.has(name)) urls.set(name, url);
  const entry = (tenant: string): TenantEntry => tenantEntry(service, tenant, control, urls.get(tenant));
  const entries =
    !chosen || !source
      ? [...urls.keys()].map(entry)
      : [...new Set(chosen)].map((tenant) =>
          urls.has(tenant)
            ? entry(tenant)
            : { tenant, problem: `not a tenant of service ${service.name} (${said(service)})` },
        );
  return entries.map(sharingNoDatabase);
}

/** Two tenants in one database would be one schema pushed twice: the later one is a problem. */
function sharingNoDatabase(e: TenantEntry, i: number, all: readonly TenantEntry[]): TenantEntry {
  if (!('database' in e) || !e.database) return e;
  const first = all.find((o) => 'database' in o && o.database?.key === e.database!.key);
  return first === e
    ? e
    : { tenant: e.tenant, problem: `its database ${e.database.label} is tenant ${first!.tenant}'s` };
}

/** Where one tenant lives: a schema of the control database, or the service's schema in a database of its own. */
export function tenantEntry(service: Service, tenant: string, control?: string, url?: string): TenantEntry {
  if (service.tenants!.kind === 'database') {
    const place = tenantDatabase(service, tenant, control, url);
    return 'database' in place ? { tenant, schema: service.schema, database: place.database } : { tenant, ...place };
  }
  const bound = tenantSchema(service.tenants!, tenant);
  return 'schema' in bound ? { tenant, schema: bound.schema } : { tenant, problem: bound.problem };
}

/** A tenant as its source lists it: its name, and with a database per tenant perhaps its URL. */
type Listed = { readonly name: string; readonly url?: string };

const said = (service: Service) => {
  const s = service.tenants!.source!;
  if (s.kind === 'query') return 'its query does not list it';
  return s.kind === 'schemas' ? 'no schema of that name' : s.kind === 'file' ? `not in ${s.file}` : 'not in its list';
};

async function fromSource(service: Service, db: Db, root: string): Promise<Listed[]> {
  const s = service.tenants!.source!;
  const perDatabase = service.tenants!.kind === 'database';
  const fail = (what: string, err: unknown) =>
    new UserError(`service ${service.name}: ${what} failed, so its tenants are unknown: ${errorLine(err)}`);
  const listed = (name: unknown, url: unknown): Listed => ({
    name: String(name),
    ...(perDatabase && url !== undefined && url !== null && { url: String(url) }),
  });
  switch (s.kind) {
    case 'list':
      return s.names.map((name) => ({ name }));
    case 'file':
      try {
        return readFileSync(resolve(root, s.file), 'utf8')
          .split('\n')
          .map((line) => line.replace(/#.*/, '').trim())
          .filter((line) => line !== '')
          .map((line) => listed(...(line.split(/\s+/) as [string, string?])));
      } catch (err) {
        throw fail(`reading the tenants file ${s.file}`, err);
      }
    case 'query':
      try {
        const rows = await db.query<Record<string, unknown>>(s.query);
        return rows.map((row) => listed(...(Object.values(row) as [unknown, unknown?])));
      } catch (err) {
        throw fail(`the tenants query ${JSON.stringify(s.query)}`, err);
      }
    case 'schemas': {
      const rows = await db.query<{ name: string }>(
        'select nspname as name from pg_namespace where nspname like $1 order by 1',
        [schemaLike(service.tenants!)],
      );
      return rows.flatMap((r) => {
        const name = tenantOfSchema(service.tenants!, r.name);
        return name === undefined ? [] : [{ name }];
      });
    }
  }
}
