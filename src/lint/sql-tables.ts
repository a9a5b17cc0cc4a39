/** A `CREATE TABLE` found in SQL text, at the offset of its CREATE keyword. */
export interface CreatedTable {
  /** the table's name as written, quotes included */
  readonly name: string;
  readonly offset: number;
}

interface Token {
  /** a bare word (lowercased), a quoted identifier's name, or anything else as written */
  readonly text: string;
  readonly kind: 'word' | 'quoted' | 'other';
  readonly offset: number;
  readonly end: number;
}

/**
 * One token per match, tried in this order at the current offset: (1) whitespace or a `--` comment,
 * (2) a string literal ('…' with '' inside, E'…' with backslash escapes), (3) a quoted identifier,
 * (4) a word, (5) a dollar-quote opening, (6) a block comment opening, (7) a number or one character.
 */
const NEXT = [
  String.raw`(\s+|--[^\n]*)`,
  String.raw`([eE]'(?:[^'\\]|\\[\s\S]|'')*'?|'[^']*(?:''[^']*)*'?)`,
  String.raw`("[^"]*(?:""[^"]*)*"?)`,
  String.raw`([A-Za-z_\u0080-\uffff][\w$\u0080-\uffff]*)`,
  String.raw`(\$(?:[A-Za-z_]\w*)?\$)`,
  String.raw`(/\*)`,
  String.raw`(\d+|[\s\S])`,
].join('|');

/**
 * Splits SQL into words, quoted identifiers and other tokens, dropping whitespace, `--` and nested
 * `/* *\/` comments, and string literals ('…', E'…', $tag$…$tag$), so a CREATE TABLE inside a comment
 * or a string is never seen. One sticky regular expression per token keeps it linear.
 */
function* sqlTokens(sql: string): Generator<Token> {
  const next = new RegExp(NEXT, 'y');
  for (let m = next.exec(sql); m; m = next.exec(sql)) {
    const [text, skipped, literal, quoted, word, dollar, comment] = m;
    const [offset, end] = [m.index, next.lastIndex];
    if (skipped !== undefined || literal !== undefined) continue;
    if (dollar !== undefined) next.lastIndex = endOf(sql, dollar, end);
    else if (comment !== undefined) next.lastIndex = blockCommentEnd(sql, offset);
    else if (word !== undefined) yield { text: word.toLowerCase(), kind: 'word', offset, end };
    else if (quoted === undefined) yield { text, kind: 'other', offset, end };
    else yield { text: quoted.slice(1, -1).replaceAll('""', '"'), kind: 'quoted', offset, end };
  }
}

/** The offset just past the next `end` at or after `from`, or the end of the text. */
const endOf = (sql: string, end: string, from: number) => {
  const at = sql.indexOf(end, from);
  return at === -1 ? sql.length : at + end.length;
};

/** Past the `*\/` closing the block comment opening at `from`; PostgreSQL nests them. */
function blockCommentEnd(sql: string, from: number): number {
  let depth = 0;
  let i = from;
  while (i < sql.length) {
    const open = sql.indexOf('/*', i);
    const close = sql.indexOf('*/', i);
    if (close === -1) return sql.length;
    if (open !== -1 && open < close) {
      depth++;
      i = open + 2;
    } else {
      i = close + 2;
      if (--depth === 0) return i;
    }
  }
  return i;
}

/** Temporary tables vanish with the session, so they are not schema the manifest should own. */
const TEMPORARY = new Set(['temp', 'temporary']);
const MODIFIERS = new Set(['global', 'local', 'unlogged', ...TEMPORARY]);

/** Every persistent `CREATE [UNLOGGED] TABLE [IF NOT EXISTS] name` in `sql`. */
export function createdTables(sql: string): CreatedTable[] {
  if (!/create/i.test(sql)) return [];
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
    if (!first || first.kind === 'other') continue;
    const dot = (k: number) => tokens[k]?.kind === 'other' && tokens[k]!.text === '.';
    while (dot(j + 1) && tokens[j + 2] && tokens[j + 2]!.kind !== 'other') j += 2;
    found.push({ name: sql.slice(first.offset, tokens[j]!.end), offset: tokens[i]!.offset });
  }
  return found;
}
