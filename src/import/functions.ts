import type { CatalogFunction } from '../db/catalog/types.js';
import { TOUCH_FUNCTION } from '../db/compare/triggers.js';
import { identifierProblem } from '../model/names.js';
import { sqlFragmentProblem } from '../model/sql-fragment.js';
import type { Finding } from './finding.js';
import type { ImportedTable } from './tables.js';

/** Functions by service, as the manifest writes them: `{ args?, returns | procedure, language, body, volatility? }`. */
export type ServiceFunctions = ReadonlyMap<string, Record<string, Record<string, unknown>>>;

/**
 * The functions and procedures (SQL or PL/pgSQL) of the schemas whose tables all go to one service:
 * declared there, and moved along with the tables. A body is text the server does not follow when a
 * table moves (a view holds the table itself), so each schema-qualified name of a moved or renamed
 * table (`public.orders`, `"public"."orders"`) is written as the manifest's (`shop.orders`) in the
 * body, the arguments and the result. A function the manifest cannot state is listed instead, whole:
 * another language, a name the manifest refuses, a second function of one name, or a schema whose
 * tables go to several services (or none).
 */
export function importFunctions(
  functions: readonly CatalogFunction[],
  tables: readonly ImportedTable[],
  unsupported: Finding[],
): ServiceFunctions {
  const out = new Map<string, Record<string, Record<string, unknown>>>();
  // The catalog's bare entry of each function handled here goes: imported, or listed below with why.
  const handled = new Set<string>();
  for (const f of functions) {
    if (f.name === TOUCH_FUNCTION) continue; // this tool's own, declared by `enforce: database`
    const name = `${f.schema}.${f.name}(${f.identity})`;
    handled.add(name);
    const moved = tables.filter((t) => t.live.schema === f.schema);
    const services = new Set(moved.map((t) => t.place.service));
    const service = [...services][0];
    const rewrite = (sql: string) =>
      moved.reduce((text, t) => renamed(text, f.schema, t.live.name, `${t.place.service}.${t.place.name}`), sql);
    // A row type of the search path (public) is printed bare in the signature: qualified where it goes.
    const typed = (sql: string) =>
      moved.reduce((text, t) => bareType(text, t.live.name, `${t.place.service}.${t.place.name}`), rewrite(sql));
    const args = typed(f.args);
    const returns = f.result === null ? undefined : typed(f.result);
    const problem =
      identifierProblem(f.name, 'function name') ??
      (services.size !== 1
        ? `the tables of schema ${f.schema} go to ${services.size === 0 ? 'no service' : 'several services'}`
        : undefined) ??
      (f.language === 'sql' || f.language === 'plpgsql' ? undefined : `language ${f.language} has no manifest form`) ??
      (out.get(service!)?.[f.name]
        ? `another function ${f.name} is imported; the manifest declares one function of a name`
        : undefined) ??
      [args, returns ?? 'x'].map((s) => (s.trim() === '' ? undefined : sqlFragmentProblem(s))).find(Boolean);
    if (problem) {
      unsupported.push({ kind: f.procedure ? 'procedure' : 'function', name, note: problem });
      continue;
    }
    const spec: Record<string, unknown> = {
      ...(args !== '' && { args }),
      ...(returns === undefined ? { procedure: true } : { returns }),
      language: f.language,
      ...(f.volatility !== 'volatile' && { volatility: f.volatility }),
      body: rewrite(f.body),
    };
    out.set(service!, { ...out.get(service!), [f.name]: spec });
  }
  const bare = (u: Finding) => (u.kind === 'function' || u.kind === 'procedure') && !u.note && handled.has(u.name);
  unsupported.splice(0, unsupported.length, ...unsupported.filter((u) => !bare(u)));
  return out;
}

/**
 * A signature's bare type `table` (an argument's type, before any DEFAULT; the result, after SETOF)
 * as `to`. Argument names are not types: only the last word of an argument is.
 */
function bareType(signature: string, table: string, to: string): string {
  const name = `(?:"${table}"|${table})`;
  return signature
    .split(/,(?![^(]*\))/)
    .map((arg) => arg.replace(new RegExp(`(^|\\s)${name}(\\[\\])*(\\s+DEFAULT\\s.*)?$`, 's'), `$1${to}$2$3`))
    .join(',');
}

/** `schema.table` (either part quoted or not) as `to`, where it stands as a name of its own. */
export function renamed(text: string, schema: string, table: string, to: string): string {
  if (`${schema}.${table}` === to) return text;
  const part = (n: string) => `(?:"${n}"|${n}(?![\\w$]))`;
  return text.replace(new RegExp(`(?<![\\w$."])${part(schema)}\\s*\\.\\s*${part(table)}`, 'g'), to);
}
