#!/usr/bin/env node
// The code's shape, checked: imports in src/ follow the pipeline one way, and no line in src/ is
// wider than the formatter's print width (Prettier wraps code but leaves long strings alone).
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Each folder of src/ may import only its own folder or an earlier stage:
 * shared ← manifest ← model ← render ← write/db ← import/lint ← app ← cli/testing/index.ts.
 * Inside src/db the rooms are the stages of a push, one way too:
 * connect ← catalog ← compare ← plan ← apply/migrations/roles.
 */
export const RANK = {
  shared: -1,
  manifest: 0,
  model: 1,
  render: 2,
  write: 3,
  db: 3,
  import: 4,
  lint: 4,
  app: 5,
  cli: 6,
  testing: 6,
  'index.ts': 6,
};
export const DB_RANK = {
  connect: 0,
  catalog: 1,
  compare: 2,
  plan: 3,
  apply: 4,
  migrations: 4,
  roles: 4,
};
export const MAX_WIDTH = 120;
const SRC = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');

function* sources(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if (entry.name.endsWith('.ts')) yield path;
  }
}

/** `src/<folder>/…` → folder, `src/db/<room>/…` → `db/<room>`; a file directly in src/ → its name. */
const area = (file, src) => {
  const [top, room, rest] = relative(src, file).split(sep);
  return top === 'db' && rest !== undefined ? `db/${room}` : top;
};

/** Whether code in area `from` may import area `to`. */
function mayImport(from, to) {
  const [fromTop, fromRoom] = from.split('/');
  const [toTop, toRoom] = to.split('/');
  if (fromTop === 'db' && toTop === 'db') return DB_RANK[toRoom] !== undefined && DB_RANK[toRoom] < DB_RANK[fromRoom];
  return RANK[toTop] !== undefined && RANK[fromTop] !== undefined && RANK[toTop] < RANK[fromTop];
}

/** Imports that point backwards (or out of the pipeline), and how many imports were read. */
export function backwardImports(src = SRC) {
  const backwards = [];
  let imports = 0;
  for (const file of sources(src)) {
    const from = area(file, src);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+)'/g)) {
      imports++;
      const to = area(resolve(dirname(file), m[1].replace(/\.js$/, '.ts')), src);
      if (to === from || mayImport(from, to)) continue;
      backwards.push(`src/${relative(src, file)} imports ${m[1]} (${from} → ${to})`);
    }
  }
  return { backwards, imports };
}

/** `file:line: N characters` for every line of src/ wider than MAX_WIDTH. */
export function wideLines(src = SRC) {
  const found = [];
  for (const file of sources(src)) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (line.length > MAX_WIDTH) found.push(`src/${relative(src, file)}:${i + 1}: ${line.length} characters`);
      });
  }
  return found;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { backwards } = backwardImports();
  const wide = wideLines();
  for (const b of backwards) console.error(`${b}: imports must point to an earlier stage of the pipeline`);
  for (const w of wide) console.error(`${w} (max ${MAX_WIDTH})`);
  if (backwards.length + wide.length > 0) process.exit(1);
  console.log(`src/: imports follow the pipeline; no line wider than ${MAX_WIDTH}`);
}
