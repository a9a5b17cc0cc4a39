import type { CatalogView } from '../db/catalog/types.js';
import { constraintNames } from '../shared/conventions.js';
import { MAX_VIEW_QUERY } from '../model/resolve-views.js';
import { identifierProblem } from '../model/names.js';
import { sqlFragmentProblem } from '../model/sql-fragment.js';
import { typeSpelling } from './columns.js';
import type { Placement } from './placement.js';
import type { Finding } from './tables.js';

/** Views by service, each as the manifest writes it: `{ sql, columns, materialized?, with?, indexes? }`. */
export type ServiceViews = ReadonlyMap<string, Record<string, Record<string, unknown>>>;

/**
 * The views of the schemas that become services as they are (their tables neither moved nor
 * renamed), written with the query the server prints, so push finds them equal. A view the manifest
 * cannot state is listed instead, never half imported: one in a schema whose tables move (its query
 * would name where they were), one reading a table import moves, a column of a type the manifest
 * has no spelling for, a query the manifest's rules refuse, or an index other than btree over columns.
 */
export function importViews(
  views: readonly CatalogView[],
  placeOf: (schema: string, table: string) => Placement | undefined,
  services: ReadonlySet<string>,
  unsupported: Finding[],
): ServiceViews {
  const out = new Map<string, Record<string, Record<string, unknown>>>();
  for (const v of views) {
    const name = `${v.schema}.${v.name}`;
    const problem = viewProblem(v, placeOf, services);
    if (problem) {
      unsupported.push({ kind: v.materialized ? 'materialized view' : 'view', name, note: problem });
      continue;
    }
    const spec: Record<string, unknown> = {
      sql: querySql(v.definition),
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
    const service = out.get(v.schema) ?? {};
    service[v.name] = spec;
    out.set(v.schema, service);
  }
  return out;
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
  placeOf: (schema: string, table: string) => Placement | undefined,
  services: ReadonlySet<string>,
): string | undefined {
  const named = identifierProblem(v.name, 'view name');
  if (named) return named;
  const moved = (schema: string, table: string) => {
    const place = placeOf(schema, table);
    return place !== undefined && (place.service !== schema || place.name !== table);
  };
  if (!services.has(v.schema))
    return `no service keeps schema ${v.schema} as it is (its tables move, or none is imported): the view stays`;
  const read = v.reads.find((r) => moved(r.slice(0, r.indexOf('.')), r.slice(r.indexOf('.') + 1)));
  if (read) return `reads ${read}, which push moves: its query would name the old place`;
  const column = v.columns.find(
    (c) =>
      identifierProblem(c.name, 'column name') ||
      !typeSpelling(c as never) ||
      (c.typeKind === 'e' && c.typeSchema !== v.schema),
  );
  if (column) return `column ${column.name} of type ${column.type} has no manifest form`;
  const query = sqlFragmentProblem(querySql(v.definition), MAX_VIEW_QUERY);
  if (query) return query.replace(/SQL expression/g, 'view query');
  const index = v.indexes.find((ix) => !ix.plain);
  if (index) return `index ${index.name} is not a btree over columns: ${index.definition}`;
  return undefined;
}
