import type { CatalogColumn, CatalogSequence, CatalogSequenceOptions } from '../db/catalog/types.js';
import { identifierProblem } from '../model/names.js';
import { statedOptions } from '../model/sequence-options.js';
import type { Identity, SequenceOptions } from '../model/types.js';
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
    const options = liveOptions(s);
    const spec = { ...(options.type !== 'bigint' && { type: options.type }), ...statedOptions(options) };
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

/** The options of a live sequence as the model holds them. */
const liveOptions = (s: CatalogSequenceOptions): SequenceOptions => ({
  type: s.type as SequenceOptions['type'],
  start: BigInt(s.start),
  increment: BigInt(s.increment),
  minValue: BigInt(s.minValue),
  maxValue: BigInt(s.maxValue),
  cache: BigInt(s.cache),
  cycle: s.cycle,
});

/** `identity: always`, or the mapping form where the identity's sequence has options of its own. */
export function importIdentity(c: CatalogColumn): Identity['mode'] | Record<string, unknown> {
  const mode = c.identity === 'a' ? 'always' : 'by default';
  const stated = c.identitySequence ? statedOptions(liveOptions(c.identitySequence)) : {};
  return Object.keys(stated).length > 0 ? { mode, ...stated } : mode;
}
