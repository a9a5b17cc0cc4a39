import { qualified, quoteIdent } from '../shared/sql-quote.js';
import type { ColumnType, Domain } from './types.js';

/** Where a domain is declared: a module's `export const` in a fixed schema, or a tenant factory's `const`. */
export type DomainPlace = { readonly schema: string } | { readonly tenantSchemaParam: string };

/**
 * A domain in the generated code. drizzle-orm has no domain builder, so each domain is a customType
 * whose SQL type is the domain itself, schema-qualified: drizzle-kit's migrations then declare the
 * columns with the domain (its NOT NULL, default and checks apply), not with its base type. Values
 * are what the driver reads for the base type, which the server sends for a domain. In a tenant
 * factory the schema is the tenant's, known at run time (tenant schema names need no escaping).
 */
export function domainDeclaration(place: DomainPlace, d: Domain): string {
  const typeSql =
    'schema' in place
      ? `'${tsEscape(domainTypeSql(place.schema, d))}'`
      : `\`"\${${place.tenantSchemaParam}}".${tsEscape(quoteIdent(d.name)).replace(/`|\$\{/g, '\\$&')}\``;
  const over = 'schema' in place ? `${place.schema}.${d.name}` : d.name;
  const declare = 'schema' in place ? 'export const' : 'const';
  return (
    `/** Domain ${over} over ${d.type.sql}. */\n` +
    `${declare} ${d.tsName} = customType<{ data: ${dataOf(d.type)} }>({ dataType: () => ${typeSql} });`
  );
}

const tsEscape = (text: string) => text.replace(/\\/g, '\\\\').replace(/'/g, "\\'");

/** `"crm"."email"`: the domain's type as columns and migrations name it. */
export const domainTypeSql = (schema: string, d: Domain): string => qualified(schema, d.name);

const NUMBERS: ReadonlySet<string> = new Set(['smallint', 'integer', 'real', 'double']);

/** The TypeScript type of the base type's values as postgres-js reads them; text for the rest. */
function dataOf(type: ColumnType): string {
  const scalar = type.kind === 'boolean' ? 'boolean' : NUMBERS.has(type.kind) ? 'number' : 'string';
  const json = type.kind === 'json' || type.kind === 'jsonb' ? 'unknown' : scalar;
  return json + '[]'.repeat(type.dims);
}
