import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { errorLine } from '../db/connect/one-line.js';
import type { Db } from '../db/connect/queryable.js';
import { schemaLike, tenantOfSchema, tenantSchema } from '../model/tenants.js';
import type { Service } from '../model/types.js';
import { UserError } from '../shared/errors.js';

/** A tenant of a per-tenant service: its schema, or why its name cannot be one. */
export type TenantEntry =
  { readonly tenant: string; readonly schema: string } | { readonly tenant: string; readonly problem: string };

/**
 * The tenants of `service` from its source (`tenants.from`), in the order the source gives them; with
 * `chosen`, only those (a name the source does not list is a problem of its own). A source that cannot
 * be read is the service's failure, said with what failed.
 */
export async function listTenants(
  service: Service,
  db: Db,
  root: string,
  chosen?: readonly string[],
): Promise<TenantEntry[]> {
  const t = service.tenants!;
  const source = t.source;
  const names = source ? await fromSource(service, db, root) : [...(chosen ?? [])];
  const unique = [...new Set(names)];
  const entry = (tenant: string): TenantEntry => {
    const bound = tenantSchema(t, tenant);
    return 'schema' in bound ? { tenant, schema: bound.schema } : { tenant, problem: bound.problem };
  };
  if (!chosen || !source) return unique.map(entry);
  return [...new Set(chosen)].map((tenant) =>
    unique.includes(tenant)
      ? entry(tenant)
      : { tenant, problem: `not a tenant of service ${service.name} (${said(service)})` },
  );
}

const said = (service: Service) => {
  const s = service.tenants!.source!;
  if (s.kind === 'query') return 'its query does not list it';
  return s.kind === 'schemas' ? 'no schema of that name' : s.kind === 'file' ? `not in ${s.file}` : 'not in its list';
};

async function fromSource(service: Service, db: Db, root: string): Promise<string[]> {
  const s = service.tenants!.source!;
  const fail = (what: string, err: unknown) =>
    new UserError(`service ${service.name}: ${what} failed, so its tenants are unknown: ${errorLine(err)}`);
  switch (s.kind) {
    case 'list':
      return [...s.names];
    case 'file':
      try {
        return readFileSync(resolve(root, s.file), 'utf8')
          .split('\n')
          .map((line) => line.replace(/#.*/, '').trim())
          .filter((line) => line !== '');
      } catch (err) {
        throw fail(`reading the tenants file ${s.file}`, err);
      }
    case 'query':
      try {
        const rows = await db.query<Record<string, unknown>>(s.query);
        return rows.map((row) => String(Object.values(row)[0]));
      } catch (err) {
        throw fail(`the tenants query ${JSON.stringify(s.query)}`, err);
      }
    case 'schemas': {
      const rows = await db.query<{ name: string }>(
        'select nspname as name from pg_namespace where nspname like $1 order by 1',
        [schemaLike(service.tenants!)],
      );
      return rows.flatMap((r) => tenantOfSchema(service.tenants!, r.name) ?? []);
    }
  }
}
