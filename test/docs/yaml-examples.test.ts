import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { parse } from 'yaml';
import { manifestSchema } from '../../src/manifest/schema.js';
import { modeline } from '../../src/write/init-project.js';
import { cli } from '../support/cli.js';
import { PAGES, ROOT, codeBlocks, type CodeBlock } from '../support/markdown.js';

// Every YAML example in README.md and docs/ is validated and generated from, as a user would copy it:
// a complete manifest as it is; a part of one (top-level keys such as `base:`) with `version: 1` and,
// when it has no services, one service around it; a service's entry (`user: { tables: … }`) under
// `services:`. A block of comments only is the editor modeline, which must be the one init writes.

const TOP_LEVEL = new Set(Object.keys(manifestSchema.shape));
const ONE_SERVICE = 'services:\n  app:\n    tables:\n      notes:\n        columns:\n          body: { type: text }\n';

/** The block as a whole manifest, or undefined for a block holding comments only. */
function asManifest(block: CodeBlock): string | undefined {
  const data: unknown = parse(block.text);
  if (data === null) return undefined;
  const keys = Object.keys(data as object);
  if (keys.includes('version')) return block.text;
  if (keys.every((k) => TOP_LEVEL.has(k)))
    return `version: 1\n${block.text}${keys.includes('services') ? '' : ONE_SERVICE}`;
  return `version: 1\nservices:\n${block.text.replace(/^(?=.)/gm, '  ')}`;
}

const blocks = PAGES.flatMap(codeBlocks).filter((b) => b.lang === 'yaml');

test('the pages hold YAML examples: a complete manifest, parts of one and the modeline', () => {
  const kinds = blocks.map((b) =>
    asManifest(b) === undefined ? 'modeline' : b.text.includes('version:') ? 'whole' : 'part',
  );
  expect(new Set(kinds)).toEqual(new Set(['modeline', 'whole', 'part']));
});

test.each(blocks.map((b) => [`${b.page}:${b.line}`, b] as const))('%s validates and generates', async (_, block) => {
  const manifest = asManifest(block);
  if (manifest === undefined) {
    expect(block.text.trim()).toBe(modeline(join(ROOT, 'schema.yaml'), ROOT));
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'schemagen-docs-yaml-'));
  writeFileSync(join(dir, 'schema.yaml'), manifest);
  const run = await cli(['generate'], { cwd: dir });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
});
