import { UserError } from '../shared/errors.js';
import type { Db } from '../db/connect/queryable.js';
import { identifierProblem, reservedSchemaProblem } from '../model/names.js';
import { planBases } from './bases.js';
import { planMixins } from './mixins.js';
import type { CatalogTable } from '../db/catalog/types.js';
import { countRows, qualifiedDefinitions, readLiveDatabase, sequenceGrants, type LiveDatabase } from './catalog.js';
import { manifestData, renderManifest, type ServiceEnums } from './emit.js';
import { placeTables, schemaHomes, type Placement, type PrefixMap, type SchemaHomes } from './placement.js';
import { checkReferences } from './references.js';
import { importUserTypes, USER_TYPE_KINDS, type ImportedUserType } from './user-types.js';
import { importReport } from './report.js';
import type { Finding } from './finding.js';
import { importTable, type ImportedTable } from './tables.js';
import { validateImported } from './validate.js';
import { importFunctions } from './functions.js';
import { importTriggers } from './triggers.js';
import { importPolicies } from './policies.js';
import { grantsOf, importGrants, serviceRoles } from './grants.js';
import { importViews } from './views.js';
import { importSequences, sequenceHomes } from './sequences.js';

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
  /** what the project's own loader says about the manifest: nothing, unless import has a defect */
  readonly problems: readonly string[];
}

/** Reads a live database and writes the manifest that describes it, with a report of what it could not express. */
export async function importDatabase(db: Db, o: ImportOptions): Promise<ImportResult> {
  const live = await readLiveDatabase(db, o.schemas);
  const enumValues = (schema: string, name: string) =>
    live.enums.find((e) => e.schema === schema && e.name === name)?.values;
  const typesFound: Finding[] = [];
  const userTypes = importUserTypes(live, enumValues, typesFound);
  const unsupported: Finding[] = [
    ...live.others
      .filter((x) => !typesFound.some((f) => f.kind === x.kind && f.name === x.name))
      .map((x) => ({ kind: x.kind, name: x.name })),
    ...typesFound,
  ];
  const tables = live.tables.filter((t) => {
    const problem =
      identifierProblem(t.name, 'table name') ??
      identifierProblem(t.schema, 'schema name') ??
      (t.schema === 'public' ? undefined : reservedSchemaProblem(t.schema));
    if (problem) unsupported.push({ kind: 'table', name: `${t.schema}.${t.name}`, note: problem });
    return !problem;
  });
  // Counting rows takes the database a while: it runs while the tables are worked out here.
  const counting = countRows(
    db,
    tables.map((t) => ({ schema: t.schema, name: t.name })),
  );
  counting.catch(() => undefined);
  // One turn of the event loop sends the query before the synchronous work below holds the thread.
  await new Promise((resolve) => setImmediate(resolve));
  const places = placeTables(tables, o.maps);
  // A user type is declared by the home of its schema (the service its tables go to); else it stays listed.
  const homes = schemaHomes(places);
  for (const schema of userTypes.keys()) if (!homes.has(schema)) userTypes.delete(schema);
  const serviceTypes = typesByService(userTypes, homes, unsupported);
  const declaredType = (f: Finding) => {
    const [schema, name] = f.name.split('.') as [string, string];
    const t = userTypes.get(schema)?.get(name);
    return t !== undefined && USER_TYPE_KINDS[t.section] === f.kind;
  };
  unsupported.splice(0, unsupported.length, ...unsupported.filter((f) => !declaredType(f)));
  const bySource = new Map(tables.map((t) => [`${t.schema}.${t.name}`, places.get(t)!] as const));
  const renamed: Finding[] = [];
  const placeOf = (schema: string, table: string) => bySource.get(`${schema}.${table}`);
  const userType = (schema: string, name: string) => userTypes.get(schema)?.get(name)?.type;
  const sequences = sequenceHomes(live.sequences, homes);
  const ctx = { placeOf, enumValues, userType, unsupported, renamed, partitions: live.partitions, homes, sequences };
  const imported = tables
    .map((t) => importTable(t, places.get(t)!, ctx))
    .filter((t) => {
      const name = `${t.live.schema}.${t.live.name}`;
      if (t.columns.length === 0) unsupported.push({ kind: 'table', name, note: 'no column could be imported' });
      // Half a partitioned table would be half-managed: it stays out, named (its key's form is reported).
      if (t.live.partitioned && !t.partitioning)
        unsupported.push({ kind: 'table', name, note: 'partitioned by a key the manifest cannot express' });
      return t.columns.length > 0 && !(t.live.partitioned && !t.partitioning);
    });
  // The partitions their parents declare are not left out.
  const declared = new Set(
    imported.flatMap((t) => Object.keys(t.partitioning?.partitions ?? {}).map((p) => `${t.live.schema}.${p}`)),
  );
  for (let i = unsupported.length - 1; i >= 0; i--)
    if (unsupported[i]!.kind === 'partition' && declared.has(unsupported[i]!.name)) unsupported.splice(i, 1);
  if (imported.length === 0) {
    const where = o.schemas ? `schema ${o.schemas.join(', ')}` : 'any schema';
    throw new UserError(`no table to import in ${where}; expected at least one table`);
  }
  checkReferences(imported, ctx);
  const plan = planBases(imported, o.keepBases);
  const enums = serviceEnums(imported, live, places, unsupported);
  const mixins = planMixins(imported, plan);
  // Views join the home of their schema, moving with its tables; the others are listed (views.ts).
  const moving = live.views.filter((v) => homes.has(v.schema) && homes.get(v.schema) !== v.schema);
  const definitions = await qualifiedDefinitions(db, moving);
  const ours = serviceRoles(imported);
  for (const g of await sequenceGrants(db, [...new Set(tables.map((t) => t.schema))]))
    if (!ours.has(g.role))
      unsupported.push({
        kind: 'grant',
        name: `${g.sequence} to ${g.role}`,
        note: 'on a sequence: no manifest form; push leaves it as it is',
      });
  const views = importViews(
    live.views,
    placeOf,
    { homes, definitions, names: movingNames(live, homes) },
    unsupported,
    (v) => grantsOf(v.grants, `${v.schema}.${v.name}`, ours, unsupported),
  );
  // Each view not imported is listed by importViews with why: the bare entry of the catalog goes.
  for (let i = unsupported.length - 1; i >= 0; i--)
    if (/^(materialized )?view$/.test(unsupported[i]!.kind) && !unsupported[i]!.note) unsupported.splice(i, 1);
  const functions = importFunctions(live.functions, imported, unsupported);
  const triggers = importTriggers(imported, functions, unsupported);
  const policies = importPolicies(imported, unsupported);
  const grants = importGrants(imported, unsupported);
  const planned = {
    extensions: live.extensions,
    sequences: importSequences(live.sequences, sequences, unsupported),
    tables: imported,
    enums,
    userTypes: serviceTypes,
    plan,
    mixins,
    views,
    functions,
    triggers,
    policies,
    grants,
    source: o.source,
  };
  const data = manifestData(planned);
  const problems = validateImported(data, () => renderManifest(data, { ...planned, rows: new Map() }));
  const manifest = renderManifest(data, { ...planned, rows: await counting });
  const report = importReport({ tables: imported, plan, mixins, unsupported, renamed, keep: o.keepBases });
  return { manifest, problems, unsupported, report };
}

/** Each service declares the enums its columns use (wherever they live) and the enums of its own schema. */
function serviceEnums(
  tables: readonly ImportedTable[],
  live: LiveDatabase,
  places: ReadonlyMap<CatalogTable, Placement>,
  unsupported: Finding[],
) {
  const out = new Map<string, Record<string, { values: readonly string[]; schema: string }>>();
  const declare = (service: string, schema: string, name: string) => {
    const e = live.enums.find((x) => x.schema === schema && x.name === name);
    const enums = out.get(service) ?? {};
    out.set(service, enums);
    const had = enums[name];
    if (!e || had?.schema === schema) return;
    const note = `service ${service} already uses ${had?.schema}.${name}`;
    if (had) unsupported.push({ kind: 'enum', name: `${schema}.${name}`, note });
    else enums[name] = { values: e.values, schema };
  };
  const services = new Set([...places.values()].map((p) => p.service));
  for (const e of live.enums) if (services.has(e.schema)) declare(e.schema, e.schema, e.name);
  for (const t of tables) {
    for (const c of t.live.columns) {
      const imported = t.columns.some((x) => x.name === c.name);
      if (c.typeKind === 'e' && imported) declare(t.place.service, c.typeSchema, c.typeName);
    }
  }
  return out as ReadonlyMap<string, ServiceEnums>;
}

/** The objects of each schema moving to its home that go there under their own names. */
function movingNames(live: LiveDatabase, homes: SchemaHomes): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const objects = [
    ...live.tables,
    ...live.views,
    ...live.functions,
    ...live.domains,
    ...live.composites,
    ...live.enums,
    ...live.sequences,
  ];
  for (const o of objects)
    if (homes.has(o.schema) && homes.get(o.schema) !== o.schema)
      out.set(o.schema, (out.get(o.schema) ?? new Set()).add(o.name));
  return out;
}

/**
 * Each service's domains and composite types, by section: those of its own schema and of the schemas
 * whose tables all go to it. One named like a type the service already has stays listed.
 */
function typesByService(
  types: ReadonlyMap<string, Map<string, ImportedUserType>>,
  homes: SchemaHomes,
  unsupported: Finding[],
): Map<string, Record<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, Record<string, unknown>>>();
  const taken = new Map<string, Set<string>>();
  // The service's own schema first: its names are the ones kept.
  const order = [...types].sort(([a], [b]) => Number(homes.get(b) === b) - Number(homes.get(a) === a));
  for (const [schema, named] of order) {
    const home = homes.get(schema)!;
    const names = taken.get(home) ?? new Set<string>();
    taken.set(home, names);
    const sections = out.get(home) ?? {};
    out.set(home, sections);
    for (const [name, t] of named) {
      if (names.has(name)) {
        const note = `service ${home} has another type ${name}; a service declares one type of a name`;
        unsupported.push({ kind: USER_TYPE_KINDS[t.section], name: `${schema}.${name}`, note });
        // Out of the imported types: its columns are listed with it, not typed by the other one.
        named.delete(name);
        continue;
      }
      names.add(name);
      (sections[t.section] ??= {})[name] = t.spec;
    }
  }
  return out;
}
