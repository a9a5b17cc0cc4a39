import { constraintNames } from '../shared/conventions.js';
import type { YamlPath } from '../manifest/diagnostics.js';
import type { TableInput } from '../manifest/schema.js';
import type { ColumnDraft } from './resolve-columns.js';
import type { FkAction } from './types.js';

/**
 * A foreign key before its target is found: a column's `references` (its own column, the target's `id`
 * unless it says `column`) or one of the table's `foreignKeys` over several columns. Both resolve the
 * same way (resolve-references.ts).
 */
export interface ReferenceDraft {
  readonly name: string;
  readonly columns: readonly string[];
  readonly service?: string;
  readonly table: string;
  readonly targetColumns: readonly string[];
  readonly onDelete?: FkAction;
  readonly onUpdate?: FkAction;
  /** where the key is written */
  readonly path: YamlPath;
  /** the mapping naming the target (service, table) */
  readonly targetPath: YamlPath;
  /** where the target's columns are written: a list, or one column's `column` (or the reference itself) */
  readonly targetColumnsPath: YamlPath;
  /** a column's `references`: the column it is written under */
  readonly ownColumn?: string;
}

/** The table's own checks of what it names, shared with its other constraints (resolve-table.ts). */
export interface NameChecks {
  readonly report: (message: string, at: YamlPath) => void;
  /** the columns of a list, each reported where it is unknown or repeated */
  readonly columnList: (list: readonly string[], at: YamlPath) => string[];
  /** a name the manifest derives: its length and spelling */
  readonly checkName: (name: string, at: YamlPath, hint: string) => void;
  /** a name the manifest gives, any spelling */
  readonly given: (name: string, at: YamlPath, what: string) => void;
}

export function referenceDrafts(
  table: string,
  input: TableInput,
  path: YamlPath,
  columns: readonly ColumnDraft[],
  checks: NameChecks,
): ReferenceDraft[] {
  const nullable = new Map(columns.map((c) => [c.name, c.nullable] as const));
  const named = (name: string | undefined, cols: readonly string[], at: YamlPath, hint: string) => {
    if (name === undefined) checks.checkName(constraintNames.foreignKey(table, cols), at, hint);
    else checks.given(name, [...at, 'name'], 'name');
    return name ?? constraintNames.foreignKey(table, cols);
  };
  const setNull = (draft: ReferenceDraft) => {
    if (draft.onDelete !== 'set null' && draft.onUpdate !== 'set null') return;
    const notNull = draft.columns.filter((c) => nullable.get(c) === false);
    if (notNull.length > 0)
      checks.report(
        draft.ownColumn === undefined
          ? `set null needs nullable columns (${notNull.join(', ')} are not); expected nullable: true or another action`
          : 'set null needs a nullable column; expected nullable: true or another action',
        draft.path,
      );
  };
  const drafts: ReferenceDraft[] = [];
  for (const c of columns) {
    const ref = c.referenceInput;
    if (!ref) continue;
    const at = [...c.path, 'references'];
    drafts.push({
      name: named(ref.name, [c.name], at, 'shorten the table or column name, or give it a name'),
      columns: [c.name],
      service: ref.service,
      table: ref.table,
      targetColumns: [ref.column ?? 'id'],
      onDelete: ref.onDelete,
      onUpdate: ref.onUpdate,
      path: at,
      targetPath: at,
      targetColumnsPath: ref.column === undefined ? at : [...at, 'column'],
      ownColumn: c.name,
    });
  }
  (input.foreignKeys ?? []).forEach((fk, i) => {
    const at = [...path, 'foreignKeys', i];
    const cols = checks.columnList(fk.columns, [...at, 'columns']);
    const targetAt = [...at, 'references', 'columns'];
    if (fk.columns.length !== fk.references.columns.length)
      checks.report(
        `${fk.columns.length} columns reference ${fk.references.columns.length}; expected one target column ` +
          'for each referencing column, in the same order',
        targetAt,
      );
    drafts.push({
      name: named(fk.name, cols, at, 'set name: to a shorter one'),
      columns: cols,
      service: fk.references.service,
      table: fk.references.table,
      targetColumns: fk.references.columns,
      onDelete: fk.onDelete,
      onUpdate: fk.onUpdate,
      path: at,
      targetPath: [...at, 'references'],
      targetColumnsPath: targetAt,
    });
  });
  drafts.forEach(setNull);
  return drafts;
}
