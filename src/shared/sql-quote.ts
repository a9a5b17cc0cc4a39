/** How names and text are quoted in every SQL statement the tool writes itself. */

/** `"name"`, with embedded quotes doubled: safe for any identifier. */
export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** `"schema"."name"` */
export const qualified = (schema: string, name: string): string => `${quoteIdent(schema)}.${quoteIdent(name)}`;

/**
 * `'text'`, with embedded quotes doubled. Sessions run with standard_conforming_strings on
 * (db/connection.ts), so a backslash is an ordinary character.
 */
export const sqlQuote = (text: string): string => `'${text.replace(/'/g, "''")}'`;
