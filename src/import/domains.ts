import type { CatalogColumn, CatalogDomain } from '../db/catalog/types.js';
import { parseColumnType } from '../model/column-types.js';
import { identifierProblem } from '../model/names.js';
import { sqlFragmentProblem } from '../model/sql-fragment.js';
import type { ColumnType } from '../model/types.js';
import { importDefault, typeSpelling } from './columns.js';
import type { Finding } from './tables.js';

/** A domain as the manifest writes it, with its base type for the columns that use it. */
export interface ImportedDomain {
  readonly spec: Record<string, unknown>;
  readonly base: ColumnType;
}

/**
 * The domains of the schemas read, by schema then name: those whose base type, default and checks
 * the manifest can state. Any other is listed as not imported (its columns with it), never half declared.
 */
export function importDomains(
  live: readonly CatalogDomain[],
  enumValues: (schema: string, name: string) => readonly string[] | undefined,
  unsupported: Finding[],
): Map<string, Map<string, ImportedDomain>> {
  const out = new Map<string, Map<string, ImportedDomain>>();
  for (const d of live) {
    const imported = importDomain(d, enumValues);
    if (typeof imported === 'string') {
      unsupported.push({ kind: 'domain', name: `${d.schema}.${d.name}`, note: imported });
      continue;
    }
    if (!out.has(d.schema)) out.set(d.schema, new Map());
    out.get(d.schema)!.set(d.name, imported);
  }
  return out;
}

function importDomain(
  d: CatalogDomain,
  enumValues: (schema: string, name: string) => readonly string[] | undefined,
): ImportedDomain | string {
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
  return { spec, base };
}
