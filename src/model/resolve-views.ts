import type { Diagnostic, YamlPath } from '../manifest/diagnostics.js';
import { resolveGrants } from './resolve-grants.js';
import type { ViewInput } from '../manifest/schema.js';
import { constraintNames } from '../shared/conventions.js';
import { isSerial, parseColumnType } from './column-types.js';
import { MAX_IDENTIFIER_BYTES, bindingName, camelCase, identifierProblem } from './names.js';
import { sqlFragmentProblem } from './sql-fragment.js';
import type { Column, Index, View } from './types.js';

/** A view's query may be longer than an expression: a page of SQL, not a book. */
export const MAX_VIEW_QUERY = 20_000;

/**
 * A service's views (`views:`): names, the query's form (one statement, nothing hidden in comments),
 * column types the manifest knows, options, and a materialized view's indexes over its columns.
 */
export function resolveViews(
  inputs: Record<string, ViewInput>,
  path: YamlPath,
  enums: ReadonlySet<string>,
  serviceRoles: ReadonlyMap<string, string>,
  diagnostics: Diagnostic[],
): View[] {
  const report = (message: string, at: YamlPath, atKey = false) => diagnostics.push({ path: at, message, atKey });
  return Object.entries(inputs).map(([name, input]): View => {
    const at = [...path, name];
    const nameProblem = identifierProblem(name, 'view name');
    if (nameProblem) report(nameProblem, at, true);
    const queryProblem = sqlFragmentProblem(input.sql, MAX_VIEW_QUERY);
    if (queryProblem) report(queryProblem.replace(/SQL expression/g, 'view query'), [...at, 'sql']);
    const columns = Object.entries(input.columns).flatMap(([column, spelling]): Column[] => {
      const columnAt = [...at, 'columns', column];
      const problem = identifierProblem(column, 'column name');
      if (problem) report(problem, columnAt, true);
      const type = parseColumnType(spelling, enums);
      if (typeof type === 'string') report(type, columnAt);
      else if (isSerial(type))
        report(`a view's column has no sequence; expected ${type.sql} instead of ${spelling}`, columnAt);
      if (problem || typeof type === 'string') return [];
      const tsKey = camelCase(column);
      return [{ name: column, tsKey, type, nullable: true, primaryKey: false, onUpdateNow: false, origin: 'view' }];
    });
    const materialized = input.materialized ?? false;
    if (input.indexes && !materialized)
      report('only a materialized view has indexes; expected materialized: true or no indexes', [...at, 'indexes']);
    const indexes = (input.indexes ?? []).map((ix, i): Index => {
      const ixAt = [...at, 'indexes', i];
      ix.columns.forEach((c, j) => {
        if (!(c in input.columns))
          report(`unknown column ${JSON.stringify(c)}; expected a column of view ${name}`, [...ixAt, 'columns', j]);
      });
      const keys = ix.columns.map((column) => ({ column }));
      const ixName = ix.name ?? constraintNames.index(name, keys);
      if (Buffer.byteLength(ixName) > MAX_IDENTIFIER_BYTES)
        report(`index name ${JSON.stringify(ixName)} is longer than ${MAX_IDENTIFIER_BYTES} bytes; set name:`, ixAt);
      return { name: ixName, keys, columns: ix.columns, unique: ix.unique ?? false, method: 'btree' };
    });
    const options = Object.entries(input.with ?? {}).map(([option, value]) => {
      const problem = identifierProblem(option, 'option name');
      if (problem) report(problem, [...at, 'with', option], true);
      return `${option}=${String(value)}`;
    });
    const grants = input.grants && resolveGrants(input.grants, [...at, 'grants'], serviceRoles, report);
    const sql = input.sql.trim();
    return {
      name,
      tsName: bindingName(name, 'View'),
      sql,
      materialized,
      columns,
      options,
      indexes,
      ...(grants && { grants }),
    };
  });
}
