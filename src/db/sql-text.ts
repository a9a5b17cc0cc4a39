import type { Index } from '../model/types.js';

/** How SQL text is spelled in the statements we write ourselves (comments, roles, online steps). */

/** `"name"`, with embedded quotes doubled: safe for any identifier. */
export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** `"schema"."name"` */
export const qualified = (schema: string, name: string): string => `${quoteIdent(schema)}.${quoteIdent(name)}`;

/** `CREATE [UNIQUE] INDEX "name" ON "schema"."table" USING method ("a", "b") [WHERE predicate]` */
export function createIndex(schema: string, table: string, ix: Index): string {
  const where = ix.where ? ` WHERE ${ix.where}` : '';
  return `CREATE ${ix.unique ? 'UNIQUE ' : ''}INDEX ${quoteIdent(ix.name)} ON ${qualified(schema, table)} USING ${ix.method} (${ix.columns.map(quoteIdent).join(', ')})${where}`;
}
