import type { Arg, Call, ColumnCall, ConstraintCall } from '../model/drizzle-calls.js';
import { tsKey, tsString, tsTemplateBody } from '../model/names.js';
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
    case 'foreignColumns':
      return `[${a.columns.map((c) => scope.foreignColumn(a.service, a.table, c)).join(', ')}]`;
    case 'object':
      return `{ ${a.entries.map(([k, v]) => `${tsKey(k)}: ${arg(v, scope, false)}`).join(', ')} }`;
  }
}

const args = (list: readonly Arg[], scope: CodeScope) => list.map((a) => arg(a, scope, true)).join(', ');
const chain = (calls: readonly Call[], scope: CodeScope) => calls.map((c) => `.${c.method}(${args(c.args, scope)})`).join('');

export function callCode(call: ColumnCall | ConstraintCall, scope: CodeScope): string {
  return `${call.fn}(${args(call.args, scope)})${chain(call.chain, scope)}`;
}

/** The pg-core functions a piece of code calls, for its import list. */
export function calledFunctions(calls: readonly (ColumnCall | ConstraintCall)[]): string[] {
  return calls.map((c) => c.fn);
}

export function usesSql(calls: readonly (ColumnCall | ConstraintCall)[]): boolean {
  const argUsesSql = (a: Arg): boolean => a.kind === 'sql' || a.kind === 'thunk' || (a.kind === 'object' && a.entries.some(([, v]) => argUsesSql(v)));
  return calls.some((c) => c.args.some(argUsesSql) || c.chain.some((k) => k.args.some(argUsesSql)));
}
