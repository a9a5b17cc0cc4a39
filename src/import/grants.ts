import { TABLE_PRIVILEGES } from '../manifest/schema.js';
import { roleNameProblem } from '../model/names.js';
import { roleName } from '../shared/conventions.js';
import type { Finding, ImportedTable } from './tables.js';

/** Each imported table's `grants:`, by role, as the manifest writes them. */
export type TableGrants = ReadonlyMap<ImportedTable, Record<string, 'all' | string[]>>;

/**
 * The privileges each imported table grants roles other than its owner (PUBLIC as `public`), so push
 * after import plans nothing and a round trip grants them again: `all` when a role holds every
 * privilege, else the list. Grants to a service's own role are left to `schemagen roles`. What the
 * manifest cannot state is listed: WITH GRANT OPTION (imported without it), MAINTAIN alone (PostgreSQL
 * 17), a role name the manifest refuses.
 */
export function importGrants(tables: readonly ImportedTable[], unsupported: Finding[]): TableGrants {
  const services = new Set(tables.map((t) => roleName(t.place.service)));
  const out = new Map<ImportedTable, Record<string, 'all' | string[]>>();
  for (const t of tables) {
    const grants: Record<string, 'all' | string[]> = {};
    for (const g of t.live.grants) {
      if (services.has(g.role)) continue;
      const name = `${t.live.schema}.${t.live.name} to ${g.role}`;
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
    if (Object.keys(grants).length > 0) out.set(t, grants);
  }
  return out;
}
