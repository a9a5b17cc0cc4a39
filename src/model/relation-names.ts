import { camelCase } from './names.js';

/**
 * How the relations derived from one foreign key are named. Drizzle pairs a `many` with its `one` by
 * the tables alone while exactly one foreign key joins the two tables; with more (two keys to one
 * table, keys in both directions, a key to its own table) it needs `relationName` on both sides, and
 * a `many` named after the other table alone would mislead (`projects: many(projects)` beside
 * `project: one(projects)`), so it is named after the foreign key instead.
 */

/** What a key column stands for: `lead_project_id` → `lead_project`; a column without `_id` stands for itself. */
export const referenceStem = (column: string) =>
  column.endsWith('_id') && column.length > 3 ? column.slice(0, -3) : column;

/** The `one` side: the stem (`leadProject`), or `<column>Ref` when the column has no `_id` to drop. */
export const forwardKey = (column: string) =>
  camelCase(referenceStem(column) === column ? `${column}_ref` : referenceStem(column));

/**
 * The `many` side on the referenced table. Alone between its two tables: the referencing table
 * (`tasks`). Otherwise after the key: `tasksByLeadProject`; a table's own `parent_id` gives `children`.
 */
export function reverseKey(source: string, target: string, column: string, ambiguous: boolean): string {
  const stem = referenceStem(column);
  if (!ambiguous) return camelCase(source);
  if (source === target && stem === 'parent') return 'children';
  return camelCase(`${source}_by_${stem}`);
}

/**
 * The `many` a join table gives each table it links (drizzle-orm 1.x `through`): named after the table at
 * its other end (`institutions` → `profiles` through `members`).
 */
export const throughKey = (farTable: string) => camelCase(farTable);

/** The unordered pair of tables a foreign key joins, as one string; a key to its own table pairs it with itself. */
export const tablePair = (a: string, b: string) => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);

/** Whether a key's relations need `relationName`: another key joins the two tables, or it references its own. */
export const needsRelationName = (source: string, target: string, keysBetween: number) =>
  source === target || keysBetween > 1;
