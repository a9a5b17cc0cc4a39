import type { ImportedTable, TableContext } from './tables.js';

const INTEGER_OF: Record<string, string> = { smallserial: 'smallint', serial: 'integer', bigserial: 'bigint' };
const typeKey = (t: unknown) => INTEGER_OF[String(t)] ?? String(t);

/**
 * Foreign keys the manifest cannot state are taken out and reported: a target that is not a key
 * or unique column of its own, a type that differs from the target's (Postgres allows integer →
 * bigint), and a reference that would make two services depend on each other (each service must
 * be pushable on its own).
 */
export function checkReferences(tables: readonly ImportedTable[], ctx: Pick<TableContext, 'unsupported'>) {
  const byPlace = new Map(tables.map((t) => [`${t.place.service}.${t.place.name}`, t] as const));
  const dependsOn = new Map<string, Set<string>>();
  const reaches = (from: string, to: string, seen = new Set<string>()): boolean =>
    from === to ||
    [...(dependsOn.get(from) ?? [])].some((next) => !seen.has(next) && (seen.add(next), reaches(next, to, seen)));
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
            : typeKey(targetSpec['type']) !== typeKey(c.spec['type'])
              ? `type ${String(c.spec['type'])} differs from the referenced ${String(targetSpec['type'])}`
              : service !== t.place.service && reaches(service, t.place.service)
                ? `service ${service} already depends on service ${t.place.service}; ` +
                  'services must reference each other in one direction'
                : undefined;
      if (why) {
        delete c.spec['references'];
        const name = `${t.live.schema}.${t.live.name}.${c.name}`;
        ctx.unsupported.push({ kind: 'foreign key', name, note: why });
      } else if (service !== t.place.service) {
        dependsOn.set(t.place.service, new Set([...(dependsOn.get(t.place.service) ?? []), service]));
      }
    }
  }
}
