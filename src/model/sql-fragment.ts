/**
 * Raw SQL from the manifest (`{ sql: ... }` defaults, checks, partial-index predicates) is a single
 * expression. It must not be able to end the statement it is embedded in or hide text in comments,
 * so those are refused instead of escaped.
 */
export const MAX_SQL_FRAGMENT = 2000;

export function sqlFragmentProblem(sql: string): string | undefined {
  if (sql.trim() === '') return 'empty SQL expression; expected an expression such as now()';
  if (sql.length > MAX_SQL_FRAGMENT) return `SQL expression is ${sql.length} characters; expected at most ${MAX_SQL_FRAGMENT}`;
  let depth = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === "'" || c === '"') {
      const end = closingQuote(sql, i);
      if (end < 0) return `unterminated ${c === "'" ? 'string' : 'quoted identifier'} in SQL expression; expected a closing ${c}`;
      i = end;
    } else if (c === '\0') {
      return 'NUL character in SQL expression; expected printable text';
    } else if (c === ';') {
      return 'semicolon in SQL expression; expected a single expression, not statements';
    } else if ((c === '-' && next === '-') || (c === '/' && next === '*')) {
      return 'comment in SQL expression; expected an expression without -- or /* */';
    } else if (c === '$' && /[A-Za-z_$]/.test(next ?? '') && /\$/.test(sql.slice(i + 1))) {
      if (/^\$[A-Za-z_]*\$/.test(sql.slice(i))) return 'dollar-quoted string in SQL expression; expected standard quotes';
    } else if (c === '(') {
      depth++;
    } else if (c === ')') {
      if (--depth < 0) return 'unbalanced ")" in SQL expression; expected each ) to close an earlier (';
    }
  }
  if (depth > 0) return 'unbalanced "(" in SQL expression; expected a closing )';
  return undefined;
}

/** Index of the quote closing the one at `start`; doubled quotes are escapes. */
function closingQuote(sql: string, start: number): number {
  const q = sql[start];
  for (let i = start + 1; i < sql.length; i++) {
    if (sql[i] !== q) continue;
    if (sql[i + 1] === q) i++;
    else return i;
  }
  return -1;
}
