import type { View } from '../../model/types.js';
import type { CatalogView } from '../catalog/types.js';
import type { Equivalence } from './equivalence.js';
import { diffGrants } from './grants.js';
import { normalizeSql, stripSchema } from './normalize.js';
import { list, same, type Noted } from './types.js';

/**
 * The declared views against the live ones: the kind (view or materialized), the columns (names and
 * types, in order), the options, the query (as the server prints it: pg_get_viewdef of the live
 * view beside that of a temporary view of the manifest's query, deparse.ts) and a materialized view's
 * indexes. A view the manifest does not declare is left alone (verify lists it as unmanaged).
 */
export function diffViews(
  views: readonly View[],
  live: readonly CatalogView[],
  at: Noted,
  equivalence: Equivalence,
): void {
  const byName = new Map(live.map((v) => [v.name, v] as const));
  for (const view of views) {
    const found = byName.get(view.name);
    if (!found) {
      at(view.name, `${kindOf(view)} is missing`, { kind: 'create view', view });
      continue;
    }
    // A view created again gets its declared grants with it (plan/views.ts); one kept is compared here.
    let recreated = false;
    const replace = (message: string, recreate: boolean) => {
      recreated = recreate;
      at(view.name, message, { kind: 'replace view', view, live: found, recreate });
    };
    const columns = view.columns.map((c) => `${c.name} ${c.type.sql}`);
    const liveColumns = found.columns.map((c) => `${c.name} ${stripSchema(c.type)}`);
    // CREATE OR REPLACE VIEW keeps the columns a view has and may only add more after them.
    const kept = liveColumns.every((c, i) => c === columns[i]);
    if (found.materialized !== view.materialized) replace(`is a ${kindOf(found)}; expected a ${kindOf(view)}`, true);
    else if (!same(columns, liveColumns))
      replace(`columns are ${list(liveColumns)}; expected ${list(columns)}`, view.materialized || !kept);
    else if (!same([...found.options].sort(), [...view.options].sort()))
      replace(`options are ${list(found.options)}; expected ${list(view.options)}`, view.materialized);
    else if (!sameQuery(view.sql, found.definition, equivalence))
      replace(`query is ${oneLine(found.definition)}; expected ${oneLine(view.sql)}`, view.materialized);
    else if (view.materialized) diffViewIndexes(view, found, at);
    if (!recreated) diffGrants(view, found, at);
  }
}

/** The same text once normalized, or the server's print of the manifest's query. */
function sameQuery(sql: string, definition: string, equivalence: Equivalence): boolean {
  return (
    normalizeSql(definition.replace(/;\s*$/, '')) === normalizeSql(sql) ||
    equivalence.same({ kind: 'view', sql, columns: [] }, definition)
  );
}

function diffViewIndexes(view: View, live: CatalogView, at: Noted) {
  for (const index of view.indexes) {
    const found = live.indexes.find((ix) => ix.name === index.name);
    const where = `${view.name}.${index.name}`;
    if (!found) at(where, 'index is missing', { kind: 'view index', view, index, replace: false });
    else if (!found.plain || found.unique !== index.unique || !same(found.columns.map(String), index.columns))
      at(
        where,
        `index is ${found.definition}; expected ${index.unique ? 'a unique ' : 'an '}index on ${list(index.columns)}`,
        {
          kind: 'view index',
          view,
          index,
          replace: true,
        },
      );
  }
  for (const ix of live.indexes)
    if (!view.indexes.some((x) => x.name === ix.name))
      at(`${view.name}.${ix.name}`, 'index is not in the manifest', { kind: 'drop view index', view, name: ix.name });
}

const kindOf = (v: { materialized: boolean }) => (v.materialized ? 'materialized view' : 'view');
const oneLine = (sql: string) => sql.replace(/\s+/g, ' ').replace(/;\s*$/, '').trim();

/** The names of the views a service declares, which verify does not list as unmanaged. */
export const declaredViews = (views: readonly View[]): Set<string> => new Set(views.map((v) => v.name));
