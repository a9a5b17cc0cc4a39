import type { CatalogTrigger } from '../db/catalog/types.js';
import { triggerAction } from '../db/catalog/types.js';
import { isOurs } from '../db/compare/triggers.js';
import { identifierProblem } from '../model/names.js';
import { sqlFragmentProblem } from '../model/sql-fragment.js';
import type { ServiceFunctions } from './functions.js';
import type { Finding } from './finding.js';
import type { ImportedTable } from './tables.js';

/** Each imported table's triggers as the manifest writes them (`{ timing, events, forEach, function, … }`). */
export type TableTriggers = ReadonlyMap<ImportedTable, Record<string, Record<string, unknown>>>;

/** pg_trigger.tgtype's bits for the events, in the order pg_get_triggerdef prints them. */
const EVENTS = [
  [4, 'insert'],
  [8, 'delete'],
  [16, 'update'],
  [32, 'truncate'],
] as const;
const ROW = 1;
const BEFORE = 2;
const INSTEAD = 64;

/**
 * The triggers of the imported tables, written under each table's `triggers:` so push after import
 * plans nothing for them (they move with their table). The function is named bare when it goes to
 * the table's service with it (imported under `functions:`, or the table stays in its schema), else
 * as `schema.name` where it is. One the manifest cannot state (transition tables, a constraint or
 * disabled trigger, a name it refuses) is listed instead, whole; this tool's own
 * `enforce: database` triggers stay listed as they were.
 */
export function importTriggers(
  tables: readonly ImportedTable[],
  functions: ServiceFunctions,
  unsupported: Finding[],
): TableTriggers {
  const out = new Map<ImportedTable, Record<string, Record<string, unknown>>>();
  const handled = new Set<string>();
  for (const t of tables)
    for (const tr of t.live.triggers) {
      if (isOurs(t.live.schema, tr.definition)) continue;
      const name = `${t.live.schema}.${t.live.name}.${tr.name}`;
      handled.add(name);
      const goesAlong =
        tr.functionSchema === t.live.schema &&
        (t.place.service === t.live.schema || functions.get(t.place.service)?.[tr.functionName] !== undefined);
      const fn = goesAlong ? tr.functionName : `${tr.functionSchema}.${tr.functionName}`;
      const when = conditionOf(tr.definition);
      const problem =
        identifierProblem(tr.name, 'trigger name') ??
        (tr.plain && (tr.type & INSTEAD) === 0
          ? undefined
          : 'transition tables, constraint and disabled triggers have no manifest form') ??
        [tr.functionSchema, tr.functionName].map((p) => identifierProblem(p, 'function name')).find(Boolean) ??
        (when === undefined ? undefined : sqlFragmentProblem(when));
      if (problem) {
        unsupported.push({ kind: 'trigger', name, note: problem });
        continue;
      }
      const args = argsOf(tr);
      out.set(t, {
        ...out.get(t),
        [tr.name]: {
          timing: tr.type & BEFORE ? 'before' : 'after',
          events: EVENTS.filter(([bit]) => tr.type & bit).map(([, e]) => e),
          forEach: tr.type & ROW ? 'row' : 'statement',
          ...(tr.columns.length > 0 && { columns: tr.columns }),
          ...(when !== undefined && { when: { sql: when } }),
          function: fn,
          ...(args.length > 0 && { args }),
        },
      });
    }
  const bare = (u: Finding) => u.kind === 'trigger' && !u.note && handled.has(u.name);
  unsupported.splice(0, unsupported.length, ...unsupported.filter((u) => !bare(u)));
  return out;
}

/** tgargs: each argument's bytes followed by a NUL. */
const argsOf = (tr: CatalogTrigger): string[] => Buffer.from(tr.args, 'hex').toString('utf8').split('\0').slice(0, -1);

/** The WHEN condition as the server prints it, without the parentheses WHEN adds; undefined for none. */
function conditionOf(definition: string): string | undefined {
  const action = triggerAction(definition);
  const start = /^\S+(?: \S+)*? FOR EACH (?:ROW|STATEMENT) WHEN \(/.exec(action);
  const end = action.lastIndexOf(') EXECUTE FUNCTION ');
  return start && end > start[0].length ? action.slice(start[0].length, end) : undefined;
}
