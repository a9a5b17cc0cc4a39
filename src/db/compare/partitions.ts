import type { Partitioning, Table } from '../../model/types.js';
import type { CatalogTable } from '../catalog/types.js';
import { declaredColumns, type Equivalence } from './equivalence.js';
import { normalizeSql } from './normalize.js';
import type { Noted } from './types.js';

/**
 * A partitioned table's key (pg_get_partkeydef) and each declared partition's bounds
 * (pg_get_expr(relpartbound)), compared with the manifest once normalized (normalize.ts), else with
 * the server's spelling of the manifest's (deparse.ts: a timestamptz bound `'2024-01-01'` is stored
 * `'2024-01-01 00:00:00+00'`). A partition the manifest does not declare is left alone: verify lists
 * it as unmanaged.
 */
export function diffPartitions(
  schema: string,
  table: Table,
  actual: CatalogTable,
  tables: ReadonlyMap<string, CatalogTable>,
  at: Noted,
  equivalence: Equivalence,
): void {
  const want = table.partitioning;
  const live = actual.partitionKey ?? null;
  if (!want && live === null) return;
  const key = want && partitionKeySql(want);
  const columns = () => declaredColumns(schema, table);
  const sameKey = (text: string) =>
    normalizeSql(text) === normalizeSql(key!) ||
    equivalence.same({ kind: 'partition key', sql: key!, columns: columns() }, text);
  const sameBound = (bound: string, text: string) =>
    normalizeSql(text) === normalizeSql(bound) ||
    equivalence.same({ kind: 'partition bound', sql: bound, key, columns: columns() }, text);
  if (!want || live === null || !sameKey(live)) {
    const is = live === null ? 'not partitioned' : `partitioned by ${live}`;
    const expected = want ? `PARTITION BY ${partitionKeySql(want)}` : 'a table without partitions';
    at(table.name, `is ${is}; expected ${expected}`, { kind: 'partition key', table, live });
    return;
  }
  for (const partition of want.partitions) {
    const p = tables.get(partition.name);
    const where = `${table.name}.${partition.name}`;
    if (!p) at(where, 'partition is missing', { kind: 'create partition', table, partition });
    else if (p.parentSchema !== schema || p.parentName !== table.name) {
      const is = p.partition ? `a partition of ${p.parentSchema}.${p.parentName}` : 'a table of its own';
      at(where, `is ${is}; expected a partition of ${schema}.${table.name}`, {
        kind: 'partition bound',
        table,
        partition,
        live: null,
      });
    } else if (!sameBound(partition.bound, p.partitionBound ?? ''))
      at(where, `partition bounds are ${p.partitionBound}; expected ${partition.bound}`, {
        kind: 'partition bound',
        table,
        partition,
        live: p.partitionBound ?? null,
      });
  }
}

/** `RANGE (at)`, `LIST (region)`, `HASH (id, (lower(code)))`: the key as CREATE TABLE … PARTITION BY takes it. */
export function partitionKeySql(p: Partitioning): string {
  const parts = p.key.map((k) => ('column' in k ? `"${k.column}"` : `(${k.sql})`));
  return `${p.strategy.toUpperCase()} (${parts.join(', ')})`;
}

/** The names of the partitions a service declares, which verify does not list as unmanaged. */
export function declaredPartitions(tables: readonly Table[]): Set<string> {
  return new Set(tables.flatMap((t) => t.partitioning?.partitions.map((p) => p.name) ?? []));
}
