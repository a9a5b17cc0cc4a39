import type { YamlPath } from '../manifest/diagnostics.js';
import { TABLE_PRIVILEGES, type GrantsInput } from '../manifest/schema.js';
import { roleNameProblem } from './names.js';
import type { Grant } from './types.js';

type Report = (message: string, at: YamlPath, atKey?: boolean) => void;

/**
 * A table's grants (`grants:`): each role's privileges, `all` or a list naming each once. A service's
 * own role (`<service>_svc`) is `schemagen roles`'s to grant: declared here as well, one would take
 * back what the other gives on every run.
 */
export function resolveGrants(
  inputs: GrantsInput,
  path: YamlPath,
  serviceRoles: ReadonlyMap<string, string>,
  report: Report,
): Grant[] {
  return Object.entries(inputs).map(([role, input]): Grant => {
    const at = [...path, role];
    const problem = roleNameProblem(role);
    if (problem) report(problem, at, true);
    const service = serviceRoles.get(role);
    if (service !== undefined)
      report(
        `${role} is the role schemagen roles manages for service ${service}; expected another role ` +
          '(schemagen roles grants it its own tables)',
        at,
        true,
      );
    if (input === 'all') return { role, all: true, privileges: [...TABLE_PRIVILEGES] };
    input.forEach((privilege, i) => {
      if (input.indexOf(privilege) !== i)
        report(`privilege ${privilege} is listed twice; expected each privilege once`, [...at, i]);
    });
    return { role, all: false, privileges: TABLE_PRIVILEGES.filter((p) => input.includes(p)) };
  });
}
