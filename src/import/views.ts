import type { CatalogView } from '../db/catalog/types.js';
import { constraintNames } from '../shared/conventions.js';
import { MAX_VIEW_QUERY } from '../model/resolve-views.js';
import { identifierProblem } from '../model/names.js';
import { sqlFragmentProblem } from '../model/sql-fragment.js';
import { typeSpelling } from './columns.js';
import { renamed } from './functions.js';
import type { Grants } from './grants.js';
import type { Placement, SchemaHomes } from './placement.js';
import type { Finding } from './finding.js';

/** Views by service, each as the manifest writes it: `{ sql, columns, materialized?, with?, indexes? }`. */
export type ServiceViews = ReadonlyMap<string, Record<string, Record<string, unknown>>>;

/** What import knows of the schemas moving to their home service (placement.ts), for their views. */
export interface Moving {
  readonly homes: SchemaHomes;
  /** the moving views' queries with every name qualified (catalog.ts), by `schema.name` */
  readonly definitions: ReadonlyMap<string, string>;
  /** the objects of each moving schema that go to its home under their own names */
  readonly names: ReadonlyMap<string, ReadonlySet<string>>;
}

/**
 * The views of each schema with a home: declared there, written with the query the server prints so
 * push finds them equal. A view of a schema moving to its home (`public` adopted into a service) is
 * moved along by push; its query is written with the names of what moves with it in their new schema
 * (a view holds the tables it reads, so it keeps working). A view the manifest cannot state is
 * listed instead, never half imported: one of a schema without a home, one reading a table that push
 * renames or moves elsewhere (its query would name the old place), a column of a type the manifest
 * has no spelling for, a query the manifest's rules refuse, or an index other than btree over columns.
 */
export function importViews(
  views: readonly CatalogView[],
  placeOf: (schema: string, table: string) => Placement | undefined,
  moving: Moving,
  unsupported: Finding[],
  /** the view's `grants:` (grants.ts) */
  grantsOf: (v: CatalogView) => Grants,
): ServiceViews {
  const out = new Map<string, Record<string, Record<string, unknown>>>();
  for (const v of views) {
    const name = `${v.schema}.${v.name}`;
    const home = moving.homes.get(v.schema);
    const query = home === v.schema ? querySql(v.definition) : movedQuery(v, home, moving);
    const problem = viewProblem(v, home, query, placeOf);
    if (problem || query === undefined) {
      unsupported.push({ kind: v.materialized ? 'materialized view' : 'view', name, note: problem });
      continue;
    }
    const spec: Record<string, unknown> = {
      sql: query,
      columns: Object.fromEntries(v.columns.map((c) => [c.name, typeSpelling(c as never)!])),
      ...(v.materialized && { materialized: true }),
      ...(v.options.length > 0 && { with: Object.fromEntries(v.options.map(option)) }),
      ...(v.indexes.length > 0 && {
        indexes: v.indexes.map((ix) => ({
          columns: ix.columns,
          ...(ix.name !==
            constraintNames.index(
              v.name,
              (ix.columns as string[]).map((column) => ({ column })),
            ) && { name: ix.name }),
          ...(ix.unique && { unique: true }),
        })),
      }),
    };
    const grants = grantsOf(v);
    if (Object.keys(grants).length > 0) spec['grants'] = grants;
    const service = out.get(home!) ?? {};
    service[v.name] = spec;
    out.set(home!, service);
  }
  return out;
}

/** The qualified query of a view moving to `home`, naming what moves with it where it goes. */
function movedQuery(v: CatalogView, home: string | undefined, moving: Moving): string | undefined {
  const qualified = moving.definitions.get(`${v.schema}.${v.name}`);
  if (home === undefined || qualified === undefined) return undefined;
  const names = [...(moving.names.get(v.schema) ?? [])];
  return querySql(names.reduce((text, n) => renamed(text, v.schema, n, `${home}.${n}`), qualified));
}

/** pg_get_viewdef's text less its `;` and the line breaks around it. */
const querySql = (definition: string) => definition.trim().replace(/;$/, '').trim();

/** `security_barrier=true` → `[security_barrier, true]`; numbers stay numbers. */
function option(text: string): [string, unknown] {
  const eq = text.indexOf('=');
  const value = text.slice(eq + 1);
  return [
    text.slice(0, eq),
    value === 'true' ? true : value === 'false' ? false : /^\d+$/.test(value) ? BigInt(value) : value,
  ];
}

function viewProblem(
  v: CatalogView,
  home: string | undefined,
  query: string | undefined,
  placeOf: (schema: string, table: string) => Placement | undefined,
): string | undefined {
  const named = identifierProblem(v.name, 'view name');
  if (named) return named;
  if (home === undefined || query === undefined)
    return `the tables of schema ${v.schema} go to several services (or none): the view stays`;
  // A table read may move only as the view does: from the view's schema to its home, under its name.
  const movedAway = (schema: string, table: string) => {
    const place = placeOf(schema, table);
    const along = schema === v.schema && place?.service === home && place.name === table;
    return place !== undefined && (place.service !== schema || place.name !== table) && !along;
  };
  const read = v.reads.find((r) => movedAway(r.slice(0, r.indexOf('.')), r.slice(r.indexOf('.') + 1)));
  if (read) return `reads ${read}, which push moves: its query would name the old place`;
  const column = v.columns.find(
    (c) =>
      identifierProblem(c.name, 'column name') ||
      !typeSpelling(c as never) ||
      (c.typeKind === 'e' && c.typeSchema !== v.schema),
  );
  if (column) return `column ${column.name} of type ${column.type} has no manifest form`;
  const problem = sqlFragmentProblem(query, MAX_VIEW_QUERY);
  if (problem) return problem.replace(/SQL expression/g, 'view query');
  const index = v.indexes.find((ix) => !ix.plain);
  if (index) return `index ${index.name} is not a btree over columns: ${index.definition}`;
  return undefined;
}
