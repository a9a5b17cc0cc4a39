import type { Grant, Service, TablePrivilege } from '../../model/types.js';
import { roleName } from '../../shared/conventions.js';
import type { CatalogGrant, CatalogSchema } from '../catalog/types.js';
import type { Noted } from './types.js';

/** A table or view of the manifest, with the grants it declares. */
interface Granting {
  readonly name: string;
  readonly grants?: readonly Grant[];
}

/**
 * The roles the tables' and views' `grants:` name that the server does not have (`roles`): each
 * refuses the push, before anything runs, since push creates no roles. Checked before the schema is:
 * a new schema's tables are created with their grants.
 */
export function missingRoles(relations: readonly Granting[], roles: ReadonlySet<string>, at: Noted): void {
  for (const relation of relations)
    for (const { role } of relation.grants ?? [])
      if (role !== 'public' && !roles.has(role))
        at(relation.name, `role ${role} does not exist; push creates no roles (CREATE ROLE it first)`, {
          kind: 'missing role',
          relation: relation.name,
          role,
        });
}

/**
 * A live table's or view's declared grants against its privileges: what a role lacks is granted, and
 * nothing is revoked (a privilege the manifest does not declare is left alone, listed as unmanaged).
 */
export function diffGrants(declared: Granting, live: { readonly grants: readonly CatalogGrant[] }, at: Noted): void {
  for (const grant of declared.grants ?? []) {
    const found = live.grants.find((g) => g.role === grant.role);
    const lacking = lackingPrivileges(grant, found);
    if (lacking === undefined) continue;
    const has = found ? `has ${found.privileges.join(', ')}` : 'has none';
    const expected = grant.all ? 'all' : grant.privileges.join(', ');
    at(
      declared.name,
      `role ${grant.role} lacks ${lacking === 'all' ? 'some privileges' : lacking.join(', ')} (${has}); ` +
        `expected ${expected} (grants:)`,
      { kind: 'grant', relation: declared.name, grant, privileges: lacking },
    );
  }
}

/** What `grant` asks that `live` lacks: `all`, the privileges missing, or undefined when none is. */
function lackingPrivileges(grant: Grant, live: CatalogGrant | undefined): 'all' | TablePrivilege[] | undefined {
  if (grant.all) return live?.all ? undefined : 'all';
  const missing = grant.privileges.filter((p) => !live?.privileges.includes(p));
  return missing.length > 0 ? missing : undefined;
}

/**
 * What verify lists as unmanaged grants: each privilege of a service's table or view held by a role
 * other than its owner that `grants:` does not declare. Grants to the services' own roles are left
 * out: `schemagen roles` manages those.
 */
export function unmanagedGrants(service: Service, catalog: CatalogSchema, services: readonly string[]): string[] {
  const ours = new Set(services.map(roleName));
  const declared = new Map<string, Granting>([...service.tables, ...service.views].map((r) => [r.name, r]));
  return [...catalog.tables.filter((t) => !t.partition), ...catalog.views].flatMap((live) =>
    live.grants.flatMap((g) => {
      if (ours.has(g.role)) return [];
      const want = declared.get(live.name)?.grants?.find((d) => d.role === g.role);
      const extra = want?.all ? [] : g.privileges.filter((p) => !want?.privileges.includes(p as TablePrivilege));
      return extra.length > 0 ? [`grant ${service.schema}.${live.name} to ${g.role}: ${extra.join(', ')}`] : [];
    }),
  );
}
