import type { Index, View } from '../../model/types.js';
import { qualified, quoteIdent as q } from '../../shared/sql-quote.js';
import { newGrants } from './grants.js';
import { inTransaction, type Step } from './steps.js';

/**
 * The statements of a declared view: created with its options (and a materialized view filled and
 * given its indexes), replaced in place with CREATE OR REPLACE VIEW where the columns allow it
 * (options and query are replaced together), or dropped first. A view holds no rows of its own: a
 * materialized view's are computed again from its query, so nothing is lost.
 */
export function createView(schema: string, view: View, orReplace = false): Step[] {
  const name = qualified(schema, view.name);
  const what = view.materialized ? 'MATERIALIZED VIEW' : 'VIEW';
  const options = view.options.length > 0 ? ` WITH (${view.options.join(', ')})` : '';
  const head = `CREATE ${orReplace ? 'OR REPLACE ' : ''}${what} ${name}${options} AS ${view.sql}`;
  const object = `${schema}.${view.name}`;
  return [
    inTransaction(
      'create view',
      object,
      `${head}${view.materialized ? ' WITH DATA' : ''}`,
      'ACCESS EXCLUSIVE',
      {},
      {
        scans: view.materialized,
      },
    ),
    ...view.indexes.map((ix) => viewIndex(schema, view, ix)),
    // CREATE OR REPLACE keeps the grants the view has; a new one gets those declared.
    ...(orReplace ? [] : newGrants({ schema, table: view.name }, view.grants)),
  ];
}

export function dropView(schema: string, view: { name: string; materialized: boolean }): Step {
  const sql = `DROP ${view.materialized ? 'MATERIALIZED VIEW' : 'VIEW'} ${qualified(schema, view.name)}`;
  return inTransaction('drop view', `${schema}.${view.name}`, sql, 'ACCESS EXCLUSIVE', {});
}

export function viewIndex(schema: string, view: View, ix: Index): Step {
  const sql =
    `CREATE ${ix.unique ? 'UNIQUE ' : ''}INDEX ${q(ix.name)} ON ${qualified(schema, view.name)} ` +
    `(${ix.columns.map(q).join(', ')})`;
  return inTransaction('create index', `${schema}.${view.name}.${ix.name}`, sql, 'SHARE', {}, { scans: true });
}

export function dropViewIndex(schema: string, view: View, name: string, rule?: string): Step {
  const sql = `DROP INDEX ${qualified(schema, name)}`;
  return inTransaction(
    'drop index',
    `${schema}.${view.name}.${name}`,
    sql,
    'ACCESS EXCLUSIVE',
    {},
    {
      ...(rule && { removesRule: rule }),
    },
  );
}

/**
 * New views in an order that creates each after the declared views its query names (`shop.a` or
 * `"shop"."a"`), so one view may read another.
 */
export function creationOrder(schema: string, views: readonly View[]): View[] {
  const names = (v: View) =>
    views.filter((o) => o !== v && new RegExp(`\\b${schema}"?\\s*\\.\\s*"?${o.name}\\b`, 'i').test(v.sql));
  const done: View[] = [];
  const visit = (v: View, path: readonly View[]) => {
    if (done.includes(v) || path.includes(v)) return;
    for (const read of names(v)) visit(read, [...path, v]);
    done.push(v);
  };
  for (const v of views) visit(v, []);
  return done;
}
