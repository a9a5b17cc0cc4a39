import { constraintNames } from '../shared/conventions.js';
import type { YamlPath } from '../manifest/diagnostics.js';
import type { TableInput } from '../manifest/schema.js';
import {
  MAX_IDENTIFIER_BYTES,
  bindingName,
  identifierProblem,
  objectNameProblem,
  reservedSchemaProblem,
} from './names.js';
import { resolveColumn, type ColumnDraft, type ColumnScope } from './resolve-columns.js';
import { inheritedColumns, redeclared, type SharedSets } from './inherited-columns.js';
import { indexProblem } from './index-methods.js';
import { foreignSchemaProblem, sqlFragmentProblem } from './sql-fragment.js';
import { referenceDrafts, type ReferenceDraft } from './reference-drafts.js';
import { resolvePartitioning, uniqueKeysOf } from './resolve-partitions.js';
import { resolvePolicies } from './resolve-policies.js';
import { resolveGrants } from './resolve-grants.js';
import { resolveTriggers } from './resolve-triggers.js';
import { softDeleteCheck, tableSoftDelete } from './soft-delete.js';
import type {
  Check,
  Constraint,
  Index,
  IndexKey,
  Partitioning,
  Service,
  SoftDelete,
  Grant,
  Policy,
  Table,
  Trigger,
} from './types.js';

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
  /** its columns' references and its foreignKeys, targets still unresolved */
  readonly references: readonly ReferenceDraft[];
  readonly softDelete?: SoftDelete;
  readonly partitioning?: Partitioning;
  readonly rls?: true | 'force';
  readonly policies?: readonly Policy[];
  readonly triggers?: readonly Trigger[];
  readonly grants?: readonly Grant[];
}

export function resolveTable(
  name: string,
  input: TableInput,
  path: YamlPath,
  shared: SharedSets,
  scope: ColumnScope & { readonly schema: string; readonly serviceRoles: ReadonlyMap<string, string> },
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
  /** The columns of a list, checked; an index's expressions stand as undefined, keeping each column's position. */
  const columnList = (list: readonly (string | undefined)[], at: YamlPath): string[] => {
    list.forEach((c, i) => {
      if (c !== undefined && !byName.has(c))
        report(`unknown column ${JSON.stringify(c)}; expected one of: ${[...byName.keys()].join(', ')}`, [...at, i]);
    });
    const cols = list.filter((c): c is string => c !== undefined);
    const twice = cols.find((c, i) => cols.indexOf(c) !== i);
    if (twice !== undefined) report(`column ${twice} is listed twice; expected each column once`, at);
    return cols;
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
  /** A name the manifest gives: any spelling, kept as it is. */
  const given = (n: string, at: YamlPath, what: string) => {
    const problem = objectNameProblem(n, what);
    if (problem) report(problem, at);
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
  const pkName = input.primaryKeyName ?? constraintNames.primaryKey(name);
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
    primaryKey = { name: pkName, columns: cols };
  } else if (input.primaryKeyName !== undefined && pkColumns.length === 1) {
    // A named key is declared on the table, where Drizzle can name it: primaryKey({ name, columns }).
    const key = pkColumns[0]!;
    primaryKey = { name: pkName, columns: [key.name] };
    columns.splice(columns.indexOf(key), 1, { ...key, primaryKey: false });
  } else if (input.primaryKeyName !== undefined && pkColumns.length === 0)
    report(
      'primaryKeyName names a primary key the table does not have; expected a column with primaryKey: true ' +
        'or a table primaryKey: [...]',
      [...path, 'primaryKeyName'],
    );
  if (input.primaryKeyName !== undefined) given(input.primaryKeyName, [...path, 'primaryKeyName'], 'primaryKeyName');
  if (!nameProblem && input.primaryKeyName === undefined)
    checkName(constraintNames.primaryKey(name), path, 'shorten the table name');
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
    if (u.name !== undefined) given(u.name, [...at, 'name'], 'name');
    else checkName(n, at, 'set name: to a shorter one');
    uniques.push({ name: n, columns: cols });
  });

  const indexes: Index[] = (input.indexes ?? []).map((ix, i) => {
    const at = [...path, 'indexes', i];
    const keys: IndexKey[] = ix.columns.map((k) => (typeof k === 'string' ? { column: k } : { sql: k.sql }));
    const cols = columnList(
      keys.map((k) => ('column' in k ? k.column : undefined)),
      [...at, 'columns'],
    );
    keys.forEach((k, j) => {
      const problem = 'sql' in k && (sqlFragmentProblem(k.sql) ?? foreignSchemaProblem(k.sql, scope.schema, name));
      if (problem) report(problem, [...at, 'columns', j, 'sql']);
    });
    const n = ix.name ?? constraintNames.index(name, keys);
    if (ix.name !== undefined) given(ix.name, [...at, 'name'], 'name');
    else checkName(n, at, 'set name: to a shorter one');
    const method = ix.method ?? 'btree';
    const indexed = cols.flatMap((c) => byName.get(c) ?? []);
    const methodProblem =
      indexed.length === cols.length ? indexProblem(method, ix.unique ?? false, indexed) : undefined;
    if (methodProblem) report(methodProblem, at);
    const whereProblem =
      ix.where && (sqlFragmentProblem(ix.where.sql) ?? foreignSchemaProblem(ix.where.sql, scope.schema, name));
    if (whereProblem) report(whereProblem, [...at, 'where', 'sql']);
    return { name: n, keys, columns: cols, unique: ix.unique ?? false, where: ix.where?.sql, method };
  });

  const checks: Check[] = Object.entries(input.checks ?? {}).map(([key, chk]) => {
    const at = [...path, 'checks', key];
    const keyProblem = identifierProblem(key, 'check name');
    if (keyProblem) report(keyProblem, at, true);
    const n = chk.name ?? constraintNames.check(name, key);
    if (chk.name !== undefined) given(chk.name, [...at, 'name'], 'name');
    else if (!keyProblem) checkName(n, at, 'shorten the check key, or give it a name');
    const problem = sqlFragmentProblem(chk.sql) ?? foreignSchemaProblem(chk.sql, scope.schema, name);
    if (problem) report(problem, [...at, 'sql']);
    return { name: n, sql: chk.sql };
  });

  const softDelete = tableSoftDelete(base?.softDelete, base?.columns ?? []);
  if (softDelete?.enforced) {
    const check = softDeleteCheck(name, softDelete);
    const clash = Object.keys(input.checks ?? {}).find((_key, i) => checks[i]!.name === check.name);
    if (clash)
      report(
        `check ${clash} would be named ${check.name}, the soft-delete check of ${base!.origin}; ` +
          'expected another key or name',
        [...path, 'checks', clash],
        true,
      );
    if (!nameProblem) checkName(check.name, path, 'shorten the table name');
    // A clash is said above, once.
    if (!clash) checks.push(check);
  }

  const references = referenceDrafts(name, input, path, columns, { report, columnList, checkName, given });

  const uniqueKeys = uniqueKeysOf(path, primaryKey, pkColumns[0], uniques, indexes);
  const shape = { name, schema: scope.schema, columns: new Set(byName.keys()), uniqueKeys };
  const partitioning = resolvePartitioning(input, path, shape, report);
  const touched = columns.filter((c) => c.onUpdateTrigger).map((c) => constraintNames.onUpdateTrigger(name, c.name));
  const policies = input.policies && resolvePolicies(input.policies, [...path, 'policies'], report);
  const grants = input.grants && resolveGrants(input.grants, [...path, 'grants'], scope.serviceRoles, report);
  const triggers =
    input.triggers && resolveTriggers(input.triggers, [...path, 'triggers'], new Set(touched), { report, columnList });

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
    references,
    ...(softDelete && { softDelete }),
    ...(partitioning && { partitioning }),
    ...(input.rls && { rls: input.rls }),
    ...(policies && { policies }),
    ...(triggers && { triggers }),
    ...(grants && { grants }),
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
