import type { Arg, Call, ColumnCall, ConstraintCall } from '../model/drizzle-calls.js';
import { tsKey, tsString, tsTemplateBody } from './ts-escape.js';
import type { Literal } from '../model/types.js';

/** Prints drizzle call descriptions as TypeScript expressions. */
export interface CodeScope {
  /** `t.createdAt` for a column of the table being declared */
  readonly column: (name: string) => string;
  /** expression for a column of another table, possibly in another service */
  readonly foreignColumn: (service: string, table: string, column: string) => string;
}

export function tsLiteral(value: Literal): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return tsString(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(tsLiteral).join(', ')}]`;
  const entries = Object.entries(value as Record<string, Literal>);
  return entries.length === 0 ? '{}' : `{ ${entries.map(([k, v]) => `${tsKey(k)}: ${tsLiteral(v)}`).join(', ')} }`;
}

/** Generated lines stay within this width where a list can be broken. */
export const MAX_WIDTH = 100;

/**
 * `open a, b close` on one line when it fits after `used` columns, else one item per line indented
 * one level deeper than `indent`, with trailing commas.
 */
export function wrapList(
  open: string,
  items: readonly string[],
  close: string,
  indent: number,
  used: number,
  pad = '',
): string {
  const flat = `${open}${pad}${items.join(', ')}${pad}${close}`;
  if (items.length === 0 || used + flat.length <= MAX_WIDTH) return flat;
  const inner = ' '.repeat(indent + 2);
  return `${open}\n${items.map((i) => `${inner}${i},`).join('\n')}\n${' '.repeat(indent)}${close}`;
}

function arg(a: Arg, scope: CodeScope, spread: boolean): string {
  switch (a.kind) {
    case 'string':
      return tsString(a.value);
    case 'literal':
      return tsLiteral(a.value);
    case 'sql':
      return `sql\`${tsTemplateBody(a.sql)}\``;
    case 'thunk':
      return `() => sql\`${tsTemplateBody(a.sql)}\``;
    case 'columns': {
      const list = a.columns.map(scope.column).join(', ');
      return spread ? list : `[${list}]`;
    }
    case 'index keys':
      return a.keys
        .map((k) => ('column' in k ? scope.column(k.column) : arg({ kind: 'sql', ...k }, scope, spread)))
        .join(', ');
    case 'foreignColumns':
      return `[${a.columns.map((c) => scope.foreignColumn(a.service, a.table, c)).join(', ')}]`;
    case 'object':
      return `{ ${a.entries.map(([k, v]) => `${tsKey(k)}: ${arg(v, scope, false)}`).join(', ')} }`;
  }
}

const args = (list: readonly Arg[], scope: CodeScope) => list.map((a) => arg(a, scope, true)).join(', ');
const callText = (c: Call, scope: CodeScope) =>
  `.${c.method}${c.typeArg ? `<${c.typeArg}>` : ''}(${args(c.args, scope)})`;
const chain = (calls: readonly Call[], scope: CodeScope) => calls.map((c) => callText(c, scope)).join('');

/** The call as one line, or with its object argument broken over lines when the line would be too wide. */
export function callCode(call: ColumnCall | ConstraintCall, scope: CodeScope, indent: number, used: number): string {
  const head = `${call.fn}(${args(call.args, scope)})`;
  const flat = `${head}${chain(call.chain, scope)}`;
  if (used + flat.length <= MAX_WIDTH) return flat;
  const only = call.args[0];
  if (call.args.length === 1 && only?.kind === 'object') {
    const entries = only.entries.map(([k, v]) => `${tsKey(k)}: ${arg(v, scope, false)}`);
    return `${call.fn}(${wrapList('{', entries, '}', indent, MAX_WIDTH)})${chain(call.chain, scope)}`;
  }
  // Too wide with a chain: one chained call per line, as formatters print builder chains.
  const pad = `\n${' '.repeat(indent + 2)}`;
  return `${head}${call.chain.map((c) => `${pad}${callText(c, scope)}`).join('')}`;
}

export function usesSql(calls: readonly (ColumnCall | ConstraintCall)[]): boolean {
  const argUsesSql = (a: Arg): boolean =>
    a.kind === 'sql' || a.kind === 'thunk' || (a.kind === 'object' && a.entries.some(([, v]) => argUsesSql(v)));
  return calls.some((c) => c.args.some(argUsesSql) || c.chain.some((k) => k.args.some(argUsesSql)));
}
