import { schemaTenancy } from '../model/tenants.js';
import { isCustomKind, type CustomKind } from '../model/custom-types.js';
import {
  columnCall,
  constraintCalls,
  policyCalls,
  CUSTOM_TYPES_BINDING,
  serviceTypeBinding,
  type ColumnCall,
  type ConstraintCall,
} from '../model/drizzle-calls.js';
import { crossBinding, crossTableKey, pascalCase } from '../model/names.js';
import { docComment, tsKey, tsString } from './ts-escape.js';
import { compositeDeclaration, domainDeclaration, type TypePlace } from '../model/user-type-code.js';
import type { DrizzleMajor, Model, Service, Table } from '../model/types.js';
import { migrationsTable } from '../shared/conventions.js';
import {
  relationsV1,
  relationsV1Imports,
  relationsV2,
  type RelationsV1View,
  type RelationsV2View,
  type QueryRefs,
} from './relations-view.js';
import { tenantView, type TenantView } from './tenant-view.js';
import { sequenceDeclaration } from './sequence-code.js';
import { callCode, usesSql, wrapList, type CodeScope } from './ts-code.js';

/**
 * Everything the templates print, already formatted: templates only loop and branch.
 */
export interface ServiceView {
  readonly service: string;
  readonly schemaName: string;
  readonly schemaTsName: string;
  readonly urlEnv: string;
  readonly pgCoreImports: string;
  readonly importsSql: boolean;
  /** the module uses types of generated/column-types.ts */
  readonly importsColumnTypes: boolean;
  readonly columnTypesBinding: string;
  /** `import type { A, B } from '<path>'` lines for json columns' tsType, by module */
  readonly typeImports: readonly { readonly path: string; readonly names: string }[];
  readonly crossImports: readonly { readonly binding: string; readonly service: string }[];
  readonly enums: readonly {
    readonly tsName: string;
    readonly name: string;
    readonly values: string;
    readonly typeName: string;
  }[];
  /** `export const invoiceNo = shopSchema.sequence(…);` per standalone sequence */
  readonly sequences: readonly string[];
  /** `export const emailDomain = customType<…>(…);` per domain, then per composite type of the service */
  readonly userTypes: readonly string[];
  readonly tables: readonly TableView[];
  /** views as `.existing()` Drizzle views: push, not drizzle-kit, creates them (generated-code.md) */
  readonly views: readonly ViewView[];
  /** the code is for drizzle-orm 1.x (relations v2, `drizzle({ client, relations })`); else for 0.x */
  readonly drizzle1: boolean;
  readonly relationTables: readonly RelationsV1View[];
  readonly relationImports: string;
  readonly relationsV2: readonly RelationsV2View[];
  /** the other services' tables in `db.query`, under their keys */
  readonly crossTables: readonly { readonly key: string; readonly expr: string }[];
  /** tables with a soft-delete pair, with the properties of their flag and time columns */
  readonly softDeleteTables: readonly SoftDeleteView[];
  readonly configPath: string;
  readonly configSchemaPath: string;
  readonly migrationsOut: string;
  readonly migrationsTable: string;
  /** drizzle-kit's tablesFilter hiding the declared partitions, when the service has any */
  readonly partitionsFilter?: string;
  /** how tables and relations are declared: `export const` at module level, `const` inside a tenant factory */
  readonly declare: string;
  /** a per-tenant service: the names of its factory (tenant-view.ts) */
  readonly tenant?: TenantView;
}

interface TableView {
  readonly tsName: string;
  readonly name: string;
  readonly typeName: string;
  readonly comment: readonly string[];
  readonly columns: readonly { readonly key: string; readonly code: string; readonly comment: readonly string[] }[];
  readonly constraints: readonly string[];
  /** return annotation of the constraints callback: breaks type inference cycles between tables */
  readonly constraintsType: string;
  /** row-level security enabled: `.enableRLS()` on the table */
  readonly rls: boolean;
}

interface ViewView {
  readonly tsName: string;
  /** `view` or `materializedView` */
  readonly fn: string;
  readonly name: string;
  readonly columns: readonly { readonly key: string; readonly code: string }[];
}

interface SoftDeleteView {
  readonly tsName: string;
  /** the table's SQL name, as a TypeScript string */
  readonly sqlName: string;
  readonly flag: string;
  readonly at: string;
  /** `is_deleted and deleted_at`, for the comment */
  readonly columns: string;
}

export interface ViewOptions {
  /** output folder as seen from the project root (the manifest's folder), e.g. `generated` */
  readonly outFromRoot: string;
  /** the drizzle-orm major the code is written for (drizzle-target.ts) */
  readonly drizzle: DrizzleMajor;
}

export function serviceView(model: Model, service: Service, options: ViewOptions): ServiceView {
  const lookup = (svc: string, table: string) =>
    model.services.find((s) => s.name === svc)!.tables.find((t) => t.name === table)!;
  const refer = (svc: string, table: string) => {
    const t = lookup(svc, table);
    return svc === service.name ? t.tsName : `${crossBinding(svc)}.${t.tsName}`;
  };
  const refs = { table: lookup, constant: refer };
  const closesCycle = (table: Table) =>
    table.foreignKeys.some((f) =>
      f.crossService ? reaches(model, f.target.service, service.name) : f.target.table !== table.name,
    );
  const binding = serviceTypeBinding(service);
  const place: TypePlace = schemaTenancy(service) ? { tenantSchemaParam: 'schemaName' } : { schema: service.schema };
  const allCalls: (ColumnCall | ConstraintCall)[] = [];
  const tables = service.tables.map((table): TableView => {
    const scope: CodeScope = {
      column: (c) => `t.${columnOf(table, c).tsKey}`,
      foreignColumn: (svc, tbl, col) =>
        svc === service.name && tbl === table.name
          ? `t.${columnOf(table, col).tsKey}`
          : `${refer(svc, tbl)}.${columnOf(lookup(svc, tbl), col).tsKey}`,
    };
    const columnCalls = table.columns.map((c) => columnCall(c, binding));
    const constraints = [...constraintCalls(table), ...policyCalls(table)];
    allCalls.push(...columnCalls, ...constraints);
    return {
      tsName: table.tsName,
      name: tsString(table.name),
      typeName: table.typeName,
      comment: table.comment ? docComment(table.comment) : [],
      columns: table.columns.map((c, i) => ({
        key: c.tsKey,
        code: callCode(columnCalls[i]!, scope, 4, 4 + c.tsKey.length + 3),
        comment: c.comment ? docComment(c.comment) : [],
      })),
      constraints: constraints.map((k) => callCode(k, scope, 4, 5)),
      constraintsType: closesCycle(table) ? ': PgTableExtraConfigValue[]' : '',
      rls: table.rls !== undefined,
    };
  });
  // A view's columns are plain builders (no default, no reference): no scope is ever asked.
  const noScope: CodeScope = { column: unreachable, foreignColumn: unreachable };
  const views = service.views.map((v): ViewView => {
    const calls = v.columns.map((c) => columnCall(c, binding));
    allCalls.push(...calls);
    return {
      tsName: v.tsName,
      fn: v.materialized ? 'materializedView' : 'view',
      name: tsString(v.name),
      columns: v.columns.map((c, i) => ({
        key: c.tsKey,
        code: callCode(calls[i]!, noScope, 4, 4 + c.tsKey.length + 3),
      })),
    };
  });
  const customPrefix = `${CUSTOM_TYPES_BINDING}.`;
  const pgCore = new Set(
    allCalls
      .map((c) => c.fn)
      .filter(
        (fn) =>
          !service.enums.some((e) => e.tsName === fn) &&
          !service.domains.some((d) => d.tsName === fn) &&
          !service.composites.some((c) => c.tsName === fn) &&
          !fn.startsWith(customPrefix),
      ),
  );
  pgCore.add('pgSchema');
  if (service.domains.length + service.composites.length > 0) pgCore.add('customType');
  if (service.tables.some(closesCycle)) pgCore.add('type PgTableExtraConfigValue');
  const crossServices = [
    ...new Set(service.tables.flatMap((t) => t.foreignKeys.filter((f) => f.crossService).map((f) => f.target.service))),
  ].sort();

  const relationTables = relationsV1(service, refs);
  const crossTables = crossTableKeys(service, relationTables, refer);
  const queryKey = (svc: string, table: string) =>
    svc === service.name ? lookup(svc, table).tsName : crossTables.find((t) => t.of === `${svc}.${table}`)!.key;
  const tableRefs: QueryRefs = { ...refs, queryKey };

  return {
    service: service.name,
    schemaName: tsString(service.schema),
    schemaTsName: service.schemaTsName,
    urlEnv: service.urlEnv,
    pgCoreImports: wrapList(
      '{',
      [...pgCore].sort((a, b) => a.replace(/^type /, '').localeCompare(b.replace(/^type /, ''))),
      '}',
      0,
      "import  from 'drizzle-orm/pg-core';".length,
      ' ',
    ),
    importsSql: usesSql(allCalls),
    importsColumnTypes: customTypesOf([service]).length > 0,
    columnTypesBinding: CUSTOM_TYPES_BINDING,
    typeImports: typeImportsOf(service),
    crossImports: crossServices.map((s) => ({ binding: crossBinding(s), service: s })),
    enums: service.enums.map((e) => {
      const head = `export const ${e.tsName} = ${service.schemaTsName}.enum(${tsString(e.name)}, `;
      return {
        tsName: e.tsName,
        name: tsString(e.name),
        values: wrapList('[', e.values.map(tsString), ']', 0, head.length + 2),
        typeName: pascalCase(e.name),
      };
    }),
    sequences: service.sequences.map((q) => sequenceDeclaration('export const', service.schemaTsName, q)),
    userTypes: [
      ...service.domains.map((d) => domainDeclaration(place, d)),
      ...service.composites.map((c) => compositeDeclaration(place, c)),
    ],
    tables,
    views,
    drizzle1: options.drizzle === 1,
    relationTables,
    relationImports: options.drizzle === 0 ? relationsV1Imports(service, refs) : '',
    relationsV2: options.drizzle === 1 ? relationsV2(service, tableRefs) : [],
    crossTables,
    softDeleteTables: service.tables.flatMap(({ tsName, softDelete: pair, ...t }) =>
      pair
        ? [
            {
              tsName,
              sqlName: tsString(t.name),
              flag: tsString(columnOf(t, pair.flag).tsKey),
              at: tsString(columnOf(t, pair.at).tsKey),
              columns: `${pair.flag} and ${pair.at}`,
            },
          ]
        : [],
    ),
    configPath: joinPosix(options.outFromRoot, service.name, 'drizzle.config.ts'),
    configSchemaPath: tsString(`./${joinPosix(options.outFromRoot, service.name, 'schema.ts')}`),
    migrationsOut: tsString(`./${joinPosix('migrations', service.name)}`),
    migrationsTable: tsString(migrationsTable(service.name)),
    ...partitionsFilter(service.tables),
    declare: schemaTenancy(service) ? 'const' : 'export const',
    ...tenantView(service, relationTables, options.drizzle === 1),
  };
}

/** `['!events_2024', …]`: drizzle-kit, blind to partitioned tables, takes partitions for tables to rename or drop. */
function partitionsFilter(tables: readonly Table[]): { partitionsFilter?: string } {
  const names = tables.flatMap((t) => t.partitioning?.partitions.map((p) => tsString(`!${p.name}`)) ?? []);
  return names.length > 0 ? { partitionsFilter: `[${names.join(', ')}]` } : {};
}

/**
 * The other services' tables in `db.query`, under `<service><Table>` (`authAccounts`); a key that another
 * entry of the schema object already has falls back to the quoted `'<schema>.<table>'`.
 */
function crossTableKeys(
  service: Service,
  relationTables: readonly RelationsV1View[],
  refer: (svc: string, table: string) => string,
) {
  const foreign = service.tables.flatMap((t) => t.foreignKeys.filter((f) => f.crossService).map((f) => f.target));
  const targets = [...new Map(foreign.map((t) => [`${t.service}.${t.table}`, t] as const)).values()];
  const keys = targets.map((t) => crossTableKey(t.service, t.table));
  const repeated = new Set(keys.filter((k, i) => keys.indexOf(k) !== i));
  const taken = new Set([
    service.schemaTsName,
    ...service.enums.map((e) => e.tsName),
    ...service.tables.map((t) => t.tsName),
    ...relationTables.map((r) => r.bindingName),
  ]);
  return targets
    .map((t, i) => ({
      key: taken.has(keys[i]!) || repeated.has(keys[i]!) ? tsString(`${t.schema}.${t.table}`) : tsKey(keys[i]!),
      expr: refer(t.service, t.table),
      of: `${t.service}.${t.table}`,
    }))
    .sort((a, b) => a.key.localeCompare(b.key));
}

function typeImportsOf(service: Service) {
  const byPath = new Map<string, Set<string>>();
  for (const c of service.tables.flatMap((t) => t.columns)) {
    if (c.tsType) byPath.set(c.tsType.import, (byPath.get(c.tsType.import) ?? new Set()).add(c.tsType.name));
  }
  return [...byPath]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([path, names]) => ({ path: tsString(path), names: [...names].sort().join(', ') }));
}

/** The custom types (custom-types.ts) the services' columns use, in name order. */
export function customTypesOf(services: readonly Service[]): CustomKind[] {
  const kinds = services.flatMap((s) => [...s.tables, ...s.views].flatMap((t) => t.columns.map((c) => c.type.kind)));
  return [...new Set(kinds.filter(isCustomKind))].sort();
}

/**
 * Whether service `from` references `to`, maybe through others. A table referencing another table of its
 * module, or of a service referencing its own back, can form a cycle TypeScript cannot infer through.
 */
function reaches(model: Model, from: string, to: string, seen = new Set<string>()): boolean {
  if (from === to) return true;
  seen.add(from);
  const next = model.services.find((s) => s.name === from)?.dependsOn ?? [];
  return next.some((dep) => !seen.has(dep) && reaches(model, dep, to, seen));
}

function columnOf(table: Pick<Table, 'columns'>, name: string) {
  return table.columns.find((c) => c.name === name)!;
}

const unreachable = (): never => {
  throw new Error('a view column names no other column');
};

const joinPosix = (...parts: string[]) => parts.filter((p) => p !== '' && p !== '.').join('/');
