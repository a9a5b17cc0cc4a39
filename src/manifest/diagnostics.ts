/**
 * A user-facing problem with the manifest. Every stage (YAML parsing, shape validation,
 * cross-reference resolution) reports problems as diagnostics and keeps going, so one run
 * lists all of them.
 */
export type YamlPath = readonly (string | number)[];

export interface Diagnostic {
  readonly path: YamlPath;
  readonly message: string;
  /** Point at the key of the last path segment rather than at its value. */
  readonly atKey?: boolean;
  /** A position already known (YAML syntax errors have no path). */
  readonly pos?: { readonly line: number; readonly col: number };
}

export interface LocatedDiagnostic {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly path: string;
  readonly message: string;
}

const MAX_SEGMENT = 60;
const MAX_SEGMENTS = 24;

/** `services.auth.tables.accounts.indexes[0].columns`; absurdly long names or depths are elided. */
export function formatPath(path: YamlPath): string {
  let out = '';
  const shown = path.length > MAX_SEGMENTS ? [...path.slice(0, 12), '…', ...path.slice(-4)] : path;
  for (const raw of shown) {
    const seg = typeof raw === 'string' && raw.length > MAX_SEGMENT ? `${raw.slice(0, MAX_SEGMENT)}…` : raw;
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out === '' ? '(root)' : out;
}

export function formatDiagnostic(d: LocatedDiagnostic): string {
  return `${d.file}:${d.line}:${d.col}: ${d.path}: ${d.message}`;
}
