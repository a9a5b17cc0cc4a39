import { schemaTenancy } from '../model/tenants.js';
import { MAX_IDENTIFIER_BYTES } from '../manifest/value-rules.js';
import { camelCase, pascalCase } from '../model/names.js';
import type { Service } from '../model/types.js';
import type { RelationsV1View } from './relations-view.js';
import { wrapList } from './ts-code.js';

/** The names the per-tenant factory of a service is generated under (schema.ts, relations.ts, tenant.ts). */
export interface TenantView {
  /** the exported pattern constant, e.g. shopSchemaPattern */
  readonly patternTsName: string;
  /** the function declaring the tables in a given schema, e.g. shopTables */
  readonly factory: string;
  /** its return type, e.g. ShopTables */
  readonly typeName: string;
  /** `{ a, b }` (or one a line): everything the factory declares, as exported and as returned */
  readonly exported: string;
  readonly returned: string;
  /** the function declaring the relations over one tenant's tables, e.g. shopRelations */
  readonly relationsFactory: string;
  readonly relationsExported: string;
  readonly relationsReturned: string;
  /** relations.ts has a relations factory to import */
  readonly relationsImport: boolean;
  /** one tenant's tables and relations, e.g. ShopTenant */
  readonly boundTypeName: string;
  /** the longest tenant name whose schema fits in 63 bytes */
  readonly maxName: number;
}

export function tenantView(service: Service, relationTables: readonly RelationsV1View[], drizzle1: boolean) {
  const t = schemaTenancy(service);
  if (!t) return {};
  const stem = camelCase(service.name);
  const declared = [
    service.schemaTsName,
    ...service.enums.map((e) => e.tsName),
    ...service.tables.map((x) => x.tsName),
  ];
  const relationNames = relationTables.map((r) => r.bindingName);
  const view: TenantView = {
    patternTsName: `${stem}SchemaPattern`,
    factory: `${stem}Tables`,
    typeName: `${pascalCase(service.name)}Tables`,
    exported: wrapList('{', declared, '}', 0, `export const  = ${stem}Tables(${stem}SchemaPattern);`.length, ' '),
    returned: wrapList('{', declared, '}', 2, 9, ' '),
    relationsFactory: `${stem}Relations`,
    relationsExported: wrapList('{', relationNames, '}', 0, `export const  = ${stem}Relations(tables);`.length, ' '),
    relationsReturned: wrapList('{', relationNames, '}', 2, 9, ' '),
    relationsImport: drizzle1 || relationTables.length > 0,
    boundTypeName: `${pascalCase(service.name)}Tenant`,
    maxName: MAX_IDENTIFIER_BYTES - Buffer.byteLength(t.prefix + t.suffix),
  };
  return { tenant: view };
}
