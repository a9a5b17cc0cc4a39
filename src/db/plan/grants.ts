import type { Grant, TablePrivilege } from '../../model/types.js';
import { qualified, quoteIdent } from '../../shared/sql-quote.js';
import type { On } from './online.js';
import { inTransaction, type Step } from './steps.js';

/**
 * GRANT of what a declared role lacks on a table or view (`all`: ALL), after it exists. GRANT changes
 * the catalog only and takes no lock on the table; nothing is ever revoked.
 */
export function grantStep(
  on: Pick<On, 'schema' | 'table'>,
  grant: Grant,
  privileges: 'all' | readonly TablePrivilege[],
): Step {
  const what = privileges === 'all' ? 'ALL' : privileges.map((p) => p.toUpperCase()).join(', ');
  // PUBLIC is a keyword, not a role: quoted it would name a role called public.
  const to = grant.role === 'public' ? 'PUBLIC' : quoteIdent(grant.role);
  return inTransaction(
    'grant',
    `${on.schema}.${on.table}`,
    `GRANT ${what} ON ${qualified(on.schema, on.table)} TO ${to}`,
    'none',
    { table: `${on.schema}.${on.table}` },
  );
}

/** A new table's or view's declared grants, whole. */
export const newGrants = (on: Pick<On, 'schema' | 'table'>, grants: readonly Grant[] = []): Step[] =>
  grants.map((g) => grantStep(on, g, g.all ? 'all' : g.privileges));
