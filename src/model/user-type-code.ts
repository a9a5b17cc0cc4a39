import { qualified, quoteIdent } from '../shared/sql-quote.js';
import type { ColumnType, Composite, Domain } from './types.js';

/** Where a user type is declared: a module's `export const` in a fixed schema, or a tenant factory's `const`. */
export type TypePlace = { readonly schema: string } | { readonly tenantSchemaParam: string };

/**
 * A domain in the generated code. drizzle-orm has no domain builder, so each domain is a customType
 * whose SQL type is the domain itself, schema-qualified: drizzle-kit's migrations then declare the
 * columns with the domain (its NOT NULL, default and checks apply), not with its base type. Values
 * are what the driver reads for the base type, which the server sends for a domain.
 */
export const domainDeclaration = (place: TypePlace, d: Domain): string =>
  customTypeDeclaration(place, d, [`Domain ${where(place, d.name)} over ${d.type.sql}.`], dataOf(d.type));

/**
 * A composite type in the generated code, a customType as domains are (drizzle-orm has no builder
 * for them either). Its values are the record's text form, `(1,"a b")`, which is what the driver
 * reads for a composite: no parser guesses at the attributes' quoting.
 */
export const compositeDeclaration = (place: TypePlace, c: Composite): string =>
  customTypeDeclaration(
    place,
    c,
    [
      `Composite type ${where(place, c.name)}, read and written as its text form \`(…)\`:`,
      ...c.attributes.map((a) => `- ${a.name} ${a.type.sql}`),
    ],
    'string',
  );

/**
 * `export const <tsName> = customType<{ data }>(…)` naming the type in its schema. In a tenant factory
 * the schema is the tenant's, known at run time (tenant schema names need no escaping).
 */
function customTypeDeclaration(
  place: TypePlace,
  type: { readonly name: string; readonly tsName: string },
  doc: readonly string[],
  data: string,
): string {
  const typeSql =
    'schema' in place
      ? `'${tsEscape(qualified(place.schema, type.name))}'`
      : `\`"\${${place.tenantSchemaParam}}".${tsEscape(quoteIdent(type.name)).replace(/`|\$\{/g, '\\$&')}\``;
  const declare = 'schema' in place ? 'export const' : 'const';
  return (
    (doc.length === 1 ? `/** ${doc[0]} */\n` : `/**\n${doc.map((line) => ` * ${line}\n`).join('')} */\n`) +
    `${declare} ${type.tsName} = customType<{ data: ${data} }>({ dataType: () => ${typeSql} });`
  );
}

const where = (place: TypePlace, name: string) => ('schema' in place ? `${place.schema}.${name}` : name);

const tsEscape = (text: string) => text.replace(/\\/g, '\\\\').replace(/'/g, "\\'");

/** `"crm"."email"`: a domain's or composite type's SQL name as columns and migrations name it. */
export const userTypeSql = (schema: string, t: { readonly name: string }): string => qualified(schema, t.name);

const NUMBERS: ReadonlySet<string> = new Set(['smallint', 'integer', 'real', 'double']);

/** The TypeScript type of the base type's values as postgres-js reads them; text for the rest. */
function dataOf(type: ColumnType): string {
  const scalar = type.kind === 'boolean' ? 'boolean' : NUMBERS.has(type.kind) ? 'number' : 'string';
  const json = type.kind === 'json' || type.kind === 'jsonb' ? 'unknown' : scalar;
  return json + '[]'.repeat(type.dims);
}
