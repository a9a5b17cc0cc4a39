import { resolveSequenceOptions } from './resolve-sequences.js';
import type { SequenceOptions } from './types.js';

export type StatedOptions = Partial<Omit<SequenceOptions, 'type'>>;

/**
 * The options of a sequence that CREATE SEQUENCE would not take by itself: those differing from the
 * defaults of its type and direction (a descending sequence's bounds default the other way), in the
 * order the manifest documents them. What import writes and what Drizzle's identity call states.
 */
export function statedOptions(options: SequenceOptions): StatedOptions {
  const implied = {
    ...resolveSequenceOptions({ increment: options.increment }, options.type, [], () => {}),
    increment: 1n,
  };
  const keys = ['increment', 'minValue', 'maxValue', 'start', 'cache', 'cycle'] as const;
  return Object.fromEntries(keys.filter((k) => options[k] !== implied[k]).map((k) => [k, options[k]]));
}

/** A bigint option as Drizzle takes it: a number while it is exact as one, else its digits as a string. */
export const drizzleNumber = (n: bigint): number | string =>
  n <= BigInt(Number.MAX_SAFE_INTEGER) && n >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : `${n}`;
