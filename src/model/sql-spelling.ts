import { pgArray } from './drizzle-calls.js';
import type { Column, Literal } from './types.js';
import { qualified, sqlQuote } from '../shared/sql-quote.js';

/**
 * The manifest's column in SQL, spelled once for the two places that need it: the DDL push writes
 * (db/plan/ddl.ts) and the expressions the server spells to compare them (db/compare/equivalence.ts).
 */

/**
 * The column's type: enums qualified with the service's schema, serials as their integer type
 * (`forCreate`: as `serial`, which makes CREATE TABLE and ADD COLUMN create the sequence too), arrays
 * with all their dimensions (the server keeps them for the catalog, pg_attribute.attndims).
 */
export function columnTypeSql(column: Column, schema: string, forCreate = false): string {
  const { type } = column;
  if (forCreate && type.kind.endsWith('serial')) return type.kind;
  const brackets = '[]'.repeat(type.dims);
  if (type.kind === 'enum') return `${qualified(schema, type.enumName!)}${brackets}`;
  const userType = type.domainName ?? type.compositeName;
  if (userType !== undefined) return `${qualified(schema, userType)}${brackets}`;
  return type.dims > 1 ? type.sql.slice(0, -2) + brackets : type.sql;
}

const BARE_KINDS: ReadonlySet<string> = new Set([
  'boolean',
  'smallint',
  'integer',
  'bigint',
  'real',
  'double',
  'numeric',
]);

/**
 * The default as an SQL expression, or undefined for none (serial and identity columns have their
 * own). A literal needs no cast: PostgreSQL coerces a default to its column's type when storing it.
 * Numbers and booleans go bare (a quoted 0 would be stored '0'::numeric).
 */
export function defaultSql(column: Column): string | undefined {
  const d = column.default;
  if (!d) return undefined;
  if (d.kind === 'sql') return d.sql;
  const { value } = d;
  if (column.type.dims > 0) return sqlQuote(pgArray(value as readonly Literal[]));
  if (column.type.kind === 'json' || column.type.kind === 'jsonb')
    return sqlQuote(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v)));
  return BARE_KINDS.has(column.type.kind) ? String(value) : sqlQuote(String(value));
}
