import type { YamlPath } from '../manifest/diagnostics.js';
import type { TableInput } from '../manifest/schema.js';
import { identifierProblem } from './names.js';
import { foreignSchemaProblem, sqlFragmentProblem } from './sql-fragment.js';
import type { Constraint, Index, Partition, Partitioning } from './types.js';

type Report = (message: string, at: YamlPath, atKey?: boolean) => void;

const STRATEGIES = ['range', 'list', 'hash'] as const;

/** What each strategy's bounds look like after FOR VALUES (loosely: the server checks the rest). */
const BOUNDS: Record<Partitioning['strategy'], { readonly form: RegExp; readonly expected: string }> = {
  range: { form: /^FROM\s*\(.*\)\s*TO\s*\(.*\)$/is, expected: 'FROM (...) TO (...)' },
  list: { form: /^IN\s*\(.*\)$/is, expected: 'IN (...)' },
  hash: {
    form: /^WITH\s*\(\s*MODULUS\s+\d+\s*,\s*REMAINDER\s+\d+\s*\)$/i,
    expected: 'WITH (MODULUS <n>, REMAINDER <r>)',
  },
};

/** The table's columns and keys, as far as partitioning needs them. */
export interface PartitionedShape {
  readonly name: string;
  readonly schema: string;
  readonly columns: ReadonlySet<string>;
  /** the primary key's and every unique constraint's or unique index's columns, with where each is declared */
  readonly uniqueKeys: readonly {
    readonly what: string;
    readonly columns: readonly string[];
    readonly at: YamlPath;
    /** where an inherited key comes from */
    readonly origin?: string;
  }[];
}

/**
 * `partitionBy` and `partitions`: one strategy with its key (known columns or expressions), bounds
 * of that strategy's form, at most one default partition, and every unique key covering the
 * partition key (PostgreSQL enforces uniqueness per partition only).
 */
export function resolvePartitioning(
  input: TableInput,
  path: YamlPath,
  table: PartitionedShape,
  report: Report,
): Partitioning | undefined {
  const by = input.partitionBy;
  if (!by) {
    if (input.partitions)
      report(
        'partitions need a partitioned table; expected partitionBy: { range | list | hash: [columns] } on the table',
        [...path, 'partitions'],
        true,
      );
    return undefined;
  }
  const at: YamlPath = [...path, 'partitionBy'];
  const given = STRATEGIES.filter((s) => by[s] !== undefined);
  if (given.length !== 1) {
    report(
      given.length === 0
        ? 'expected one of range, list or hash with the key columns'
        : `expected one strategy, got ${given.join(' and ')}`,
      at,
    );
    return undefined;
  }
  const strategy = given[0]!;
  const parts = by[strategy]!;
  if (strategy === 'list' && parts.length > 1)
    report(`list partitioning takes one column or expression; got ${parts.length}`, [...at, strategy]);
  const key = parts.map((part, i): Partitioning['key'][number] => {
    if (typeof part === 'string') {
      if (!table.columns.has(part))
        report(`unknown column ${JSON.stringify(part)}; expected one of: ${[...table.columns].join(', ')}`, [
          ...at,
          strategy,
          i,
        ]);
      return { column: part };
    }
    const problem = sqlFragmentProblem(part.sql) ?? foreignSchemaProblem(part.sql, table.schema, table.name);
    if (problem) report(problem, [...at, strategy, i, 'sql']);
    return { sql: part.sql };
  });
  checkUniqueKeys(strategy, key, table, report);
  return { strategy, key, partitions: partitionsOf(strategy, input, path, report) };
}

function partitionsOf(strategy: Partitioning['strategy'], input: TableInput, path: YamlPath, report: Report) {
  const partitions: Partition[] = [];
  let defaultAt: string | undefined;
  for (const [name, p] of Object.entries(input.partitions ?? {})) {
    const at: YamlPath = [...path, 'partitions', name];
    const nameProblem = identifierProblem(name, 'partition name');
    if (nameProblem) report(nameProblem, at, true);
    if ((p.values === undefined) === (p.default === undefined)) {
      report(`expected either values: "${BOUNDS[strategy].expected}" or default: true`, at);
      continue;
    }
    if (p.default) {
      if (strategy === 'hash')
        report(`a hash-partitioned table has no default partition; expected values: "${BOUNDS.hash.expected}"`, at);
      else if (defaultAt) report(`partition ${defaultAt} is the default already; expected one default partition`, at);
      defaultAt ??= name;
      partitions.push({ name, bound: 'DEFAULT' });
      continue;
    }
    const values = p.values!.trim();
    const problem = sqlFragmentProblem(values);
    if (problem) report(problem, [...at, 'values']);
    else if (!BOUNDS[strategy].form.test(values))
      report(`expected ${strategy} bounds ${BOUNDS[strategy].expected}, got ${JSON.stringify(values)}`, [
        ...at,
        'values',
      ]);
    partitions.push({ name, bound: `FOR VALUES ${values}` });
  }
  return partitions;
}

function checkUniqueKeys(
  strategy: Partitioning['strategy'],
  key: Partitioning['key'],
  table: PartitionedShape,
  report: Report,
) {
  const keyColumns = key.flatMap((k) => ('column' in k ? [k.column] : []));
  for (const u of table.uniqueKeys) {
    if (keyColumns.length < key.length) {
      report(
        `${u.what} cannot be enforced on a table partitioned by an expression; expected no ${u.what}, or a key of ` +
          'columns only',
        u.at,
      );
      continue;
    }
    const missing = keyColumns.filter((c) => !u.columns.includes(c));
    if (missing.length > 0)
      report(
        `${u.what} (${u.columns.join(', ')}${u.origin ? `, from ${u.origin}` : ''}) of a table partitioned by ` +
          `${strategy} (${keyColumns.join(', ')}) must include every key column; expected ` +
          `${missing.join(', ')} in it` +
          (u.what === 'primary key' ? ' (primaryKey: [...] on the table, with base: false when the base has one)' : ''),
        u.at,
      );
  }
}

/** The unique keys of a table being resolved, for checkUniqueKeys. */
export function uniqueKeysOf(
  path: YamlPath,
  primaryKey: Constraint | undefined,
  keyColumn: { readonly name: string; readonly path: YamlPath; readonly origin: string } | undefined,
  uniques: readonly Constraint[],
  indexes: readonly Index[],
): PartitionedShape['uniqueKeys'] {
  const pk = primaryKey
    ? [{ what: 'primary key', columns: primaryKey.columns, at: [...path, 'primaryKey'] }]
    : keyColumn
      ? // An inherited key is the table's business: said at its partitionBy.
        [
          {
            what: 'primary key',
            ...(keyColumn.origin !== 'table' && { origin: keyColumn.origin }),
            columns: [keyColumn.name],
            at: keyColumn.origin === 'table' ? keyColumn.path : [...path, 'partitionBy'],
          },
        ]
      : [];
  return [
    ...pk,
    ...uniques.map((u) => ({ what: `unique constraint ${u.name}`, columns: u.columns, at: path })),
    ...indexes.flatMap((ix, i) =>
      ix.unique ? [{ what: `unique index ${ix.name}`, columns: ix.columns, at: [...path, 'indexes', i] }] : [],
    ),
  ];
}
