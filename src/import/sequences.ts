import type { CatalogColumn, CatalogSequence, CatalogSequenceOptions } from '../db/catalog/types.js';
import { identifierProblem } from '../model/names.js';
import { statedOptions } from '../model/sequence-options.js';
import type { Identity, SequenceOptions } from '../model/types.js';
import type { SchemaHomes } from './placement.js';
import type { Finding } from './finding.js';

/** Sequences by service, as the manifest writes them: each option only where it is not the default. */
export type ServiceSequences = ReadonlyMap<string, Record<string, Record<string, unknown>>>;

/** The service each standalone sequence is declared by, keyed `schema.name`. */
export type SequenceHomes = ReadonlyMap<string, string>;

const KIND = 'sequence not owned by a column';

/**
 * The service declaring each standalone sequence (no column owns it: what pg_dump restores for a
 * `nextval` default, or a sequence of its own): the home of its schema (placement.ts), which push
 * moves it into with the tables (a default holds its sequence itself, not its name, so it keeps
 * drawing from it). One of a name the manifest refuses has none.
 */
export function sequenceHomes(sequences: readonly CatalogSequence[], schemas: SchemaHomes): SequenceHomes {
  const homes = new Map<string, string>();
  for (const s of sequences) {
    const home = schemas.get(s.schema);
    if (home && !identifierProblem(s.name, 'sequence name')) homes.set(`${s.schema}.${s.name}`, home);
  }
  return homes;
}

/**
 * The standalone sequences declared under `sequences:` of their home service (sequenceHomes), so push
 * keeps them (moving them with their tables) and a push elsewhere creates them. One without a home,
 * or of the name of another the service declares, stays listed.
 */
export function importSequences(
  sequences: readonly CatalogSequence[],
  homes: SequenceHomes,
  unsupported: Finding[],
): ServiceSequences {
  const out = new Map<string, Record<string, Record<string, unknown>>>();
  const imported = new Set<string>();
  for (const s of sequences) {
    const key = `${s.schema}.${s.name}`;
    const home = homes.get(key);
    if (!home) continue;
    if (out.get(home)?.[s.name]) {
      const note = `another sequence ${s.name} is declared by service ${home}; a service declares one of a name`;
      unsupported.push({ kind: KIND, name: key, note });
      continue;
    }
    const options = liveOptions(s);
    const spec = { ...(options.type !== 'bigint' && { type: options.type }), ...statedOptions(options) };
    out.set(home, { ...out.get(home), [s.name]: spec });
    imported.add(key);
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
