import type { Diagnostic, YamlPath } from '../manifest/diagnostics.js';
import type { SequenceInput } from '../manifest/schema.js';
import { camelCase, identifierProblem } from './names.js';
import type { Sequence, SequenceOptions } from './types.js';

/** The largest value of each type a sequence may have. */
const LARGEST = { smallint: 32767n, integer: 2147483647n, bigint: 9223372036854775807n } as const;

type Report = (message: string, at: YamlPath, atKey?: boolean) => void;

/** A service's standalone sequences (`sequences:`), of type bigint unless they say otherwise. */
export function resolveSequences(
  inputs: Record<string, SequenceInput>,
  path: YamlPath,
  diagnostics: Diagnostic[],
): Sequence[] {
  const report: Report = (message, at, atKey = false) => diagnostics.push({ path: at, message, atKey });
  return Object.entries(inputs).map(([name, input]): Sequence => {
    const at = [...path, name];
    const nameProblem = identifierProblem(name, 'sequence name');
    if (nameProblem) report(nameProblem, at, true);
    return { name, tsName: camelCase(name), ...resolveSequenceOptions(input, input.type ?? 'bigint', at, report) };
  });
}

/**
 * The options of a sequence (standalone, or an identity column's, whose type is the column's) with
 * the defaults CREATE SEQUENCE applies filled in (an ascending sequence from 1 to the type's largest
 * value, a descending one the other way), and the same checks: an increment other than 0, bounds
 * within the type and in order, a start between them, a cache of at least 1.
 */
export function resolveSequenceOptions(
  input: Omit<SequenceInput, 'type'>,
  type: SequenceOptions['type'],
  at: YamlPath,
  report: Report,
): SequenceOptions {
  const largest = LARGEST[type];
  const increment = input.increment ?? 1n;
  if (increment === 0n) report('increment 0; expected a step other than 0', [...at, 'increment']);
  const up = increment >= 0n;
  const minValue = input.minValue ?? (up ? 1n : -largest - 1n);
  const maxValue = input.maxValue ?? (up ? largest : -1n);
  for (const [key, value] of [
    ['minValue', minValue],
    ['maxValue', maxValue],
  ] as const)
    if (value > largest || value < -largest - 1n)
      report(`${value} does not fit ${type}; expected ${-largest - 1n} to ${largest}`, [...at, key]);
  if (minValue >= maxValue)
    report(`minValue ${minValue} is not below maxValue ${maxValue}; expected minValue < maxValue`, at);
  const start = input.start ?? (up ? minValue : maxValue);
  if (minValue < maxValue && (start < minValue || start > maxValue))
    report(`start ${start} is outside ${minValue} to ${maxValue}; expected a start between the bounds`, [
      ...at,
      'start',
    ]);
  const cache = input.cache ?? 1n;
  if (cache < 1n) report(`cache ${cache}; expected 1 or more`, [...at, 'cache']);
  return { type, start, increment, minValue, maxValue, cache, cycle: input.cycle ?? false };
}

/** The type of an identity's sequence: the column's (int and int4 are integer). */
export function sequenceType(columnKind: string): SequenceOptions['type'] | undefined {
  return columnKind === 'smallint' || columnKind === 'integer' || columnKind === 'bigint' ? columnKind : undefined;
}
