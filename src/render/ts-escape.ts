/**
 * Escaping for TypeScript source: every manifest text that reaches generated code passes through
 * one of these, so no name, comment or default can break out of its literal.
 */

/** A JS string literal that is safe anywhere in generated code. */
export function tsString(value: string): string {
  return `'${value.replace(/[\\'\n\r\u2028\u2029\0]/g, (c) => ESCAPES[c] ?? c)}'`;
}
const ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  "'": "\\'",
  '\n': '\\n',
  '\r': '\\r',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
  '\0': '\\x00',
};

/**
 * Body of a template literal (for sql``): nothing interpolates, line breaks stay escapes (drizzle's
 * sql uses the cooked text).
 */
export function tsTemplateBody(value: string): string {
  return value.replace(/[\\`$\n\r\u2028\u2029]/g, (c) => ESCAPES[c] ?? `\\${c}`);
}

/** Object key: bare when it is a plain identifier, quoted otherwise. */
export function tsKey(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) && key !== '__proto__' ? key : tsString(key);
}

/** Text inside a /** *\/ comment; cannot close the comment early. */
export function docComment(text: string): string[] {
  return text.replace(/\*\//g, '*\\/').replace(/\r\n?/g, '\n').split('\n');
}
