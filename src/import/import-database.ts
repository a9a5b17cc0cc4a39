import type { Queryable } from '../db/connection.js';
import { identifierProblem, reservedSchemaProblem } from '../model/names.js';
import { planBases } from './bases.js';
import { countRows, readLiveDatabase, type LiveDatabase, type LiveTable } from './catalog.js';
import { emitManifest, type ServiceEnums } from './emit.js';
import { placeTables, type Placement, type PrefixMap } from './placement.js';
import { checkReferences } from './references.js';
import { importReport } from './report.js';
import { importTable, type Finding, type ImportedTable } from './tables.js';

export interface ImportOptions {
  /** schemas to read; all non-system schemas holding tables when undefined */
  readonly schemas?: readonly string[];
  readonly maps: PrefixMap;
  /** keep every base variant exactly as it is instead of proposing one unified base */
  readonly keepBases: boolean;
  /** the database, password masked, for the manifest's header */
  readonly source: string;
}

export interface ImportResult {
  readonly manifest: string;
  /** lines for stderr: grouping, base variants, everything not imported */
  readonly report: readonly string[];
  readonly unsupported: readonly Finding[];
}

/** Reads a live database and writes the manifest that describes it, with a report of what it could not express. */
export async function importDatabase(db: Queryable, o: ImportOptions): Promise<ImportResult> {
  const live = await readLiveDatabase(db, o.schemas);
  const unsupported: Finding[] = live.others.map((x) => ({ kind: x.kind, name: x.name }));
  const tables = live.tables.filter((t) => {
    const problem = identifierProblem(t.name, 'table name') ?? identifierProblem(t.schema, 'schema name') ?? (t.schema === 'public' ? undefined : reservedSchemaProblem(t.schema));
    if (problem) unsupported.push({ kind: 'table', name: `${t.schema}.${t.name}`, note: problem });
    return !problem;
  });
  const places = placeTables(tables, o.maps);
  const bySource = new Map(tables.map((t) => [`${t.schema}.${t.name}`, places.get(t)!] as const));
  const renamed: Finding[] = [];
  const enumValues = (schema: string, name: string) => live.enums.find((e) => e.schema === schema && e.name === name)?.values;
  const ctx = { placeOf: (schema: string, table: string) => bySource.get(`${schema}.${table}`), enumValues, unsupported, renamed };
  const imported = tables.map((t) => importTable(t, places.get(t)!, ctx)).filter((t) => {
    if (t.columns.length === 0) unsupported.push({ kind: 'table', name: `${t.live.schema}.${t.live.name}`, note: 'no column could be imported' });
    return t.columns.length > 0;
  });
  checkReferences(imported, ctx);
  const plan = planBases(imported, o.keepBases);
  const enums = serviceEnums(imported, live, places, unsupported);
  const rows = await countRows(db, imported.map((t) => ({ schema: t.live.schema, name: t.live.name })));
  const manifest = emitManifest({ tables: imported, enums, plan, rows, source: o.source });
  return { manifest, unsupported, report: importReport({ tables: imported, plan, unsupported, renamed, keep: o.keepBases }) };
}

/** Each service declares the enums its columns use (wherever they live) and the enums of its own schema. */
function serviceEnums(tables: readonly ImportedTable[], live: LiveDatabase, places: ReadonlyMap<LiveTable, Placement>, unsupported: Finding[]) {
  const out = new Map<string, Record<string, { values: readonly string[]; schema: string }>>();
  const declare = (service: string, schema: string, name: string) => {
    const e = live.enums.find((x) => x.schema === schema && x.name === name);
    const enums = out.get(service) ?? {};
    out.set(service, enums);
    const had = enums[name];
    if (!e || had?.schema === schema) return;
    if (had) unsupported.push({ kind: 'enum', name: `${schema}.${name}`, note: `service ${service} already uses ${had.schema}.${name}` });
    else enums[name] = { values: e.values, schema };
  };
  const services = new Set([...places.values()].map((p) => p.service));
  for (const e of live.enums) if (services.has(e.schema)) declare(e.schema, e.schema, e.name);
  for (const t of tables) {
    for (const c of t.live.columns) if (c.typeKind === 'e' && t.columns.some((x) => x.name === c.name)) declare(t.place.service, c.typeSchema, c.typeName);
  }
  return out as ReadonlyMap<string, ServiceEnums>;
}
