import type { CatalogSequence } from '../db/catalog/types.js';
import { identifierProblem } from '../model/names.js';
import { resolveSequences } from '../model/resolve-sequences.js';
import type { Finding } from './tables.js';

/** Sequences by service, as the manifest writes them: each option only where it is not the default. */
export type ServiceSequences = ReadonlyMap<string, Record<string, Record<string, unknown>>>;

const KIND = 'sequence not owned by a column';

/**
 * The standalone sequences (no column owns them: what pg_dump restores for a `nextval` default, or a
 * sequence of its own) of the schemas that stay services as they are, declared under `sequences:` so
 * push keeps them and a push elsewhere creates them. One in a schema whose tables move (its defaults
 * keep naming it where it is) or of a name the manifest refuses stays listed.
 */
export function importSequences(
  sequences: readonly CatalogSequence[],
  services: ReadonlySet<string>,
  unsupported: Finding[],
): ServiceSequences {
  const out = new Map<string, Record<string, Record<string, unknown>>>();
  const imported = new Set<string>();
  for (const s of sequences) {
    if (!services.has(s.schema) || identifierProblem(s.name, 'sequence name')) continue;
    const type = s.type as 'smallint' | 'integer' | 'bigint';
    const full = {
      type,
      increment: BigInt(s.increment),
      minValue: BigInt(s.minValue),
      maxValue: BigInt(s.maxValue),
      start: BigInt(s.start),
      cache: BigInt(s.cache),
      cycle: s.cycle,
    };
    // What the manifest would take when an option is left out: written only where the sequence differs.
    const [implied] = resolveSequences({ [s.name]: { increment: full.increment } }, [], []);
    const spec = Object.fromEntries(
      Object.entries(full).filter(([key, value]) => value !== implied![key as keyof typeof full]),
    );
    out.set(s.schema, { ...out.get(s.schema), [s.name]: spec });
    imported.add(`${s.schema}.${s.name}`);
  }
  unsupported.splice(
    0,
    unsupported.length,
    ...unsupported.filter((u) => !(u.kind === KIND && !u.note && imported.has(u.name))),
  );
  return out;
}
