// One way for every benchmark script to write bench/results.md: each owns one marked section, which
// it replaces (or appends), so running one script never drops another's figures.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const FILE = join(dirname(fileURLToPath(import.meta.url)), 'results.md');
const HEADING = '# Benchmark results\n';

/**
 * `text` (a results file; undefined when there is none yet) with its section `id` holding `markdown`:
 * the section between `<!-- bench:id -->` and `<!-- /bench:id -->` replaced where it stands, or
 * appended at the end; everything else is kept byte for byte. Markers that do not pair up (an opening
 * without its closing one, or twice) are an error: guessing would drop someone's figures.
 */
export function withSection(text, id, markdown) {
  const open = `<!-- bench:${id} -->`;
  const close = `<!-- /bench:${id} -->`;
  const section = `${open}\n${markdown.trim()}\n${close}`;
  const current = text ?? HEADING;
  const start = current.indexOf(open);
  const end = current.indexOf(close);
  if (start < 0 && end < 0) return `${current.trimEnd()}\n\n${section}\n`;
  if (start < 0 || end < start || current.indexOf(open, start + 1) >= 0 || current.indexOf(close, end + 1) >= 0)
    throw new Error(`the markers of section ${id} do not pair up: one ${open} before one ${close} expected`);
  return `${current.slice(0, start)}${section}${current.slice(end + close.length)}`;
}

/** Replaces (or appends) the section `id` of `file`, bench/results.md unless given, keeping every other section. */
export function writeSection(id, markdown, file = FILE) {
  writeFileSync(file, withSection(existsSync(file) ? readFileSync(file, 'utf8') : undefined, id, markdown));
}
