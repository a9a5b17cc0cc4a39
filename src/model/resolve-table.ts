import { constraintNames } from '../shared/conventions.js';
import type { Diagnostic, YamlPath } from '../manifest/diagnostics.js';
import type { TableInput } from '../manifest/schema.js';
import { MAX_IDENTIFIER_BYTES, bindingName, identifierProblem, reservedSchemaProblem } from './names.js';
import { resolveColumn, type ColumnDraft, type ColumnScope, type ColumnSet } from './resolve-columns.js';
import { indexProblem } from './index-methods.js';
import { foreignSchemaProblem, sqlFragmentProblem } from './sql-fragment.js';
import { resolvePartitioning, uniqueKeysOf } from './resolve-partitions.js';
import { softDeleteCheck, tableSoftDelete } from './soft-delete.js';
import type { Check, Constraint, Index, Partitioning, Service, SoftDelete, Table } from './types.js';

/** A service before references are resolved: tables are still drafts. */
export interface ServiceDraft extends Omit<Service, 'tables' | 'dependsOn'> {
  readonly tables: readonly TableDraft[];
  readonly path: YamlPath;
}

export interface TableDraft {
  readonly name: string;
  readonly tsName: string;
  readonly typeName: string;
  readonly comment?: string;
  readonly from?: Table['from'];
  readonly path: YamlPath;
  readonly columns: readonly ColumnDraft[];
  readonly primaryKey?: Constraint;
  readonly uniques: readonly Constraint[];
  readonly indexes: readonly Index[];
  readonly checks: readonly Check[];
  readonly softDelete?: SoftDelete;
  readonly partitioning?: Partitioning;
}

export interface SharedSets {
  readonly base: ColumnSet;
  readonly bases: ReadonlyMap<string, ColumnSet>;
  readonly mixins: ReadonlyMap<string, ColumnSet>;
  readonly expandMixin: (name: string) => string[];
}

export function resolveTable(
  name: string,
  input: TableInput,
  path: YamlPath,
  shared: SharedSets,
  scope: ColumnScope & { readonly schema: string },
): Omit<TableDraft, 'typeName'> {
  const diagnostics = scope.diagnostics;
  const report = (message: string, at: YamlPath, atKey = false) => diagnostics.push({ path: at, message, atKey });
  const nameProblem = identifierProblem(name, 'table name');
  if (nameProblem) report(nameProblem, path, true);
  if (input.comment?.includes('\0'))
    report('comment contains a NUL character, which Postgres text cannot hold', [...path, 'comment']);

  const { columns, base, trailing } = inheritedColumns(input, path, shared, diagnostics);
  const inheritedFrom = new Map([...columns, ...trailing].map((c) => [c.name, c] as const));
  for (const [colName, colInput] of Object.entries(input.columns ?? {})) {
    const colPath = [...path, 'columns', colName];
    const inherited = inheritedFrom.get(colName);
    if (inherited) {
      report(redeclared(colName, inherited), colPath, true);
      continue;
    }
    const col = resolveColumn(colName, colInput, colPath, 'table', scope);
    if (col) columns.push(col);
  }
  columns.push(...trailing);
  const byName = new Map(columns.map((c) => [c.name, c] as const));
  checkRenames(columns, report);
  const columnList = (cols: readonly string[], at: YamlPath): string[] => {
    cols.forEach((c, i) => {
      if (!byName.has(c))
        report(`unknown column ${JSON.stringify(c)}; expected one of: ${[...byName.keys()].join(', ')}`, [...at, i]);
    });
    const twice = cols.find((c, i) => cols.indexOf(c) !== i);
    if (twice !== undefined) report(`column ${twice} is listed twice; expected each column once`, at);
    return [...cols];
  };
  const checkName = (n: string, at: YamlPath, hint: string) => {
    if (Buffer.byteLength(n) > MAX_IDENTIFIER_BYTES)
      report(
        `generated name ${JSON.stringify(n)} is ${Buffer.byteLength(n)} bytes; expected ` +
          `at most ${MAX_IDENTIFIER_BYTES}: ${hint}`,
        at,
      );
    else {
      const problem = identifierProblem(n, 'name');
      if (problem) report(problem, at);
    }
  };

  const pkColumns = columns.filter((c) => c.primaryKey);
  if (pkColumns.length > 1) {
    report(
      `several columns are primaryKey: true ` +
        `(${pkColumns.map((c) => c.name).join(', ')}); expected one, or primaryKey: [a, ` +
        `b] on the table with base: false`,
      pkColumns[1]!.path,
    );
  }
  let primaryKey: Constraint | undefined;
  if (input.primaryKey) {
    const at = [...path, 'primaryKey'];
    if (pkColumns.length > 0)
      report(
        `column ${pkColumns[0]!.name} (from ${pkColumns[0]!.origin}) is already the ` +
          `primary key; expected either it or a table primaryKey (use base: false for ` +
          `composite keys)`,
        at,
      );
    const cols = columnList(input.primaryKey, at);
    cols.forEach(
      (c, i) =>
        byName.get(c)?.nullable &&
        report(`primary key column ${c} is nullable; expected a not-null column`, [...at, i]),
    );
    primaryKey = { name: constraintNames.primaryKey(name), columns: cols };
  }
  if (!nameProblem) checkName(constraintNames.primaryKey(name), path, 'shorten the table name');
  for (const c of columns.filter((col) => col.onUpdateTrigger)) {
    if (!nameProblem)
      checkName(
        constraintNames.onUpdateTrigger(name, c.name),
        [...path, 'columns', c.name],
        'shorten the table or column name',
      );
  }

  const uniques: Constraint[] = [];
  for (const c of columns.filter((col) => col.wantsUnique)) {
    const n = constraintNames.unique(name, [c.name]);
    checkName(n, [...c.path, 'unique'], 'shorten the table or column name, or declare it under uniques: with a name');
    uniques.push({ name: n, columns: [c.name] });
  }
  (input.uniques ?? []).forEach((u, i) => {
    const at = [...path, 'uniques', i];
    const cols = columnList(u.columns, [...at, 'columns']);
    const n = u.name ?? constraintNames.unique(name, cols);
    checkName(n, u.name ? [...at, 'name'] : at, 'set name: to a shorter one');
    uniques.push({ name: n, columns: cols });
  });

  const indexes: Index[] = (input.indexes ?? []).map((ix, i) => {
    const at = [...path, 'indexes', i];
    const cols = columnList(ix.columns, [...at, 'columns']);
    const n = ix.name ?? constraintNames.index(name, cols);
    checkName(n, ix.name ? [...at, 'name'] : at, 'set name: to a shorter one');
    const method = ix.method ?? 'btree';
    const indexed = cols.flatMap((c) => byName.get(c) ?? []);
    const methodProblem =
      indexed.length === cols.length ? indexProblem(method, ix.unique ?? false, indexed) : undefined;
    if (methodProblem) report(methodProblem, at);
    const whereProblem =
      ix.where && (sqlFragmentProblem(ix.where.sql) ?? foreignSchemaProblem(ix.where.sql, scope.schema, name));
    if (whereProblem) report(whereProblem, [...at, 'where', 'sql']);
    return { name: n, columns: cols, unique: ix.unique ?? false, where: ix.where?.sql, method };
  });

  const checks: Check[] = Object.entries(input.checks ?? {}).map(([key, chk]) => {
    const at = [...path, 'checks', key];
    const keyProblem = identifierProblem(key, 'check name');
    if (keyProblem) report(keyProblem, at, true);
    const n = constraintNames.check(name, key);
    if (!keyProblem) checkName(n, at, 'shorten the check key');
    const problem = sqlFragmentProblem(chk.sql) ?? foreignSchemaProblem(chk.sql, scope.schema, name);
    if (problem) report(problem, [...at, 'sql']);
    return { name: n, sql: chk.sql };
  });

  const softDelete = tableSoftDelete(base?.softDelete, base?.columns ?? []);
  if (softDelete?.enforced) {
    const check = softDeleteCheck(name, softDelete);
    const clash = Object.keys(input.checks ?? {}).find((key) => constraintNames.check(name, key) === check.name);
    if (clash)
      report(
        `check ${clash} would be named ${check.name}, the soft-delete check of ${base!.origin}; expected another key`,
        [...path, 'checks', clash],
        true,
      );
    if (!nameProblem) checkName(check.name, path, 'shorten the table name');
    checks.push(check);
  }

  const uniqueKeys = uniqueKeysOf(path, primaryKey, pkColumns[0], uniques, indexes);
  const shape = { name, schema: scope.schema, columns: new Set(byName.keys()), uniqueKeys };
  const partitioning = resolvePartitioning(input, path, shape, report);

  return {
    name,
    tsName: bindingName(name, 'Table'),
    comment: input.comment,
    ...(input.from !== undefined && { from: resolveFrom(input.from, name, scope.schema, [...path, 'from'], report) }),
    path,
    columns,
    primaryKey,
    uniques,
    indexes,
    checks,
    ...(softDelete && { softDelete }),
    ...(partitioning && { partitioning }),
  };
}

/**
 * `from: <schema>.<table>` or `from: <old name>` (the service's schema), with valid names and not
 * the table's own place.
 */
function resolveFrom(
  text: string,
  name: string,
  schema: string,
  at: YamlPath,
  report: (message: string, at: YamlPath) => void,
) {
  const dot = text.indexOf('.');
  const from = dot < 0 ? { schema, table: text } : { schema: text.slice(0, dot), table: text.slice(dot + 1) };
  const problem =
    (dot >= 0 ? identifierProblem(from.schema, 'schema name') : undefined) ??
    identifierProblem(from.table, 'table name');
  if (problem) report(`${problem} (from: <schema>.<table> or the old table name)`, at);
  else if (from.schema !== 'public' && reservedSchemaProblem(from.schema))
    report(
      `tables cannot move out of system schema ${JSON.stringify(from.schema)}; ` +
        `expected public or an application schema`,
      at,
    );
  else if (from.schema === schema && from.table === name)
    report(`from names the table's own place ${schema}.${name}; expected where the table lives now, or no from`, at);
  return from;
}

/**
 * A column renamed from a name another column of the table still has, or two columns renamed from
 * one, would lose a column.
 */
function checkRenames(columns: readonly ColumnDraft[], report: (message: string, at: YamlPath) => void) {
  const renamedBy = new Map<string, ColumnDraft>();
  for (const c of columns) {
    if (c.renamedFrom === undefined || c.renamedFrom === c.name) continue;
    const at = [...c.path, 'renamedFrom'];
    const other = columns.find((x) => x.name === c.renamedFrom);
    if (other)
      report(
        `renamedFrom ${c.renamedFrom} names another column of this ` +
          `table${other.origin === 'table' ? '' : ` (from ${other.origin})`}; expected an ` +
          `old name no column has`,
        at,
      );
    const twin = renamedBy.get(c.renamedFrom);
    if (twin) report(`columns ${twin.name} and ${c.name} are both renamed from ${c.renamedFrom}; expected one`, at);
    renamedBy.set(c.renamedFrom, c);
  }
}

/** Names the base or mixin providing the column (and where it is declared, unless built in) and how to resolve it. */
function redeclared(name: string, inherited: ColumnDraft): string {
  const from = `column ${JSON.stringify(name)} is inherited from ${inherited.origin}`;
  const where = inherited.origin.startsWith('base (the default') ? '' : ` (${inherited.path.join('.')})`;
  const fix = inherited.origin.startsWith('mixins.')
    ? "remove it here; the table's mixins already add it"
    : 'remove it here, or opt out with base: false';
  return `${from}${where}; ${fix}`;
}

function inheritedColumns(
  input: TableInput,
  path: YamlPath,
  shared: SharedSets,
  diagnostics: Diagnostic[],
): { columns: ColumnDraft[]; base?: ColumnSet; trailing: ColumnDraft[] } {
  let base: ColumnSet | undefined = shared.base;
  if (input.base === false) base = undefined;
  else if (typeof input.base === 'string') {
    base = shared.bases.get(input.base);
    if (!base)
      diagnostics.push({
        path: [...path, 'base'],
        message:
          `unknown base ${JSON.stringify(input.base)}; expected false or one of: ` +
          `${[...shared.bases.keys()].join(', ') || '(no bases declared)'}`,
      });
  }
  const columns: ColumnDraft[] = [...(base?.columns ?? [])];
  // A `last` mixin's columns follow the table's own (resolveTable appends them).
  const trailing: ColumnDraft[] = [];
  const seen = new Map(columns.map((c) => [c.name, c.origin] as const));
  (input.mixins ?? []).forEach((mixinName, i) => {
    const at = [...path, 'mixins', i];
    if (!shared.mixins.has(mixinName)) {
      diagnostics.push({
        path: at,
        message:
          `unknown mixin ${JSON.stringify(mixinName)}; expected one of: ` +
          `${[...shared.mixins.keys()].join(', ') || '(no mixins declared)'}`,
      });
      return;
    }
    for (const expanded of shared.expandMixin(mixinName)) {
      for (const col of shared.mixins.get(expanded)?.columns ?? []) {
        const previous = seen.get(col.name);
        if (previous === col.origin) continue;
        if (previous) {
          diagnostics.push({
            path: at,
            message:
              `mixin ${mixinName} adds column ${col.name}, which ${previous} already provides; ` +
              `expected each column from one source`,
          });
          continue;
        }
        seen.set(col.name, col.origin);
        (shared.mixins.get(mixinName)!.last ? trailing : columns).push(col);
      }
    }
  });
  return { columns, base, trailing };
}
