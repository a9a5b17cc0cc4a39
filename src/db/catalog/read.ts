import {
  ELSEWHERE,
  ENUMS,
  FUNCTIONS,
  SCHEMAS,
  UNMANAGED,
  VIEWS,
  type CatalogParams,
  type CatalogStatement,
} from './query.js';
import { COMPOSITES, DOMAINS } from './type-queries.js';
import { EXTENSIONS, ROLES, SEQUENCES } from './database-queries.js';
import { inPrivilegeOrder, objectOf, parsedJson, readTables } from './rows.js';
import type { Queryable } from '../connect/queryable.js';
import type {
  CatalogComposite,
  CatalogDomain,
  CatalogEnum,
  CatalogFunction,
  CatalogSequence,
  CatalogRequest,
  CatalogSchema,
  CatalogView,
  DatabaseCatalog,
  Found,
  Unmanaged,
} from './types.js';

/** Reads one schema. */
export async function readCatalog(
  db: Queryable,
  schema: string,
  lookFor: readonly string[] = [],
  otherServices: readonly string[] = [],
): Promise<CatalogSchema> {
  return (await readCatalogs(db, [{ schema, lookFor, otherServices }])).schemas.get(schema)!;
}

/**
 * Reads several schemas (or every schema but PostgreSQL's own and `drizzle`): one statement per
 * list, sent without waiting for each other, so a database holding many services pays for one read,
 * not one per service. Run it under `Db.readOnly` for one snapshot; inside a push transaction the
 * statements see what the transaction did.
 */
export async function readCatalogs(
  db: Queryable,
  requests: readonly CatalogRequest[] | 'every schema',
  options: { readonly forImport?: boolean; readonly unmanaged?: boolean } = {},
): Promise<DatabaseCatalog> {
  const asked = requests === 'every schema' ? undefined : requests;
  // Schemas no request looks in, left out by the query already; each request then drops its own.
  const skipped = asked?.map((r) => new Set([r.schema, ...(r.otherServices ?? [])]));
  const skippedByAll = skipped?.length ? [...skipped[0]!].filter((s) => skipped.every((x) => x.has(s))) : [];
  const params: CatalogParams = {
    schemas: asked ? JSON.stringify(asked.map((r) => r.schema)) : null,
    lookFor: JSON.stringify([...new Set(asked?.flatMap((r) => r.lookFor ?? []) ?? [])]),
    skip: JSON.stringify(skippedByAll),
    forImport: options.forImport ?? false,
  };
  const read = <T>(s: CatalogStatement) => db.query<T>(s.text, s.params(params));
  const [
    tables,
    present,
    elsewhere,
    enums,
    views,
    domains,
    composites,
    functions,
    extensions,
    roles,
    sequences,
    unmanaged,
  ] = await Promise.all([
    readTables(read),
    read<{ name: string }>(SCHEMAS).then((rows) => rows.map((r) => r.name)),
    read<Record<string, unknown>>(ELSEWHERE).then((rows) => rows.map((r) => objectOf<Found>(ELSEWHERE, r))),
    read<Record<string, unknown>>(ENUMS).then((rows) =>
      rows.map((r) => {
        const e = objectOf<CatalogEnum>(ENUMS, r);
        e.values = parsedJson(e.values);
        return e;
      }),
    ),
    read<Record<string, unknown>>(VIEWS).then((rows) =>
      rows.map((r) => {
        const v = objectOf<CatalogView>(VIEWS, r);
        for (const key of ['options', 'columns', 'indexes', 'reads', 'grants'] as const)
          Object.assign(v, { [key]: parsedJson(v[key]) });
        for (const g of v.grants) inPrivilegeOrder(g.privileges as string[]);
        return v;
      }),
    ),
    read<CatalogDomain & { checks: unknown }>(DOMAINS).then((rows) =>
      rows.map((d): CatalogDomain => ({ ...d, checks: parsedJson(d.checks) })),
    ),
    read<CatalogComposite & { attributes: unknown }>(COMPOSITES).then((rows) =>
      rows.map((c): CatalogComposite => ({ ...c, attributes: parsedJson(c.attributes) })),
    ),
    read<CatalogFunction>(FUNCTIONS),
    read<{ name: string }>(EXTENSIONS).then((rows) => rows.map((r) => r.name)),
    read<{ name: string }>(ROLES).then((rows) => rows.map((r) => r.name)),
    read<CatalogSequence>(SEQUENCES),
    options.unmanaged
      ? read<Record<string, unknown>>(UNMANAGED).then((rows) => rows.map((r) => objectOf<Unmanaged>(UNMANAGED, r)))
      : undefined,
  ]);
  const schemas = new Map<string, CatalogSchema>();
  const names = [...present, ...(asked ?? []).map((r) => r.schema).filter((s) => !present.includes(s))];
  for (const schema of names) {
    const request = asked?.find((r) => r.schema === schema);
    const skip = new Set([schema, ...(request?.otherServices ?? [])]);
    schemas.set(schema, {
      exists: present.includes(schema),
      tables: tables.get(schema) ?? [],
      enums: enums.filter((e) => e.schema === schema),
      views: views.filter((v) => v.schema === schema),
      domains: domains.filter((d) => d.schema === schema),
      functions: functions.filter((f) => f.schema === schema),
      composites: composites.filter((c) => c.schema === schema),
      extensions,
      roles,
      sequences: sequences.filter((q) => q.schema === schema),
      elsewhere: elsewhere.filter((e) => request?.lookFor?.includes(e.table) && !skip.has(e.schema)),
      ...(unmanaged && { unmanaged: unmanaged.filter((u) => u.schema === schema) }),
    });
  }
  return { schemas, enums, extensions };
}
