// One way for every benchmark script to write bench/results.md: each owns one marked section, which
// it replaces (or appends), so running one script never drops another's figures.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const FILE = join(dirname(fileURLToPath(import.meta.url)), 'results.md');
const HEADING = '# Benchmark results\n';

/** Replaces the section `id` of bench/results.md with `markdown`, keeping every other section in place. */
export function writeSection(id, markdown) {
  const open = `<!-- bench:${id} -->`;
  const close = `<!-- /bench:${id} -->`;
  const section = `${open}\n${markdown.trim()}\n${close}`;
  const current = existsSync(FILE) ? readFileSync(FILE, 'utf8') : HEADING;
  const start = current.indexOf(open);
  const end = current.indexOf(close);
  const next =
    start >= 0 && end > start
      ? `${current.slice(0, start)}${section}${current.slice(end + close.length)}`
      : `${current.trimEnd()}\n\n${section}\n`;
  writeFileSync(FILE, next);
}
