import type { ForeignKey, Table } from '../../model/types.js';
import { constraintNames } from '../../shared/conventions.js';

/** A constraint the manifest declares on a table, in the shape push adds and compares it. */
export type WantedConstraint =
  | { readonly type: 'p'; readonly name: string; readonly columns: readonly string[] }
  | { readonly type: 'u'; readonly name: string; readonly columns: readonly string[] }
  | { readonly type: 'c'; readonly name: string; readonly sql: string }
  | { readonly type: 'f'; readonly name: string; readonly fk: ForeignKey };

/** The table's declared constraints: its primary key, uniques, foreign keys and checks. */
export function wantedConstraints(table: Table): WantedConstraint[] {
  const pkColumns = table.primaryKey?.columns ?? table.columns.filter((c) => c.primaryKey).map((c) => c.name);
  return [
    ...(pkColumns.length > 0
      ? [
          {
            type: 'p' as const,
            name: table.primaryKey?.name ?? constraintNames.primaryKey(table.name),
            columns: pkColumns,
          },
        ]
      : []),
    ...table.uniques.map((u) => ({ type: 'u' as const, name: u.name, columns: u.columns })),
    ...table.foreignKeys.map((fk) => ({ type: 'f' as const, name: fk.name, fk })),
    ...table.checks.map((c) => ({ type: 'c' as const, name: c.name, sql: c.sql })),
  ];
}
