import type { Diagnostic, YamlPath } from '../manifest/diagnostics.js';
import type { CompositeInput } from '../manifest/schema.js';
import { isSerial, parseColumnType } from './column-types.js';
import { camelCase, identifierProblem } from './names.js';
import type { ColumnType, Composite } from './types.js';

/**
 * A service's composite types. Each attribute is a built-in type, an enum or a domain of the
 * service (an array too): a composite is created after them, so push needs no order among composites.
 */
export function resolveComposites(
  inputs: Record<string, CompositeInput>,
  enums: ReadonlySet<string>,
  domains: ReadonlyMap<string, ColumnType>,
  path: YamlPath,
  diagnostics: Diagnostic[],
): Composite[] {
  const report = (message: string, at: YamlPath, atKey = false) => diagnostics.push({ path: at, message, atKey });
  return Object.entries(inputs).map(([name, input]) => {
    const at = [...path, name];
    const problem = identifierProblem(name, 'composite type name');
    if (problem) report(problem, at, true);
    else if (typeof parseColumnType(name, new Set()) !== 'string')
      report(`composite type ${name} has the name of a built-in type; expected another name`, at, true);
    const attributes = Object.entries(input.attributes).flatMap(([attribute, spelling]) => {
      const where = [...at, 'attributes', attribute];
      const nameProblem = identifierProblem(attribute, 'attribute name');
      if (nameProblem) report(nameProblem, where, true);
      const type = parseColumnType(spelling, enums, domains);
      if (typeof type === 'string') {
        const nested = spelling.replace(/(\s*\[\])+$/, '').trim() in inputs;
        report(nested ? NESTED : type, where);
        return [];
      }
      if (isSerial(type)) {
        report(
          `an attribute cannot be ${type.kind} (a composite type has no defaults); expected its integer type`,
          where,
        );
        return [];
      }
      return [{ name: attribute, type }];
    });
    if (Object.keys(input.attributes).length === 0)
      report('no attributes; expected at least one attribute', [...at, 'attributes']);
    return { name, tsName: `${camelCase(name)}Composite`, attributes };
  });
}

const NESTED = 'an attribute cannot be a composite type; expected a built-in type, an enum or a domain of the service';

/** The composite types as parseColumnType takes them: by name, each a scalar type. */
export const compositeTypes = (composites: readonly Composite[]): [string, ColumnType][] =>
  composites.map((c) => [c.name, { kind: 'composite', compositeName: c.name, dims: 0, sql: c.name }]);
