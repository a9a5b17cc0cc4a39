import { parseColumnType } from '../model/column-types.js';
import { canReference, referencingTypes } from '../model/reference-types.js';
import type { ImportedTable, TableContext } from './tables.js';

const NO_ENUMS: ReadonlySet<string> = new Set();

/** Why the manifest cannot state a reference between columns of these types (reference-types.ts); enums by name. */
function typeProblem(from: string, to: string): string | undefined {
  const [a, b] = [parseColumnType(from, NO_ENUMS), parseColumnType(to, NO_ENUMS)];
  if (typeof a === 'string' || typeof b === 'string')
    return from === to ? undefined : `type ${from} differs from the referenced ${to}`;
  return canReference({ type: a }, { type: b })
    ? undefined
    : `type ${from} cannot reference the ${to} key; expected ${referencingTypes(b)}`;
}

/**
 * Foreign keys the manifest cannot state are taken out and reported: a target that is not a key
 * or unique column of its own, a type the manifest does not let reference the target's (PostgreSQL
 * also accepts integer → numeric or char → text, converting every value). Services may reference
 * each other in any direction, cycles included: push adds those keys once every table exists.
 */
export function checkReferences(tables: readonly ImportedTable[], ctx: Pick<TableContext, 'unsupported'>) {
  const byPlace = new Map(tables.map((t) => [`${t.place.service}.${t.place.name}`, t] as const));
  const sorted = [...tables].sort(
    (a, b) => a.place.service.localeCompare(b.place.service) || a.place.name.localeCompare(b.place.name),
  );
  for (const t of sorted) {
    for (const c of t.columns) {
      const ref = c.spec['references'] as Record<string, string> | undefined;
      if (!ref) continue;
      const service = ref['service'] ?? t.place.service;
      const target = byPlace.get(`${service}.${ref['table']}`)!;
      const column = ref['column'] ?? 'id';
      const targetSpec = target.columns.find((x) => x.name === column)?.spec ?? {};
      const keyed =
        targetSpec['primaryKey'] ||
        targetSpec['unique'] ||
        target.uniques.some((u) => u.columns.length === 1 && u.columns[0] === column);
      const why =
        targetSpec['type'] === undefined
          ? `${target.live.schema}.${target.live.name}.${column} is not imported`
          : !keyed
            ? `${target.live.schema}.${target.live.name}.${column} is not a primary key or unique constraint of its own`
            : typeProblem(String(c.spec['type']), String(targetSpec['type']));
      if (why) {
        delete c.spec['references'];
        const name = `${t.live.schema}.${t.live.name}.${c.name}`;
        ctx.unsupported.push({ kind: 'foreign key', name, note: why });
      }
    }
  }
}
