import type { SourceComment } from './suppressions.js';

/** A `CREATE TABLE` found in SQL text, at the offset of its CREATE keyword. */
export interface CreatedTable {
  /** the table's name as written, quotes included */
  readonly name: string;
  readonly offset: number;
}

interface Token {
  /**
   * a bare word (lowercased), a quoted identifier's name, a comment's text inside its delimiters, or
   * anything else as written
   */
  readonly text: string;
  readonly kind: 'word' | 'quoted' | 'comment' | 'other';
  readonly offset: number;
  readonly end: number;
}

/**
 * One token per match, tried in this order at the current offset: (1) whitespace, (2) a `--` comment,
 * (3) a string literal ('…' with '' inside, E'…' with backslash escapes), (4) a quoted identifier,
 * (5) a word, (6) a dollar-quote opening, (7) a block comment opening, (8) a number or one character.
 */
const NEXT = [
  String.raw`(\s+)`,
  String.raw`(--[^\n]*)`,
  String.raw`([eE]'(?:[^'\\]|\\[\s\S]|'')*'?|'[^']*(?:''[^']*)*'?)`,
  String.raw`("[^"]*(?:""[^"]*)*"?)`,
  String.raw`([A-Za-z_\u0080-\uffff][\w$\u0080-\uffff]*)`,
  String.raw`(\$(?:[A-Za-z_]\w*)?\$)`,
  String.raw`(/\*)`,
  String.raw`(\d+|[\s\S])`,
].join('|');

/**
 * Splits SQL into words, quoted identifiers, comments (`--` and nested `/* *\/`) and other tokens,
 * dropping whitespace; a string literal ('…', E'…', $tag$…$tag$) is one `other` token, so a CREATE
 * TABLE inside a comment or a string is never a word. One sticky regular expression per token keeps it linear.
 */
function* sqlTokens(sql: string): Generator<Token> {
  const next = new RegExp(NEXT, 'y');
  for (let m = next.exec(sql); m; m = next.exec(sql)) {
    const [text, space, line, literal, quoted, word, dollar, block] = m;
    const offset = m.index;
    if (space !== undefined) continue;
    if (dollar !== undefined) next.lastIndex = endOf(sql, dollar, next.lastIndex);
    else if (block !== undefined) next.lastIndex = blockCommentEnd(sql, offset);
    const end = next.lastIndex;
    if (line !== undefined) yield { text: line.slice(2), kind: 'comment', offset, end };
    else if (block !== undefined)
      yield { text: sql.slice(offset + 2, Math.max(offset + 2, end - 2)), kind: 'comment', offset, end };
    else if (literal !== undefined || dollar !== undefined)
      yield { text: sql.slice(offset, end), kind: 'other', offset, end };
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
  const tokens = [...sqlTokens(sql)].filter((t) => t.kind !== 'comment');
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

/** The comments of `sql` that hold `word`, each with the offset of the token after it. */
export function sqlCommentsWith(sql: string, word: string): SourceComment[] {
  if (!sql.includes(word)) return [];
  const tokens = [...sqlTokens(sql)];
  return tokens.flatMap((t, i) =>
    t.kind === 'comment' && t.text.includes(word)
      ? [
          {
            start: t.offset,
            body: t.text,
            next: tokens.slice(i + 1).find((n) => n.kind !== 'comment')?.offset ?? sql.length,
          },
        ]
      : [],
  );
}
