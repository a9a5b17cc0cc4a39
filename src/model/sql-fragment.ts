import { MAX_SQL_FRAGMENT } from '../manifest/value-rules.js';

/**
 * Raw SQL from the manifest (`{ sql: ... }` defaults, checks, partial-index predicates) is a single
 * expression. It must not be able to end the statement it is embedded in or hide text in comments,
 * so those are refused instead of escaped.
 */
export function sqlFragmentProblem(sql: string, max = MAX_SQL_FRAGMENT): string | undefined {
  if (sql.trim() === '') return 'empty SQL expression; expected an expression such as now()';
  if (sql.length > max) return `SQL expression is ${sql.length} characters; expected at most ${max}`;
  // Checked first: a NUL inside quotes would otherwise be skipped with them.
  if (sql.includes('\0')) return 'NUL character in SQL expression; expected printable text';
  let depth = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === "'" || c === '"') {
      const end = closingQuote(sql, i);
      if (end < 0)
        return `unterminated ${c === "'" ? 'string' : 'quoted identifier'} in SQL expression; expected a closing ${c}`;
      const quoted = sql.slice(i, end);
      // In E'...' a backslash escapes the quote, so Postgres would end the string elsewhere than this scan.
      // Without a backslash both readings agree, so only that combination is refused.
      if (c === "'" && /[eE]$/.test(sql.slice(0, i)) && quoted.includes('\\')) {
        return (
          "backslash in an E'...' string in SQL expression; expected a standard string " +
          "('it''s') without backslash escapes"
        );
      }
      // drizzle-kit keeps checks and index definitions as ';'-separated text and cuts them at the first ';'.
      if (quoted.includes(';'))
        return (
          "semicolon inside quotes in SQL expression; drizzle-kit cuts definitions at ';', " +
          'expected chr(59) instead'
        );
      i = end;
    } else if (c === ';') {
      return 'semicolon in SQL expression; expected a single expression, not statements';
    } else if ((c === '-' && next === '-') || (c === '/' && next === '*')) {
      return 'comment in SQL expression; expected an expression without -- or /* */';
    } else if (c === '$') {
      // Any $ outside quotes may open a dollar-quoted string ($$, $tag$, $t1$, $é$) that this scan would not see.
      return 'dollar-quoted string in SQL expression; expected standard quotes ($ is accepted only inside quotes)';
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

/**
 * Schemas an expression names (`public.one()`, `billing.mood`, `"x"."f"()`): every identifier
 * followed by a dot, outside string literals. Numbers (`1.5`) are not identifiers.
 */
export function qualifiersIn(sql: string): string[] {
  const found: string[] = [];
  const IDENT = /^(?:"((?:[^"]|"")*)"|([A-Za-z_][A-Za-z0-9_$]*))\s*\./;
  for (let i = 0; i < sql.length;) {
    const c = sql[i]!;
    if (c === "'") {
      i = closingQuote(sql, i) + 1 || sql.length;
      continue;
    }
    const prev = sql[i - 1];
    const m =
      (c === '"' || /[A-Za-z_]/.test(c)) && !/[A-Za-z0-9_$.]/.test(prev ?? '') ? IDENT.exec(sql.slice(i)) : null;
    if (m) {
      found.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]!.toLowerCase());
      i += m[0].length;
    } else if (c === '"') i = closingQuote(sql, i) + 1 || sql.length;
    else i += /[A-Za-z0-9_$]/.test(c) ? /^[A-Za-z0-9_$]+/.exec(sql.slice(i))![0].length : 1;
  }
  return found;
}

/**
 * A push changes one schema and may depend only on it: an expression naming another schema (a
 * function in public, a type of another service) is refused. `own` is undefined for base and mixin
 * columns, which land in every service; `table` may qualify its own columns.
 */
export function foreignSchemaProblem(sql: string, own: string | undefined, table?: string): string | undefined {
  const foreign = qualifiersIn(sql).find((q) => q !== own && q !== 'pg_catalog' && q !== table);
  if (foreign === undefined) return undefined;
  const allowed =
    own === undefined
      ? 'pg_catalog (base and mixin columns land in every service)'
      : `the service's own schema ${own} or pg_catalog`;
  return (
    `expression names schema ${JSON.stringify(foreign)}; expected only objects of ` +
    `${allowed}, so a push never depends on another schema`
  );
}
