import { qualified } from '../shared/sql-quote.js';
import type { ColumnType, Domain } from './types.js';

/**
 * A domain in the generated code. drizzle-orm has no domain builder, so each domain is a customType
 * whose SQL type is the domain itself, schema-qualified: drizzle-kit's migrations then declare the
 * columns with the domain (its NOT NULL, default and checks apply), not with its base type. Values
 * are what the driver reads for the base type, which the server sends for a domain.
 */
export function domainDeclaration(schema: string, d: Domain): string {
  const sql = domainTypeSql(schema, d).replace(/\\/g, '\\\\').replace(/'/g, "\\'");
  return (
    `/** Domain ${schema}.${d.name} over ${d.type.sql}. */\n` +
    `export const ${d.tsName} = customType<{ data: ${dataOf(d.type)} }>({ dataType: () => '${sql}' });`
  );
}

/** `"crm"."email"`: the domain's type as columns and migrations name it. */
export const domainTypeSql = (schema: string, d: Domain): string => qualified(schema, d.name);

const NUMBERS: ReadonlySet<string> = new Set(['smallint', 'integer', 'real', 'double']);

/** The TypeScript type of the base type's values as postgres-js reads them; text for the rest. */
function dataOf(type: ColumnType): string {
  const scalar = type.kind === 'boolean' ? 'boolean' : NUMBERS.has(type.kind) ? 'number' : 'string';
  const json = type.kind === 'json' || type.kind === 'jsonb' ? 'unknown' : scalar;
  return json + '[]'.repeat(type.dims);
}
