import type { Diagnostic, YamlPath } from '../manifest/diagnostics.js';
import type { EnumInput } from '../manifest/schema.js';
import { camelCase, identifierProblem } from './names.js';
import type { Enum } from './types.js';

/** A service's enums, in either form: `name: [values]` or `name: { values, renamedFrom?, renamedValues? }`. */
export function resolveEnums(inputs: Record<string, EnumInput>, path: YamlPath, diagnostics: Diagnostic[]): Enum[] {
  const report = (message: string, at: YamlPath, atKey = false) => diagnostics.push({ path: at, message, atKey });
  const declared = Object.keys(inputs);
  return Object.entries(inputs).map(([name, input]): Enum => {
    const at = [...path, name];
    const problem = identifierProblem(name, 'enum name');
    if (problem) report(problem, at, true);
    const listed = Array.isArray(input);
    const values = listed ? input : input.values;
    const valuesAt = listed ? at : [...at, 'values'];
    values.forEach((v, i) => {
      if (!validValue(v))
        report(`invalid enum value ${JSON.stringify(v)}; expected 1 to 63 bytes without NUL`, [...valuesAt, i]);
      if (values.indexOf(v) !== i)
        report(`duplicate enum value ${JSON.stringify(v)}; expected each value once`, [...valuesAt, i]);
    });
    const resolved = { name, tsName: `${camelCase(name)}Enum`, values };
    if (listed) return resolved;
    const renamedFrom = input.renamedFrom;
    if (renamedFrom !== undefined) {
      const from = [...at, 'renamedFrom'];
      const fromProblem = identifierProblem(renamedFrom, 'enum name');
      if (fromProblem) report(fromProblem, from);
      else if (declared.includes(renamedFrom)) {
        const whose = renamedFrom === name ? 'its own name' : `enum ${renamedFrom}, still declared in this service`;
        report(`renamedFrom names ${whose}; expected the enum's old name`, from);
      }
    }
    const renamedValues = Object.entries(input.renamedValues ?? {}).map(([to, from]) => {
      const valueAt = [...at, 'renamedValues', to];
      if (!values.includes(to))
        report(
          `renamed value ${JSON.stringify(to)} is not in values; expected the new value listed in values`,
          valueAt,
          true,
        );
      else if (!validValue(from))
        report(`invalid enum value ${JSON.stringify(from)}; expected 1 to 63 bytes without NUL`, valueAt);
      else if (from === to)
        report(`value ${JSON.stringify(to)} is renamed from itself; expected its old value`, valueAt);
      else if (values.includes(from))
        report(
          `old value ${JSON.stringify(from)} is still in values; expected a value the enum no longer lists`,
          valueAt,
        );
      return { from, to };
    });
    renamedValues.forEach((r, i) => {
      const first = renamedValues.findIndex((x) => x.from === r.from);
      if (first !== i)
        report(
          `old value ${JSON.stringify(r.from)} is renamed to both ` +
            `${renamedValues[first]!.to} and ${r.to}; expected one new value`,
          [...at, 'renamedValues', r.to],
        );
    });
    return {
      ...resolved,
      ...(renamedFrom !== undefined && { renamedFrom }),
      ...(renamedValues.length > 0 && { renamedValues }),
    };
  });
}

const validValue = (v: string) => v !== '' && !v.includes('\0') && Buffer.byteLength(v) <= 63;
