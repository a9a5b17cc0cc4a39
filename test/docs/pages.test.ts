import { existsSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { PAGES, ROOT, anchors, codeBlocks, links } from '../support/markdown.js';

// README.md and docs/*.md: every relative link reaches a file, every #anchor a heading, every page is
// on the README's map, and every code block is of a kind some test checks.

/** Languages whose blocks a test in test/docs/ runs or checks; '' marks output shown as it prints. */
const CHECKED = new Map([
  ['yaml', 'yaml-examples.test.ts'],
  ['ts', 'ts-examples.test.ts'],
  ['sh', 'cli-examples.test.ts'],
  ['json', 'cli-examples.test.ts'],
  ['sql', 'the suppression examples, test/lint.test.ts'],
  ['mermaid', 'the platform diagram, test/diagram.test.ts'],
  ['', 'output transcripts'],
]);

describe.each(PAGES)('%s', (page) => {
  test('every relative link and #anchor resolves', () => {
    const broken: string[] = [];
    for (const link of links(page)) {
      if (/^[a-z]+:/.test(link.target)) continue;
      const [path = '', anchor] = link.target.split('#');
      const target = path === '' ? page : normalize(join(dirname(page), path));
      const where = `${page}:${link.line}: ${link.target}`;
      if (!existsSync(join(ROOT, target))) broken.push(`${where}: no file ${target}`);
      else if (anchor !== undefined && !anchors(target).has(anchor)) broken.push(`${where}: no heading #${anchor}`);
    }
    expect(broken).toEqual([]);
  });

  test('every code block is of a kind the docs tests check', () => {
    const unchecked = codeBlocks(page)
      .filter((b) => !CHECKED.has(b.lang))
      .map((b) => `${b.page}:${b.line}: \`\`\`${b.lang}`);
    expect(unchecked).toEqual([]);
  });
});

test("the README's map links every docs page", () => {
  const mapped = new Set(links('README.md').map((l) => normalize(l.target.split('#')[0]!)));
  const pages = PAGES.filter((p) => p !== 'README.md').map((p) => normalize(relative('.', p)));
  expect(pages.filter((p) => !mapped.has(p))).toEqual([]);
});

test('anchors are spelled as GitHub spells them: code marks and punctuation dropped, spaces as dashes', () => {
  expect(anchors('docs/cli.md')).toContain('starting-a-project-schemagen-init');
  expect(anchors('docs/cli.md')).toContain('check---json');
  expect(anchors('docs/testing.md')).toContain('test-databases-drizzle-schemagentesting');
});
