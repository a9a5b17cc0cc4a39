import type { Index } from '../../model/types.js';

import { qualified, quoteIdent, sqlQuote } from '../../shared/sql-quote.js';

/** DDL the tool writes itself, beside drizzle-kit's: indexes it rebuilds, and comments. */

/** `CREATE [UNIQUE] INDEX "name" ON "schema"."table" USING method ("a", "b") [WHERE predicate]` */
export function createIndex(schema: string, table: string, ix: Index): string {
  const where = ix.where ? ` WHERE ${ix.where}` : '';
  return (
    `CREATE ${ix.unique ? 'UNIQUE ' : ''}INDEX ${quoteIdent(ix.name)} ON ` +
    `${qualified(schema, table)} USING ${ix.method} ` +
    `(${ix.columns.map(quoteIdent).join(', ')})${where}`
  );
}

/**
 * `COMMENT ON TABLE|COLUMN … IS …` (NULL removes it). drizzle-kit manages no comments, so push
 * repairs them and migrations carry them with this one statement.
 */
export function commentOn(schema: string, table: string, column: string | undefined, text: string | undefined): string {
  const target = `${qualified(schema, table)}${column === undefined ? '' : `.${quoteIdent(column)}`}`;
  const value = text === undefined ? 'NULL' : sqlQuote(text);
  return `COMMENT ON ${column === undefined ? 'TABLE' : 'COLUMN'} ${target} IS ${value}`;
}
