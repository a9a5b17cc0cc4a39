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

/** One foreign key as import wrote it: a column's `references`, or one of the table's `foreignKeys`. */
interface WrittenKey {
  readonly columns: readonly string[];
  readonly service?: string;
  readonly table: string;
  readonly targetColumns: readonly string[];
  readonly name: string;
  readonly drop: () => void;
}

function writtenKeys(t: ImportedTable): WrittenKey[] {
  const name = (cols: readonly string[]) => `${t.live.schema}.${t.live.name}.${cols.join(', ')}`;
  const keys: WrittenKey[] = [];
  for (const c of t.columns) {
    const ref = c.spec['references'] as Record<string, string> | undefined;
    if (ref)
      keys.push({
        columns: [c.name],
        service: ref['service'],
        table: ref['table']!,
        targetColumns: [ref['column'] ?? 'id'],
        name: name([c.name]),
        drop: () => delete c.spec['references'],
      });
  }
  for (const fk of [...t.foreignKeys]) {
    const columns = fk['columns'] as string[];
    const to = fk['references'] as { table: string; columns: string[]; service?: string };
    keys.push({
      columns,
      service: to.service,
      table: to.table,
      targetColumns: to.columns,
      name: name(columns),
      drop: () => t.foreignKeys.splice(t.foreignKeys.indexOf(fk), 1),
    });
  }
  return keys;
}

/**
 * Foreign keys the manifest cannot state are taken out and reported: a target that is not a key
 * or unique constraint of its own, a type the manifest does not let reference the target's (PostgreSQL
 * also accepts integer → numeric or char → text, converting every value). Services may reference
 * each other in any direction, cycles included: push adds those keys once every table exists.
 */
export function checkReferences(tables: readonly ImportedTable[], ctx: Pick<TableContext, 'unsupported'>) {
  const byPlace = new Map(tables.map((t) => [`${t.place.service}.${t.place.name}`, t] as const));
  const sorted = [...tables].sort(
    (a, b) => a.place.service.localeCompare(b.place.service) || a.place.name.localeCompare(b.place.name),
  );
  for (const t of sorted) {
    for (const key of writtenKeys(t)) {
      const target = byPlace.get(`${key.service ?? t.place.service}.${key.table}`)!;
      const where = `${target.live.schema}.${target.live.name}`;
      const specOf = (table: ImportedTable, column: string) => table.columns.find((x) => x.name === column)?.spec;
      const missing = key.targetColumns.find((c) => specOf(target, c)?.['type'] === undefined);
      const why =
        missing !== undefined
          ? `${where}.${missing} is not imported`
          : !isKey(target, key.targetColumns)
            ? `${where}(${key.targetColumns.join(', ')}) is not a primary key or unique constraint of its own`
            : key.columns
                .map((c, i) =>
                  typeProblem(String(specOf(t, c)!['type']), String(specOf(target, key.targetColumns[i]!)!['type'])),
                )
                .find((p) => p !== undefined);
      if (why) {
        key.drop();
        ctx.unsupported.push({ kind: 'foreign key', name: key.name, note: why });
      }
    }
  }
}

/** Whether the columns are the table's primary key or a unique constraint, in any order. */
function isKey(table: ImportedTable, columns: readonly string[]): boolean {
  const covers = (key: readonly string[]) => key.length === columns.length && key.every((k) => columns.includes(k));
  const spec = columns.length === 1 ? table.columns.find((c) => c.name === columns[0])?.spec : undefined;
  return (
    Boolean(spec?.['primaryKey'] || spec?.['unique']) ||
    covers(table.primaryKey ?? []) ||
    table.uniques.some((u) => covers(u.columns))
  );
}
