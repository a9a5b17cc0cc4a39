import { identifierProblem } from '../model/names.js';
import { sqlFragmentProblem } from '../model/sql-fragment.js';
import type { Finding } from './finding.js';
import type { ImportedTable } from './tables.js';

/** Each imported table's row-level security: `rls: true` or `force` and its `policies`, as the manifest writes them. */
export type TablePolicies = ReadonlyMap<ImportedTable, Record<string, unknown>>;

/**
 * Row-level security and policies of the imported tables, so push after import plans nothing for
 * them: `rls: true` where it is enabled (`force` where the owner is subject too), each policy with
 * its kind, command, roles and conditions as the server prints them (the defaults left out). A policy
 * the manifest cannot state (a name it refuses, a condition that is not one expression) is listed
 * instead, whole. FORCE on a table whose
 * row-level security is disabled (it does nothing then) has no manifest form: push leaves it (grants are imported by
 * grants.ts).
 */
export function importPolicies(tables: readonly ImportedTable[], unsupported: Finding[]): TablePolicies {
  const out = new Map<ImportedTable, Record<string, unknown>>();
  const handled = new Set<string>();
  for (const t of tables) {
    const policies: Record<string, Record<string, unknown>> = {};
    for (const p of t.live.policies) {
      const name = `${t.live.schema}.${t.live.name}.${p.name}`;
      handled.add(name);
      const problem =
        identifierProblem(p.name, 'policy name') ??
        [p.using, p.withCheck].map((sql) => (sql === null ? undefined : sqlFragmentProblem(sql))).find(Boolean);
      if (problem) {
        unsupported.push({ kind: 'policy', name, note: problem });
        continue;
      }
      policies[p.name] = {
        ...(p.as !== 'permissive' && { as: p.as }),
        ...(p.for !== 'all' && { for: p.for }),
        ...(p.to.length > 0 && { to: p.to }),
        ...(p.using !== null && { using: { sql: p.using } }),
        ...(p.withCheck !== null && { withCheck: { sql: p.withCheck } }),
      };
    }
    if (t.live.rls) handled.add(`${t.live.schema}.${t.live.name}`);
    if (t.live.rls || Object.keys(policies).length > 0)
      out.set(t, {
        ...(t.live.rls && { rls: t.live.forceRls ? 'force' : true }),
        ...(Object.keys(policies).length > 0 && { policies }),
      });
  }
  const bare = (u: Finding) =>
    (u.kind === 'policy' || u.kind === 'row level security') && !u.note && handled.has(u.name);
  unsupported.splice(0, unsupported.length, ...unsupported.filter((u) => !bare(u)));
  return out;
}
