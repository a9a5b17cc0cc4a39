import type { Diagnostic, YamlPath } from '../manifest/diagnostics.js';
import type { RoutineInput } from '../manifest/schema.js';
import { identifierProblem } from './names.js';
import { sqlFragmentProblem } from './sql-fragment.js';
import type { Routine } from './types.js';

/**
 * A service's functions and procedures (`functions:`): a name, a function's return type or a
 * procedure's lack of one, and an argument list and return type that stay inside the statement
 * push writes around them (no `;`, no comments). The body is quoted by push with a dollar tag it
 * does not contain, so it may hold any text but NUL.
 */
export function resolveFunctions(
  inputs: Record<string, RoutineInput>,
  path: YamlPath,
  diagnostics: Diagnostic[],
): Routine[] {
  const report = (message: string, at: YamlPath, atKey = false) => diagnostics.push({ path: at, message, atKey });
  return Object.entries(inputs).map(([name, input]): Routine => {
    const at = [...path, name];
    const nameProblem = identifierProblem(name, 'function name');
    if (nameProblem) report(nameProblem, at, true);
    if (input.procedure && input.returns !== undefined)
      report('a procedure returns nothing; expected no returns: beside procedure: true', [...at, 'returns']);
    if (!input.procedure && input.returns === undefined)
      report('missing returns; expected the return type of the function, or procedure: true', at);
    for (const [key, what] of [
      ['args', 'argument list'],
      ['returns', 'return type'],
    ] as const) {
      const sql = input[key];
      const problem = sql !== undefined && sql.trim() !== '' ? sqlFragmentProblem(sql) : undefined;
      if (problem) report(problem.replace(/SQL expression/g, what), [...at, key]);
    }
    if (input.returns?.trim() === '') report('empty return type; expected a type such as numeric', [...at, 'returns']);
    if (input.body.trim() === '') report('empty body; expected the statements of the function', [...at, 'body']);
    if (input.body.includes('\0')) report('NUL character in the body; expected printable text', [...at, 'body']);
    return {
      name,
      args: (input.args ?? '').trim(),
      ...(input.returns !== undefined && !input.procedure && { returns: input.returns.trim() }),
      language: input.language,
      body: input.body,
      volatility: input.volatility ?? 'volatile',
    };
  });
}
