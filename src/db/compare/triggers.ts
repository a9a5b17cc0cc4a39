import { constraintNames } from '../../shared/conventions.js';
import type { Table } from '../../model/types.js';
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
  readonly repair: readonly string[];
}

/** Triggers the table should have, that differ, and ours it should no longer have. */
export function diffTriggers(schema: string, table: Table, live: CatalogTable): TriggerDifference[] {
  const out: TriggerDifference[] = [];
  const wanted = table.columns.filter((c) => c.onUpdateTrigger);
  const drop = (name: string) => `DROP TRIGGER IF EXISTS ${quoteIdent(name)} ON ${qualified(schema, table.name)}`;
  for (const c of wanted) {
    const name = constraintNames.onUpdateTrigger(table.name, c.name);
    const expected = triggerDefinition(schema, table.name, c.name);
    const found = live.triggers.find((t) => t.name === name);
    if (!found)
      out.push({
        name,
        message: `trigger is missing (enforce: database on ${c.name})`,
        repair: [touchFunction(schema), expected],
      });
    else if (normalizeSql(found.definition) !== normalizeSql(expected)) {
      out.push({
        name,
        message: `trigger is ${found.definition}; expected ${expected}`,
        repair: [drop(name), touchFunction(schema), expected],
      });
    }
  }
  // Only triggers this tool made (calling its function) are its to remove; others are left alone.
  for (const t of live.triggers) {
    const ours = normalizeSql(t.definition).includes(normalizeSql(`${qualified(schema, TOUCH_FUNCTION)}(`));
    if (ours && !wanted.some((c) => constraintNames.onUpdateTrigger(table.name, c.name) === t.name)) {
      out.push({
        name: t.name,
        message: 'trigger is not in the manifest (enforce: database was removed)',
        repair: [drop(t.name)],
      });
    }
  }
  return out;
}
