import type TS from 'typescript';
import type { SourceComment } from './suppressions.js';
import { ts } from './typescript.js';

/**
 * The comments of a parsed file that hold `word`, found through the syntax tree: text that only looks
 * like a comment inside a string, a template, a regular expression or JSX text is never one.
 */
export function commentsWith(file: TS.SourceFile, word: string): SourceComment[] {
  const text = file.text;
  const comments = new Map<number, SourceComment>();
  for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + word.length)) {
    const token = tokenAt(file, at);
    // Comments are trivia before a token; an offset inside the token itself is in its text.
    if (at >= token.getStart(file)) continue;
    // A comment on the line of the previous token is its trailing trivia, the others leading ones.
    const ranges = [
      ...(ts.getTrailingCommentRanges(text, token.pos) ?? []),
      ...(ts.getLeadingCommentRanges(text, token.pos) ?? []),
    ];
    const range = ranges.find((r) => r.pos <= at && at < r.end);
    if (!range || comments.has(range.pos)) continue;
    const single = range.kind === ts.SyntaxKind.SingleLineCommentTrivia;
    const body = text.slice(range.pos + 2, single ? range.end : range.end - 2);
    comments.set(range.pos, { start: range.pos, body, next: nextToken(file, range.end) });
  }
  return [...comments.values()];
}

/** The innermost token whose range, leading trivia included, holds `offset` (JSDoc counts as trivia). */
function tokenAt(file: TS.SourceFile, offset: number): TS.Node {
  let node: TS.Node = file;
  for (;;) {
    const child = node.getChildren(file).find((c) => !ts.isJSDoc(c) && c.pos <= offset && offset < c.end);
    if (!child) return node;
    node = child;
  }
}

/** Where the first token after `offset` starts (the end of the text when none does). */
function nextToken(file: TS.SourceFile, offset: number): number {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, file.languageVariant, file.text, undefined, offset);
  scanner.scan();
  return scanner.getTokenStart();
}
