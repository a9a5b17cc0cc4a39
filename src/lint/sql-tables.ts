/** A `CREATE TABLE` found in SQL text, at the offset of its CREATE keyword. */
export interface CreatedTable {
  /** the table's name as written, quotes included */
  readonly name: string;
  readonly offset: number;
}

interface Token {
  /** a bare word (lowercased), a quoted identifier's name, or one punctuation character */
  readonly text: string;
  readonly kind: 'word' | 'quoted' | 'punct';
  readonly offset: number;
  readonly end: number;
}

/**
 * Splits SQL into words, quoted identifiers and punctuation, dropping whitespace, `--` and nested
 * `/* *\/` comments, and string literals ('…', E'…' with backslash escapes, $tag$…$tag$), so a
 * CREATE TABLE inside a comment or a string is never seen.
 */
export function* sqlTokens(sql: string): Generator<Token> {
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    const start = i;
    if (/\s/.test(c)) i++;
    else if (sql.startsWith('--', i)) i = endOf(sql, '\n', i);
    else if (sql.startsWith('/*', i)) i = blockCommentEnd(sql, i);
    else if (c === "'") i = quotedEnd(sql, i, false);
    else if ((c === 'e' || c === 'E') && sql[i + 1] === "'") i = quotedEnd(sql, i + 1, true);
    else if (c === '"') {
      i = quotedEnd(sql, i, false, '"');
      yield { text: sql.slice(start + 1, i - 1).replaceAll('""', '"'), kind: 'quoted', offset: start, end: i };
    } else if (c === '$' && /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.test(sql.slice(i, i + 64))) {
      const tag = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 64))![0];
      i = endOf(sql, tag, i + tag.length);
    } else if (/[A-Za-z_\u0080-\uffff]/.test(c)) {
      while (i < sql.length && /[A-Za-z0-9_$\u0080-\uffff]/.test(sql[i]!)) i++;
      yield { text: sql.slice(start, i).toLowerCase(), kind: 'word', offset: start, end: i };
    } else {
      i++;
      yield { text: c, kind: 'punct', offset: start, end: i };
    }
  }
}

/** The offset just past the next `end` at or after `from`, or the end of the text. */
const endOf = (sql: string, end: string, from: number) => {
  const at = sql.indexOf(end, from);
  return at === -1 ? sql.length : at + end.length;
};

function blockCommentEnd(sql: string, from: number): number {
  let depth = 0;
  let i = from;
  while (i < sql.length) {
    if (sql.startsWith('/*', i)) (depth++, (i += 2));
    else if (sql.startsWith('*/', i)) {
      i += 2;
      if (--depth === 0) return i;
    } else i++;
  }
  return i;
}

/** Past the closing quote of a literal opening at `from`; a doubled quote is part of the text. */
function quotedEnd(sql: string, from: number, backslashEscapes: boolean, quote = "'"): number {
  let i = from + 1;
  while (i < sql.length) {
    if (backslashEscapes && sql[i] === '\\') i += 2;
    else if (sql[i] === quote && sql[i + 1] === quote) i += 2;
    else if (sql[i] === quote) return i + 1;
    else i++;
  }
  return i;
}

/** Temporary tables vanish with the session, so they are not schema the manifest should own. */
const TEMPORARY = new Set(['temp', 'temporary']);
const MODIFIERS = new Set(['global', 'local', 'unlogged', ...TEMPORARY]);

/** Every persistent `CREATE [UNLOGGED] TABLE [IF NOT EXISTS] name` in `sql`. */
export function createdTables(sql: string): CreatedTable[] {
  const tokens = [...sqlTokens(sql)];
  const word = (i: number, text: string) => tokens[i]?.kind === 'word' && tokens[i]!.text === text;
  const found: CreatedTable[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (!word(i, 'create')) continue;
    let j = i + 1;
    let temporary = false;
    while (tokens[j]?.kind === 'word' && MODIFIERS.has(tokens[j]!.text)) temporary ||= TEMPORARY.has(tokens[j++]!.text);
    if (!word(j, 'table') || temporary) continue;
    j++;
    if (word(j, 'if') && word(j + 1, 'not') && word(j + 2, 'exists')) j += 3;
    const first = tokens[j];
    if (!first || first.kind === 'punct') continue;
    const dot = (k: number) => tokens[k]?.kind === 'punct' && tokens[k]!.text === '.';
    while (dot(j + 1) && tokens[j + 2] && tokens[j + 2]!.kind !== 'punct') j += 2;
    found.push({ name: sql.slice(first.offset, tokens[j]!.end), offset: tokens[i]!.offset });
  }
  return found;
}
