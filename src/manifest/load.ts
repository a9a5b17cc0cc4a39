import { readFileSync, statSync } from 'node:fs';
import {
  LineCounter,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  parseDocument,
  visit,
  type Document,
  type Node,
} from 'yaml';
import { ManifestError } from './manifest-error.js';
import { formatPath, type Diagnostic, type LocatedDiagnostic, type YamlPath } from './diagnostics.js';

/** Manifests beyond this size are refused before parsing (about 30,000 tables). */
export const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

export interface SourceFile {
  readonly file: string;
  readonly text: string;
  readonly doc: Document.Parsed;
  readonly lines: LineCounter;
  /** The plain data of the document; integers are bigint so no value loses precision. */
  readonly data: unknown;
}

/** Turns path-based diagnostics into file:line:col ones using the parsed document. */
export function locate(
  source: Pick<SourceFile, 'file' | 'doc' | 'lines'>,
  diagnostics: readonly Diagnostic[],
): LocatedDiagnostic[] {
  return diagnostics.map((d) => {
    const offset = d.pos ? undefined : offsetOf(source.doc, d.path, d.atKey ?? false);
    const pos = d.pos ?? source.lines.linePos(offset ?? 0);
    return { file: source.file, line: pos.line, col: pos.col, path: formatPath(d.path), message: d.message };
  });
}

function offsetOf(doc: Document.Parsed, path: YamlPath, atKey: boolean): number {
  let node: unknown = doc.contents;
  let offset = (doc.contents as Node | null)?.range?.[0] ?? 0;
  for (const [i, seg] of path.entries()) {
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) return offset;
      const keyNode = pair.key as Node;
      if (last && atKey) return keyNode.range?.[0] ?? offset;
      node = pair.value;
      offset = (pair.value as Node | null)?.range?.[0] ?? keyNode.range?.[0] ?? offset;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as Node | undefined;
      if (!item) return offset;
      node = item;
      offset = item.range?.[0] ?? offset;
    } else {
      return offset;
    }
  }
  return offset;
}

/** Reads `path`; messages name it `file` (the path as the user typed it). */
/** The YAML path of the innermost key or item whose source range contains `offset`. */
function pathAt(node: unknown, offset: number): (string | number)[] {
  const within = (n: unknown) => {
    const range = (n as Node | null)?.range;
    return range != null && offset >= range[0] && offset <= range[2];
  };
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair) || !isScalar(pair.key)) continue;
      const key = String(pair.key.value);
      if (within(pair.key)) return [key];
      if (within(pair.value)) return [key, ...pathAt(pair.value, offset)];
    }
  } else if (isSeq(node)) {
    const i = node.items.findIndex(within);
    if (i >= 0) return [i, ...pathAt(node.items[i], offset)];
  }
  return [];
}

/** Reads the manifest's text, refusing unreadable or oversized files with a positioned message. */
export function readManifestText(path: string, file = path): string {
  const fail = (message: string): never => {
    throw new ManifestError([{ file, line: 1, col: 1, path: '(root)', message }]);
  };
  try {
    if (statSync(path).size > MAX_MANIFEST_BYTES)
      fail(`manifest is larger than ${MAX_MANIFEST_BYTES / 1024 / 1024} MB; split it or trim it`);
    return readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof ManifestError) throw err;
    return fail(`cannot read manifest: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

/**
 * The data of a manifest that is plainly well-formed, without keeping the document or counting
 * lines; undefined when anything needs the careful path (which reports it with positions). Anything
 * that looks like an anchor, alias or `__proto__` key, or any YAML error or warning, goes the careful way.
 */
export function quickData(text: string): unknown {
  if (/[&*\0\uFFFD]|__proto__/.test(text)) return undefined;
  try {
    const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false, intAsBigInt: true, strict: true });
    if (doc.errors.length > 0 || doc.warnings.length > 0) return undefined;
    return doc.toJS({ maxAliasCount: 0 });
  } catch {
    return undefined;
  }
}

export function parseManifest(file: string, text: string): SourceFile {
  const nul = text.indexOf('\0');
  const lines = new LineCounter();
  if (nul >= 0 || text.includes('\uFFFD')) {
    const at = nul >= 0 ? nul : text.indexOf('\uFFFD');
    const before = text.slice(0, at).split('\n');
    const msg = 'not a text YAML file: found a NUL byte or invalid UTF-8; expected a UTF-8 YAML mapping';
    throw new ManifestError([
      { file, line: before.length, col: (before.at(-1)?.length ?? 0) + 1, path: '(root)', message: msg },
    ]);
  }
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, {
      lineCounter: lines,
      uniqueKeys: true,
      prettyErrors: false,
      intAsBigInt: true,
      strict: true,
    });
  } catch (err) {
    // The parser recurses per nesting level; pathological nesting exhausts the stack.
    const message =
      err instanceof RangeError ? 'nesting is too deep to be a manifest' : `cannot parse YAML: ${String(err)}`;
    throw new ManifestError([{ file, line: 1, col: 1, path: '(root)', message }]);
  }
  const source = { file, doc, lines };
  const diagnostics: Diagnostic[] = [];
  for (const e of [...doc.errors, ...doc.warnings]) {
    const pos = lines.linePos(e.pos[0]);
    diagnostics.push({ path: pathAt(doc.contents, e.pos[0]), pos, message: yamlMessage(e.code, e.message) });
  }
  if (diagnostics.length === 0) diagnostics.push(...aliasDiagnostics(doc, lines));
  if (diagnostics.length > 0) throw new ManifestError(locate(source, diagnostics));
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 0 });
  } catch (err) {
    const message =
      err instanceof RangeError ? 'nesting is too deep to be a manifest' : `cannot read YAML value: ${String(err)}`;
    throw new ManifestError([{ file, line: 1, col: 1, path: '(root)', message }]);
  }
  return { ...source, text, data };
}

function yamlMessage(code: string, message: string): string {
  const first = message.split('\n')[0] ?? message;
  if (code === 'DUPLICATE_KEY') return 'duplicate key; expected each key once in a mapping';
  if (code === 'TAB_AS_INDENT') return 'tab used for indentation; expected spaces';
  return `invalid YAML (${code}): ${first.replace(/ at line \d+, column \d+:?$/, '')}`;
}

/**
 * Anchors and aliases are refused outright: a manifest is small enough to write out, and
 * refusing them is the only bounded defence against alias bombs. `__proto__` keys are refused too.
 */
function aliasDiagnostics(doc: Document.Parsed, lines: LineCounter): Diagnostic[] {
  const found: Diagnostic[] = [];
  visit(doc, (_key, node, ancestors) => {
    // A `__proto__` key would set an object's prototype instead of adding an entry, silently.
    if (isPair(node) && isScalar(node.key) && node.key.value === '__proto__') {
      found.push({
        path: [],
        pos: lines.linePos(node.key.range?.[0] ?? 0),
        message: 'key "__proto__" cannot be carried safely by JavaScript objects; expected another name',
      });
      return undefined;
    }
    const anchored = (isScalar(node) || isMap(node) || isSeq(node)) && node.anchor;
    if (!isAlias(node) && !anchored) return undefined;
    const chain = [...ancestors, node];
    const yamlPath: (string | number)[] = [];
    for (const [i, a] of chain.entries()) {
      if (isPair(a) && isScalar(a.key) && chain[i + 1] === a.value) yamlPath.push(String(a.key.value));
      if (isSeq(a)) yamlPath.push(a.items.indexOf(chain[i + 1] as never));
    }
    const what = isAlias(node) ? `alias *${node.source}` : `anchor &${String(node.anchor)}`;
    const pos = lines.linePos(node.range?.[0] ?? 0);
    found.push({
      path: yamlPath,
      pos,
      message: `${what}: YAML anchors and aliases are not supported; expected the value written out`,
    });
    return found.length >= 20 ? visit.BREAK : undefined;
  });
  return found;
}
