import type { Policy, Table } from '../../model/types.js';
import type { CatalogPolicy, CatalogTable } from '../catalog/types.js';
import type { Expression } from './deparse.js';
import { declaredColumns, type Equivalence } from './equivalence.js';
import { normalizeSql } from './normalize.js';
import type { Noted } from './types.js';

/**
 * Row-level security as the table declares it: enabled when `rls: true`, and forced on the owner
 * too with `rls: force` (never disabled or unforced: a table without them is left as it is), and
 * each declared policy against the live one of its name: kind, command, roles, and USING and WITH
 * CHECK as the server prints them (the manifest's spelled on a temporary table of the declared
 * columns where the text differs, deparse.ts). Policies of other names are left alone (verify lists
 * them as unmanaged).
 */
export function diffPolicies(
  schema: string,
  table: Table,
  live: CatalogTable,
  at: Noted,
  equivalence: Equivalence,
): void {
  if (table.rls && !live.rls)
    at(table.name, 'row level security is disabled; expected enabled (rls: true)', { kind: 'enable rls', table });
  if (table.rls === 'force' && !live.forceRls)
    at(table.name, 'row level security is not forced; expected forced on the owner too (rls: force)', {
      kind: 'force rls',
      table,
    });
  for (const policy of table.policies ?? []) {
    const where = `${table.name}.${policy.name}`;
    const found = live.policies.find((p) => p.name === policy.name);
    const change = (replace: boolean) => ({ kind: 'declared policy' as const, table, policy, replace });
    if (!found) {
      at(where, 'policy is missing', change(false));
      continue;
    }
    const difference = policyDifference(schema, table, policy, found, equivalence);
    if (difference) at(where, difference, change(true));
  }
}

function policyDifference(
  schema: string,
  table: Table,
  want: Policy,
  live: CatalogPolicy,
  equivalence: Equivalence,
): string | undefined {
  if (live.as !== want.as) return `policy is ${live.as}; expected ${want.as}`;
  if (live.for !== want.for) return `policy is for ${live.for}; expected for ${want.for}`;
  const roles = [...want.to].sort();
  if (roles.join(',') !== live.to.join(','))
    return `policy is to ${live.to.join(', ') || 'public'}; expected to ${roles.join(', ') || 'public'}`;
  for (const [key, clause, sql, text] of [
    ['USING', 'using', want.using, live.using],
    ['WITH CHECK', 'withCheck', want.withCheck, live.withCheck],
  ] as const) {
    if (sql === undefined && text === null) continue;
    const differs = `policy ${clause} is ${text ?? 'none'}; expected ${sql ?? 'none'}`;
    if (sql === undefined || text === null) return differs;
    if (normalizeSql(sql) === normalizeSql(text)) continue;
    const expression: Expression = { kind: 'policy', key, sql, columns: declaredColumns(schema, table) };
    if (!equivalence.same(expression, text)) return differs;
  }
  return undefined;
}

/** `table.policy` of each declared policy, and the tables declaring `rls: true`: not listed as unmanaged. */
export const declaredPolicies = (tables: readonly Table[]): Set<string> =>
  new Set(tables.flatMap((t) => (t.policies ?? []).map((p) => `${t.name}.${p.name}`)));
