import type { Model, Service, Table } from '../../model/types.js';
import type { CatalogSchema } from '../catalog/types.js';
import type { Drift } from '../compare/drift.js';
import type { Queryable } from '../connect/queryable.js';
import { pushStatements } from './drizzle-kit.js';
import { buildRuntimeTables } from './runtime-tables.js';

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
      indexes: t.indexes.filter((i) => ok(i.columns)),
      // Checks are SQL text; keeping one that mentions an omitted column would fail, so phase two adds them.
      checks: omit.size > 0 ? [] : t.checks,
      foreignKeys: t.foreignKeys.filter(
        (f) => !omit.has(f.column) && !(f.target.service === service.name && omitTables.has(f.target.table)),
      ),
    };
  };
  const reduced: Service = {
    ...service,
    enums: service.enums.filter((e) => !omitEnums.has(e.name)),
    tables: service.tables.filter((t) => !omitTables.has(t.name)).map(keepTable),
  };
  return { services: model.services.map((s) => (s.name === service.name ? reduced : s)) };
}

/** Plans with drizzle-kit's push differ against the live schema, on the push's own transaction. */
export async function planWithDrizzleKit(model: Model, service: Service, tx: Queryable): Promise<string[]> {
  const runtime = buildRuntimeTables(model, service.name).get(service.name)!;
  return pushStatements(runtime.exports, service.schema, tx);
}

const Q = '"((?:[^"]|"")+)"';
/** drizzle-kit statements that change one named object of a table: a column's default, a constraint, an index. */
const SUBJECTS = [
  new RegExp(`^ALTER TABLE ${Q}\\.${Q} ALTER COLUMN ${Q} (?:SET|DROP) DEFAULT`, 'i'),
  new RegExp(`^ALTER TABLE ${Q}\\.${Q} (?:DROP|ADD) CONSTRAINT ${Q}`, 'i'),
  new RegExp(`^CREATE (?:UNIQUE )?INDEX (?:CONCURRENTLY )?(?:IF NOT EXISTS )?${Q} ON ${Q}\\.${Q}`, 'i'),
  new RegExp(`^DROP INDEX (?:CONCURRENTLY )?(?:IF EXISTS )?${Q}\\.${Q}`, 'i'),
];

/** The object a statement changes, named as drift names it: `schema.table.name` (a dropped index: `schema..name`). */
function subjectOf(sql: string): { readonly table: string; readonly where: string } | undefined {
  const text = sql.trim();
  const unq = (s: string) => s.replace(/""/g, '"');
  const [def, constraint, create, drop] = SUBJECTS.map((re) => re.exec(text));
  const named = def ?? constraint;
  // A default is its own subject: a column whose type changes keeps a default that already matches.
  if (named)
    return {
      table: unq(named[2]!),
      where: `${def ? 'default:' : ''}${named
        .slice(1, 4)
        .map((x) => unq(x!))
        .join('.')}`,
    };
  if (create) return { table: unq(create[3]!), where: `${unq(create[2]!)}.${unq(create[3]!)}.${unq(create[1]!)}` };
  if (drop) return { table: '', where: `${unq(drop[1]!)}..${unq(drop[2]!)}` };
  return undefined;
}

/**
 * drizzle-kit re-plans some objects that already match: a composite unique read in another column
 * order, array and widened-type defaults spelled differently. Our comparison (drift) is what verify
 * checks, so a statement about a default, constraint or index that drift finds no difference in is
 * dropped; otherwise every push would repeat it.
 */
export function neededStatements(
  statements: readonly string[],
  drift: readonly Drift[],
  catalog: CatalogSchema,
): string[] {
  const differs = new Set(
    drift.flatMap((d) => [
      d.where,
      d.where.replace(/^([^.]*)\.[^.]*\./, '$1..'),
      ...(d.message.startsWith('default is') ? [`default:${d.where}`] : []),
    ]),
  );
  const existing = new Set(catalog.tables.map((t) => t.name));
  return statements.filter((s) => {
    const subject = subjectOf(s);
    // Objects of a table that does not exist yet are new, whatever drift says about them.
    return (
      subject === undefined || differs.has(subject.where) || (subject.table !== '' && !existing.has(subject.table))
    );
  });
}
