import type { CatalogAttribute, CatalogColumn, CatalogComposite, CatalogDomain } from '../db/catalog/types.js';
import { parseColumnType } from '../model/column-types.js';
import { identifierProblem } from '../model/names.js';
import { sqlFragmentProblem } from '../model/sql-fragment.js';
import type { ColumnType } from '../model/types.js';
import { importDefault, typeSpelling } from './columns.js';
import type { Finding } from './finding.js';

/** A domain or composite type as the manifest writes it, with the scalar type its columns have. */
export interface ImportedUserType {
  readonly section: 'domains' | 'composites';
  readonly spec: Record<string, unknown>;
  readonly type: ColumnType;
}

/** The kinds verify and import name them by (catalog/query.ts UNMANAGED). */
export const USER_TYPE_KINDS: Readonly<Record<ImportedUserType['section'], string>> = {
  domains: 'domain',
  composites: 'composite type',
};

type EnumValues = (schema: string, name: string) => readonly string[] | undefined;

/**
 * The domains and composite types of the schemas read, by schema then name: those the manifest can
 * state whole. Any other is listed as not imported (its columns with it), never half declared. A
 * composite's attribute may be of a domain of its schema imported here.
 */
export function importUserTypes(
  live: { readonly domains: readonly CatalogDomain[]; readonly composites: readonly CatalogComposite[] },
  enumValues: EnumValues,
  unsupported: Finding[],
): Map<string, Map<string, ImportedUserType>> {
  const out = new Map<string, Map<string, ImportedUserType>>();
  const keep = (schema: string, name: string, kind: string, imported: ImportedUserType | string) => {
    if (typeof imported === 'string') return void unsupported.push({ kind, name: `${schema}.${name}`, note: imported });
    if (!out.has(schema)) out.set(schema, new Map());
    out.get(schema)!.set(name, imported);
  };
  for (const d of live.domains) keep(d.schema, d.name, 'domain', importDomain(d, enumValues));
  for (const c of live.composites)
    keep(
      c.schema,
      c.name,
      'composite type',
      importComposite(c, (name) => out.get(c.schema)?.get(name)),
    );
  return out;
}

function importDomain(d: CatalogDomain, enumValues: EnumValues): ImportedUserType | string {
  const nameProblem = identifierProblem(d.name, 'domain name');
  if (nameProblem) return nameProblem;
  // The base type read as a column of it would be: the same spelling rules apply.
  const asColumn = {
    type: d.baseType,
    dims: d.dims,
    typeName: d.baseTypeName,
    typeSchema: d.baseTypeSchema,
    typeKind: d.baseTypeKind,
  } as CatalogColumn;
  const spelling = typeSpelling(asColumn);
  if (spelling === undefined || (d.baseTypeKind === 'e' && d.baseTypeSchema !== d.schema))
    return `base type ${d.baseType} has no manifest form`;
  const enumName = d.baseTypeKind === 'e' ? d.baseTypeName : undefined;
  const base = parseColumnType(spelling, new Set(enumName ? [enumName] : []));
  if (typeof base === 'string') return base;
  const spec: Record<string, unknown> = { type: spelling };
  if (d.notNull) spec['notNull'] = true;
  if (d.default !== null) {
    const dflt = importDefault(d.default, base, enumName ? enumValues(d.schema, enumName) : undefined);
    if (dflt === undefined) return `default ${d.default} is not a single SQL expression the manifest accepts`;
    spec['default'] = dflt;
  }
  const checks: Record<string, { sql: string }> = {};
  for (const k of d.checks) {
    const sql = /^CHECK \((.*)\)$/s.exec(k.definition)?.[1];
    const problem =
      identifierProblem(k.name, 'check name') ?? (sql === undefined ? k.definition : sqlFragmentProblem(sql));
    if (problem !== undefined) return `check ${k.name}: ${problem}`;
    checks[k.name] = { sql: sql! };
  }
  if (Object.keys(checks).length > 0) spec['checks'] = checks;
  const type: ColumnType = { kind: 'domain', domainName: d.name, base, dims: 0, sql: d.name };
  return { section: 'domains', spec, type };
}

/** Each attribute a built-in type, an enum of the composite's schema or a domain imported beside it. */
function importComposite(
  c: CatalogComposite,
  domainOf: (name: string) => ImportedUserType | undefined,
): ImportedUserType | string {
  const nameProblem = identifierProblem(c.name, 'composite type name');
  if (nameProblem) return nameProblem;
  const attributes: Record<string, string> = {};
  for (const a of c.attributes) {
    const spelling = attributeSpelling(a, c.schema, domainOf);
    const problem = identifierProblem(a.name, 'attribute name') ?? (spelling ? undefined : `type ${a.type}`);
    if (problem !== undefined) return `attribute ${a.name}: ${problem} has no manifest form`;
    attributes[a.name] = spelling!;
  }
  const type: ColumnType = { kind: 'composite', compositeName: c.name, dims: 0, sql: c.name };
  return { section: 'composites', spec: { attributes }, type };
}

function attributeSpelling(
  a: CatalogAttribute,
  schema: string,
  domainOf: (name: string) => ImportedUserType | undefined,
): string | undefined {
  const suffix = a.type.endsWith('[]') ? '[]'.repeat(Math.max(a.dims, 1)) : '';
  if (a.typeKind === 'd') return a.typeSchema === schema && domainOf(a.typeName) ? a.typeName + suffix : undefined;
  if (a.typeKind === 'e' && a.typeSchema !== schema) return undefined;
  return typeSpelling(a as CatalogColumn);
}
