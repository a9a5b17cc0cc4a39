import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { expect, test } from 'vitest';

/**
 * The pipeline's import boundaries: each folder of src/ may import only folders before it, never one
 * after it, so manifest ← model ← render ← write/db ← import/lint ← cli reads one way. errors.ts
 * (the typed user errors) may be imported from anywhere.
 */
const RANK: Record<string, number> = { manifest: 0, model: 1, render: 2, write: 3, db: 3, import: 4, lint: 4, cli: 5 };
const SHARED = new Set(['errors.ts']);
const SRC = join(import.meta.dirname, '..', 'src');

function* sources(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if (entry.name.endsWith('.ts')) yield path;
  }
}

/** `src/<folder>/…` → folder; a file directly in src/ → its name. */
const area = (file: string) => relative(SRC, file).split(sep)[0]!;

test('every import in src/ points to its own folder or an earlier stage of the pipeline', () => {
  const backwards: string[] = [];
  let imports = 0;
  for (const file of sources(SRC)) {
    const from = area(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+)'/g)) {
      imports++;
      const to = area(resolve(dirname(file), m[1]!.replace(/\.js$/, '.ts')));
      if (to === from || SHARED.has(to) || SHARED.has(from)) continue;
      if (RANK[to] === undefined || RANK[from] === undefined || RANK[to]! > RANK[from]! || (RANK[to] === RANK[from] && to !== from)) {
        backwards.push(`${relative(SRC, file)} imports ${m[1]} (${from} → ${to})`);
      }
    }
  }
  expect(imports).toBeGreaterThan(100);
  expect(backwards).toEqual([]);
});
