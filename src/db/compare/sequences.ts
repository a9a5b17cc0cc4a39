import type { Sequence } from '../../model/types.js';
import type { CatalogSequence } from '../catalog/types.js';
import type { Noted } from './types.js';

/** The options of a sequence compared, with how verify names each. */
const OPTIONS = [
  ['type', 'type'],
  ['increment', 'increment'],
  ['minValue', 'minValue'],
  ['maxValue', 'maxValue'],
  ['start', 'start'],
  ['cache', 'cache'],
  ['cycle', 'cycle'],
] as const;

/**
 * The declared standalone sequences against the live ones of their name: missing, or with other
 * options (each difference named). Sequences the manifest does not declare are left alone (verify
 * lists them as unmanaged); where a sequence stands (its last value) is never compared.
 */
export function diffSequences(declared: readonly Sequence[], live: readonly CatalogSequence[], at: Noted): void {
  for (const sequence of declared) {
    const found = live.find((s) => s.name === sequence.name);
    if (!found) {
      at(sequence.name, 'sequence is missing', { kind: 'create sequence', sequence });
      continue;
    }
    const differs = OPTIONS.filter(([key]) => String(found[key]) !== String(sequence[key]));
    if (differs.length > 0)
      at(
        sequence.name,
        `sequence ${differs.map(([key, word]) => `${word} is ${found[key]}; expected ${sequence[key]}`).join(', ')}`,
        { kind: 'alter sequence', sequence, live: found },
      );
  }
}

/** The names of the sequences a service declares, which verify does not list as unmanaged. */
export const declaredSequences = (sequences: readonly Sequence[]): Set<string> => new Set(sequences.map((s) => s.name));
