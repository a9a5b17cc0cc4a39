import type { Table, Trigger } from '../../model/types.js';
import { qualified, quoteIdent, sqlQuote } from '../../shared/sql-quote.js';
import { triggerAction, type CatalogTable } from '../catalog/types.js';
import { declaredColumns, type Equivalence } from './equivalence.js';
import type { Expression } from './deparse.js';
import { normalizeSql } from './normalize.js';
import type { Noted } from './types.js';

/** The order pg_get_triggerdef prints a trigger's events in. */
const EVENT_ORDER = ['insert', 'delete', 'update', 'truncate'] as const;

/** `BEFORE INSERT OR UPDATE OF "title"`: what comes before the table in CREATE TRIGGER. */
const head = (t: Trigger) =>
  `${t.timing.toUpperCase()} ${EVENT_ORDER.filter((e) => t.events.includes(e))
    .map((e) =>
      e === 'update' && t.columns.length > 0 ? `UPDATE OF ${t.columns.map(quoteIdent).join(', ')}` : e.toUpperCase(),
    )
    .join(' OR ')}`;

/** `FOR EACH ROW WHEN (…) EXECUTE FUNCTION "shop"."f"('a')`: what comes after it. */
const tail = (schema: string, t: Trigger) =>
  `FOR EACH ${t.forEach.toUpperCase()}${t.when === undefined ? '' : ` WHEN (${t.when})`} EXECUTE FUNCTION ` +
  `${qualified(t.function.schema ?? schema, t.function.name)}(${t.args.map(sqlQuote).join(', ')})`;

/** The statement that creates a declared trigger on `schema.table`. */
export const createTriggerSql = (schema: string, table: string, t: Trigger): string =>
  `CREATE TRIGGER ${quoteIdent(t.name)} ${head(t)} ON ${qualified(schema, table)} ${tail(schema, t)}`;

/**
 * The table's declared triggers against its live ones of the same name, by what they do
 * (pg_get_triggerdef less the name and table): the same text once normalized, or the server's
 * spelling of the declared trigger, made on a temporary table of the declared columns (deparse.ts),
 * which prints its WHEN condition and function as the live one's are printed. Triggers of other
 * names are left alone (verify lists them as unmanaged).
 */
export function diffDeclaredTriggers(
  schema: string,
  table: Table,
  live: CatalogTable,
  at: Noted,
  equivalence: Equivalence,
): void {
  for (const trigger of table.triggers ?? []) {
    const where = `${table.name}.${trigger.name}`;
    const found = live.triggers.find((t) => t.name === trigger.name);
    if (!found) {
      at(where, 'trigger is missing', { kind: 'declared trigger', table, trigger, replace: false });
      continue;
    }
    const action = triggerAction(found.definition);
    const wanted = `${head(trigger)} ${tail(schema, trigger)}`;
    if (normalizeSql(action) === normalizeSql(wanted)) continue;
    const expression: Expression = {
      kind: 'trigger',
      key: head(trigger),
      sql: tail(schema, trigger),
      columns: declaredColumns(schema, table),
    };
    if (!equivalence.same(expression, action))
      at(where, `trigger is ${action}; expected ${wanted}`, {
        kind: 'declared trigger',
        table,
        trigger,
        replace: true,
      });
  }
}

/** `table.trigger` of each declared trigger, which verify does not list as unmanaged. */
export const declaredTriggers = (tables: readonly Table[]): Set<string> =>
  new Set(tables.flatMap((t) => (t.triggers ?? []).map((x) => `${t.name}.${x.name}`)));
