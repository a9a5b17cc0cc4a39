import type { Diagnostic, YamlPath } from '../manifest/diagnostics.js';
import type { DomainInput } from '../manifest/schema.js';
import { isSerial, parseColumnType } from './column-types.js';
import { resolveDefault } from './defaults.js';
import { camelCase, identifierProblem } from './names.js';
import { sqlFragmentProblem } from './sql-fragment.js';
import type { ColumnType, Domain } from './types.js';

/**
 * A service's domains. The base type is a built-in type or an enum of the service (an array too);
 * the default must fit it; each check is one expression of VALUE and keeps the name it is declared
 * under, which is how the server names a domain's constraints (`<domain>_check`) and how import
 * finds them.
 */
export function resolveDomains(
  inputs: Record<string, DomainInput>,
  enums: ReadonlyMap<string, readonly string[]>,
  path: YamlPath,
  diagnostics: Diagnostic[],
): Domain[] {
  const report = (message: string, at: YamlPath, atKey = false) => diagnostics.push({ path: at, message, atKey });
  const domains: Domain[] = [];
  for (const [name, input] of Object.entries(inputs)) {
    const at = [...path, name];
    const problem = identifierProblem(name, 'domain name');
    if (problem) report(problem, at, true);
    else if (typeof parseColumnType(name, new Set()) !== 'string')
      report(`domain ${name} has the name of a built-in type; expected another name`, at, true);
    const type = parseColumnType(input.type, new Set(enums.keys()));
    if (typeof type === 'string') {
      report(type, [...at, 'type']);
      continue;
    }
    if (isSerial(type)) {
      report(`a domain cannot be ${type.kind}; expected its integer type, with a default`, [...at, 'type']);
      continue;
    }
    const enumValues = type.kind === 'enum' ? enums.get(type.enumName!) : undefined;
    let resolvedDefault: Domain['default'];
    if (input.default !== undefined) {
      const d = resolveDefault(input.default, { type, enumValues, identity: false });
      if (typeof d === 'string') report(d, [...at, 'default']);
      else resolvedDefault = d;
    }
    const checks = Object.entries(input.checks ?? {}).map(([check, { sql }]) => {
      const nameProblem = identifierProblem(check, 'check name');
      if (nameProblem) report(nameProblem, [...at, 'checks', check], true);
      const sqlProblem = sqlFragmentProblem(sql);
      if (sqlProblem) report(sqlProblem, [...at, 'checks', check, 'sql']);
      return { name: check, sql };
    });
    domains.push({
      name,
      tsName: `${camelCase(name)}Domain`,
      type,
      notNull: input.notNull ?? false,
      ...(resolvedDefault && { default: resolvedDefault }),
      checks,
    });
  }
  return domains;
}

/** The domains as parseColumnType takes them: by name, each a scalar type over its base type. */
export const domainTypes = (domains: readonly Domain[]): [string, ColumnType][] =>
  domains.map((d) => [d.name, { kind: 'domain', domainName: d.name, base: d.type, dims: 0, sql: d.name }]);
