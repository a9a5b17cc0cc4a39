import type { YamlPath } from '../manifest/diagnostics.js';
import type { TriggerInput } from '../manifest/schema.js';
import { identifierProblem } from './names.js';
import { sqlFragmentProblem } from './sql-fragment.js';
import type { Trigger } from './types.js';

interface Checks {
  readonly report: (message: string, at: YamlPath, atKey?: boolean) => void;
  /** the table's columns of a list, each checked to exist and be listed once (resolve-table.ts) */
  readonly columnList: (list: readonly string[], at: YamlPath) => string[];
}

/**
 * A table's triggers (`triggers:`): a name that is not one of this tool's `enforce: database`
 * triggers (`taken`), events each named once (TRUNCATE only for a statement trigger, as PostgreSQL
 * has it), a WHEN condition that stays inside the statement push writes around it, and a function
 * named `name` (the service's schema) or `schema.name`, UPDATE OF columns of the table with the
 * update event. The arguments are quoted by push, so they
 * may hold any text but NUL.
 */
export function resolveTriggers(
  inputs: Record<string, TriggerInput>,
  path: YamlPath,
  taken: ReadonlySet<string>,
  { report, columnList }: Checks,
): Trigger[] {
  return Object.entries(inputs).map(([name, input]): Trigger => {
    const at = [...path, name];
    const nameProblem = identifierProblem(name, 'trigger name');
    if (nameProblem) report(nameProblem, at, true);
    else if (taken.has(name))
      report(`trigger ${name} is the one enforce: database makes; expected another name`, at, true);
    const repeated = input.events.find((e, i) => input.events.indexOf(e) !== i);
    if (repeated) report(`event ${repeated} is listed twice; expected each event once`, [...at, 'events']);
    if (input.forEach === 'row' && input.events.includes('truncate'))
      report('truncate fires a statement trigger only; expected forEach: statement', [...at, 'events']);
    const columns = input.columns ? columnList(input.columns, [...at, 'columns']) : [];
    if (input.columns && !input.events.includes('update'))
      report('columns are UPDATE OF columns; expected the update event among events', [...at, 'columns']);
    const condition = input.when === undefined ? undefined : sqlFragmentProblem(input.when.sql);
    if (condition) report(condition, [...at, 'when', 'sql']);
    const parts = input.function.split('.');
    const functionProblem =
      parts.length > 2
        ? `invalid function name ${JSON.stringify(input.function)}; expected name or schema.name`
        : parts.map((p) => identifierProblem(p, 'function name')).find(Boolean);
    if (functionProblem) report(functionProblem, [...at, 'function']);
    (input.args ?? []).forEach((a, i) => {
      if (a.includes('\0')) report('NUL character in an argument; expected printable text', [...at, 'args', i]);
    });
    const [schema, fn] = parts.length === 2 ? parts : [undefined, parts[0]!];
    return {
      name,
      timing: input.timing,
      events: input.events,
      forEach: input.forEach,
      columns,
      ...(input.when !== undefined && { when: input.when.sql }),
      function: { ...(schema !== undefined && { schema }), name: fn! },
      args: input.args ?? [],
    };
  });
}
