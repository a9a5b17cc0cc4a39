/** How SQL text is spelled in the statements we write ourselves (comments, roles, online steps). */

/** `"name"`, with embedded quotes doubled: safe for any identifier. */
export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** `"schema"."name"` */
export const qualified = (schema: string, name: string): string => `${quoteIdent(schema)}.${quoteIdent(name)}`;
