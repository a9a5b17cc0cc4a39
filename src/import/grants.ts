import type { CatalogGrant } from '../db/catalog/types.js';
import { TABLE_PRIVILEGES } from '../manifest/schema.js';
import { roleNameProblem } from '../model/names.js';
import { roleName } from '../shared/conventions.js';
import type { Finding } from './finding.js';
import type { ImportedTable } from './tables.js';

/** Each imported table's `grants:`, by role, as the manifest writes them. */
export type TableGrants = ReadonlyMap<ImportedTable, Grants>;

/** A relation's `grants:` as the manifest writes them: by role, `all` or the privileges. */
export type Grants = Record<string, 'all' | string[]>;

/**
 * The privileges each imported table grants roles other than its owner (PUBLIC as `public`), so push
 * after import plans nothing and a round trip grants them again (grantsOf).
 */
export function importGrants(tables: readonly ImportedTable[], unsupported: Finding[]): TableGrants {
  const ours = serviceRoles(tables);
  const out = new Map<ImportedTable, Grants>();
  for (const t of tables) {
    const grants = grantsOf(t.live.grants, `${t.live.schema}.${t.live.name}`, ours, unsupported);
    if (Object.keys(grants).length > 0) out.set(t, grants);
  }
  return out;
}

/** The roles `schemagen roles` manages for the services the tables go to. */
export const serviceRoles = (tables: readonly ImportedTable[]): ReadonlySet<string> =>
  new Set(tables.map((t) => roleName(t.place.service)));

/**
 * A table's or view's grants to roles other than its owner: `all` when a role holds every privilege,
 * else the list. Grants to a service's own role (`ours`) are left to `schemagen roles`. What the
 * manifest cannot state is listed: WITH GRANT OPTION (imported without it), MAINTAIN alone (PostgreSQL
 * 17), a role name the manifest refuses.
 */
export function grantsOf(
  live: readonly CatalogGrant[],
  relation: string,
  ours: ReadonlySet<string>,
  unsupported: Finding[],
): Grants {
  const grants: Grants = {};
  for (const g of live) {
    if (ours.has(g.role)) continue;
    const name = `${relation} to ${g.role}`;
    const problem = roleNameProblem(g.role);
    if (problem) {
      unsupported.push({ kind: 'grant', name, note: problem });
      continue;
    }
    const listed = g.privileges.filter((p) => (TABLE_PRIVILEGES as readonly string[]).includes(p));
    if (g.grantable) unsupported.push({ kind: 'grant', name, note: 'WITH GRANT OPTION (imported without it)' });
    if (!g.all && listed.length < g.privileges.length)
      unsupported.push({
        kind: 'grant',
        name,
        note: 'MAINTAIN without all privileges (the manifest names it only in all)',
      });
    if (g.all) grants[g.role] = 'all';
    else if (listed.length > 0) grants[g.role] = listed;
  }
  return grants;
}
