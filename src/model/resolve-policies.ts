import type { YamlPath } from '../manifest/diagnostics.js';
import type { PolicyInput } from '../manifest/schema.js';
import { identifierProblem, roleNameProblem } from './names.js';
import { sqlFragmentProblem } from './sql-fragment.js';
import type { Policy } from './types.js';

type Report = (message: string, at: YamlPath, atKey?: boolean) => void;

/**
 * A table's row-level security policies (`policies:`): a name, roles PostgreSQL can name (`public`
 * standing for every role), USING and WITH CHECK conditions that stay inside the statement push
 * writes around them, and no WITH CHECK where PostgreSQL takes none (select, delete).
 */
export function resolvePolicies(inputs: Record<string, PolicyInput>, path: YamlPath, report: Report): Policy[] {
  return Object.entries(inputs).map(([name, input]): Policy => {
    const at = [...path, name];
    const nameProblem = identifierProblem(name, 'policy name');
    if (nameProblem) report(nameProblem, at, true);
    const command = input.for ?? 'all';
    (input.to ?? []).forEach((role, i) => {
      const problem = roleNameProblem(role);
      if (problem) report(problem, [...at, 'to', i]);
    });
    for (const key of ['using', 'withCheck'] as const) {
      const sql = input[key]?.sql;
      const problem = sql === undefined ? undefined : sqlFragmentProblem(sql);
      if (problem) report(problem, [...at, key, 'sql']);
    }
    if (input.withCheck && (command === 'select' || command === 'delete'))
      report(`a ${command} policy checks no new rows; expected no withCheck: with for: ${command}`, [
        ...at,
        'withCheck',
      ]);
    if (input.using && command === 'insert')
      report('an insert policy reads no existing rows; expected withCheck: in place of using:', [...at, 'using']);
    const to = input.to ?? [];
    return {
      name,
      as: input.as ?? 'permissive',
      for: command,
      // PUBLIC alone is every role: the same as no TO.
      to: to.length === 1 && to[0] === 'public' ? [] : to,
      ...(input.using && { using: input.using.sql }),
      ...(input.withCheck && { withCheck: input.withCheck.sql }),
    };
  });
}
