import type { Model, Service, Table } from '../../model/types.js';

/** What phase planning reads of a schema: the names of its tables, their columns, and its enums. */
export interface SchemaNames {
  readonly tables: readonly { readonly name: string; readonly columns: readonly { readonly name: string }[] }[];
  readonly enums: readonly { readonly name: string }[];
}

/**
 * drizzle-kit asks interactively whether a new column/table/enum is a rename of one that disappeared.
 * We never prompt: when both appear in one place, the first phase plans only the removals (data
 * loss, refused without --accept-data-loss) and the second adds the rest.
 */
export function phaseOneModel(model: Model, service: Service, catalog: SchemaNames): Model | undefined {
  const live = new Map(catalog.tables.map((t) => [t.name, new Set(t.columns.map((c) => c.name))] as const));
  const omitTables = new Set<string>();
  const omitColumns = new Map<string, Set<string>>();
  const newTables = service.tables.filter((t) => !live.has(t.name));
  if (newTables.length > 0 && catalog.tables.some((t) => !service.tables.some((m) => m.name === t.name)))
    newTables.forEach((t) => omitTables.add(t.name));
  const liveEnums = new Set(catalog.enums.map((e) => e.name));
  const newEnums = service.enums.filter((e) => !liveEnums.has(e.name)).map((e) => e.name);
  const omitEnums = new Set(
    newEnums.length > 0 && catalog.enums.some((e) => !service.enums.some((m) => m.name === e.name)) ? newEnums : [],
  );
  for (const t of service.tables) {
    const cols = live.get(t.name);
    if (!cols) {
      if (t.columns.some((c) => c.type.enumName && omitEnums.has(c.type.enumName))) omitTables.add(t.name);
      continue;
    }
    const added = t.columns.filter((c) => !cols.has(c.name));
    const removed = [...cols].some((c) => !t.columns.some((m) => m.name === c));
    const omit = new Set((removed ? added : []).map((c) => c.name));
    t.columns.filter((c) => c.type.enumName && omitEnums.has(c.type.enumName)).forEach((c) => omit.add(c.name));
    if (omit.size > 0) omitColumns.set(t.name, omit);
  }
  if (omitTables.size === 0 && omitColumns.size === 0 && omitEnums.size === 0) return undefined;
  const keepTable = (t: Table): Table => {
    const omit = omitColumns.get(t.name) ?? new Set<string>();
    const ok = (cols: readonly string[]) => cols.every((c) => !omit.has(c));
    return {
      ...t,
      columns: t.columns.filter((c) => !omit.has(c.name)),
      uniques: t.uniques.filter((u) => ok(u.columns)),
      // An expression may name an omitted column: such an index waits for phase two, as checks do.
      indexes: t.indexes.filter((i) => ok(i.columns) && (omit.size === 0 || i.keys.length === i.columns.length)),
      // Checks are SQL text; keeping one that mentions an omitted column would fail, so phase two adds them.
      checks: omit.size > 0 ? [] : t.checks,
      foreignKeys: t.foreignKeys.filter(
        (f) => ok(f.columns) && !(f.target.service === service.name && omitTables.has(f.target.table)),
      ),
    };
  };
  const reduced: Service = {
    ...service,
    enums: service.enums.filter((e) => !omitEnums.has(e.name)),
    tables: service.tables.filter((t) => !omitTables.has(t.name)).map(keepTable),
  };
  return { services: model.services.map((s) => (s.name === service.name ? reduced : s)), extensions: model.extensions };
}
