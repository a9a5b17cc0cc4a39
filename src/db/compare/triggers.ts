import { constraintNames } from '../../shared/conventions.js';
import type { Column, Table } from '../../model/types.js';
import type { CatalogTable } from '../catalog/types.js';
import { normalizeSql } from './normalize.js';
import { qualified, quoteIdent, sqlQuote } from '../../shared/sql-quote.js';

/**
 * `enforce: database` on an `onUpdate: now` column: Drizzle's `$onUpdate` runs only in the
 * application, so raw SQL, scripts and other services would leave the column stale. One trigger
 * function per schema sets the column named by its argument to now(); each table gets one named
 * BEFORE UPDATE trigger per such column.
 */
export const TOUCH_FUNCTION = 'schemagen_touch';

export function touchFunction(schema: string): string {
  return (
    `CREATE OR REPLACE FUNCTION ${qualified(schema, TOUCH_FUNCTION)}() RETURNS trigger LANGUAGE plpgsql AS ` +
    `'BEGIN NEW := jsonb_populate_record(NEW, jsonb_build_object(TG_ARGV[0], now())); RETURN NEW; END'`
  );
}

/** The trigger as pg_get_triggerdef prints it (compared in normalized form). */
export function triggerDefinition(schema: string, table: string, column: string): string {
  const name = quoteIdent(constraintNames.onUpdateTrigger(table, column));
  return (
    `CREATE TRIGGER ${name} BEFORE UPDATE ON ${qualified(schema, table)} FOR EACH ` +
    `ROW EXECUTE FUNCTION ${qualified(schema, TOUCH_FUNCTION)}(${sqlQuote(column)})`
  );
}

export interface TriggerDifference {
  readonly name: string;
  readonly message: string;
  /** the column whose trigger is missing or differs (created, or dropped and created again), or none: ours to drop */
  readonly column?: Column;
  readonly replace: boolean;
}

/** Triggers the table should have, that differ, and ours it should no longer have. */
export function diffTriggers(schema: string, table: Table, live: CatalogTable): TriggerDifference[] {
  const out: TriggerDifference[] = [];
  const wanted = table.columns.filter((c) => c.onUpdateTrigger);
  for (const c of wanted) {
    const name = constraintNames.onUpdateTrigger(table.name, c.name);
    const expected = triggerDefinition(schema, table.name, c.name);
    const found = live.triggers.find((t) => t.name === name);
    if (!found)
      out.push({ name, message: `trigger is missing (enforce: database on ${c.name})`, column: c, replace: false });
    else if (normalizeSql(found.definition) !== normalizeSql(expected))
      out.push({ name, message: `trigger is ${found.definition}; expected ${expected}`, column: c, replace: true });
  }
  // Only triggers this tool made (calling its function, not declared under triggers:) are its to remove.
  for (const t of live.triggers) {
    if (
      isOurs(schema, t.definition) &&
      !wanted.some((c) => constraintNames.onUpdateTrigger(table.name, c.name) === t.name) &&
      !table.triggers?.some((d) => d.name === t.name)
    )
      out.push({
        name: t.name,
        message: 'trigger is not in the manifest (enforce: database was removed)',
        replace: false,
      });
  }
  return out;
}

/** A trigger calling this tool's function: the only triggers push creates or removes. */
export const isOurs = (schema: string, definition: string): boolean =>
  normalizeSql(definition).includes(normalizeSql(`${qualified(schema, TOUCH_FUNCTION)}(`));
