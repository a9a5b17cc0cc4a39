import { DEFAULT_BASE } from '../model/resolve-columns.js';
import type { Model } from '../model/types.js';
import type { BaseColumns } from './finding.js';

const FROM_A_BASE = /^base(?: |$)|^bases\./;
const DEFAULT_ORIGIN = 'the default base';

/**
 * Every column a base gives, with where it comes from (`base`, `bases.<name>`, `the default base`),
 * as the model resolved it; without a manifest, the default base.
 */
export function baseColumnsOf(model: Model | undefined): BaseColumns {
  if (!model) return new Map(Object.keys(DEFAULT_BASE).map((name) => [name, DEFAULT_ORIGIN]));
  const origins = new Map<string, Set<string>>();
  for (const column of model.services.flatMap((s) => s.tables.flatMap((t) => t.columns))) {
    const origin = column.origin.startsWith('base (') ? DEFAULT_ORIGIN : column.origin;
    if (FROM_A_BASE.test(column.origin)) origins.set(column.name, (origins.get(column.name) ?? new Set()).add(origin));
  }
  return new Map([...origins].map(([name, from]) => [name, [...from].sort().join(', ')]));
}
