import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES } from './fixtures.js';

/** The repository root: README.md and docs/ are read from here. */
export const ROOT = join(FIXTURES, '..', '..');

/** README.md and every docs/*.md page, relative to the root. */
export const PAGES: readonly string[] = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`),
];

export interface CodeBlock {
  /** the page, relative to the root */
  readonly page: string;
  /** 1-based line of the opening fence */
  readonly line: number;
  /** the fence's language (first word of its info string), '' for none */
  readonly lang: string;
  /** the contents, with the fence's indentation removed */
  readonly text: string;
}

const FENCE = /^( *)```(\S*)/;

/** The page's lines, each marked as prose or as part of a fenced code block (fences included). */
function lines(page: string): { text: string; inCode: boolean }[] {
  let open = false;
  return readFileSync(join(ROOT, page), 'utf8')
    .split('\n')
    .map((text) => {
      const fence = FENCE.test(text);
      const inCode = open || fence;
      if (fence) open = !open;
      return { text, inCode };
    });
}

/** Every fenced block of a page; blocks inside list items (indented fences) are dedented. */
export function codeBlocks(page: string): CodeBlock[] {
  const all = readFileSync(join(ROOT, page), 'utf8').split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < all.length; i++) {
    const open = FENCE.exec(all[i]!);
    if (!open) continue;
    const indent = open[1]!.length;
    const end = all.findIndex((l, j) => j > i && l.trim() === '```');
    if (end < 0) throw new Error(`${page}:${i + 1}: a code block that never closes`);
    const text = all.slice(i + 1, end).map((l) => l.slice(Math.min(indent, l.length - l.trimStart().length)));
    blocks.push({ page, line: i + 1, lang: open[2]!, text: `${text.join('\n')}\n` });
    i = end;
  }
  return blocks;
}

export interface Link {
  readonly page: string;
  readonly line: number;
  readonly target: string;
}

/** Inline links `[text](target)` in prose (not in code blocks or code spans). */
export function links(page: string): Link[] {
  return lines(page).flatMap(({ text, inCode }, i) =>
    inCode
      ? []
      : [...text.replace(/`[^`]*`/g, 'code').matchAll(/\]\(([^)\s]+)\)/g)].map((m) => ({
          page,
          line: i + 1,
          target: m[1]!,
        })),
  );
}

/**
 * The anchors GitHub gives the page's headings: the text lowercased, punctuation other than `-` and
 * `_` dropped, spaces as `-`; a repeated anchor gets `-1`, `-2`, ….
 */
export function anchors(page: string): Set<string> {
  const seen = new Set<string>();
  for (const { text, inCode } of lines(page)) {
    const heading = /^#{1,6} (.*)$/.exec(text);
    if (inCode || !heading) continue;
    const slug = heading[1]!
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    let unique = slug;
    for (let n = 1; seen.has(unique); n++) unique = `${slug}-${n}`;
    seen.add(unique);
  }
  return seen;
}
