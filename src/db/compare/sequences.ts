import type { Identity, Sequence, SequenceOptions } from '../../model/types.js';
import type { CatalogSequence, CatalogSequenceOptions } from '../catalog/types.js';
import type { Noted } from './types.js';

/** The options of a sequence compared. */
const OPTIONS = ['type', 'increment', 'minValue', 'maxValue', 'start', 'cache', 'cycle'] as const;

/** `increment is 10; expected 5, cache is 1; expected 20`: each option that differs, or undefined for none. */
function differences(
  declared: SequenceOptions,
  live: CatalogSequenceOptions,
  options: readonly (typeof OPTIONS)[number][],
): string | undefined {
  const differs = options.filter((key) => String(live[key]) !== String(declared[key]));
  return differs.length > 0
    ? differs.map((key) => `${key} is ${live[key]}; expected ${declared[key]}`).join(', ')
    : undefined;
}

/**
 * The options of an identity column's sequence that differ from the declared ones; its type is the
 * column's, compared with the column.
 */
export const identityDifferences = (declared: Identity, live: CatalogSequenceOptions): string | undefined =>
  differences(declared, live, OPTIONS.slice(1));

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
    const differs = differences(sequence, found, OPTIONS);
    if (differs) at(sequence.name, `sequence ${differs}`, { kind: 'alter sequence', sequence, live: found });
  }
}

/** The names of the sequences a service declares, which verify does not list as unmanaged. */
export const declaredSequences = (sequences: readonly Sequence[]): Set<string> => new Set(sequences.map((s) => s.name));
