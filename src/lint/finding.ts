/** What `schemagen lint` reports; the rule names are stable for tools reading `--json`. */
export const LINT_RULES = ['hand-written-table', 'public-table', 'base-column', 'sql-create-table'] as const;
export type LintRule = (typeof LINT_RULES)[number];

export interface Finding {
  /** absolute path of the file */
  readonly path: string;
  /** 1-based line and column (UTF-16 code units, as editors count) */
  readonly line: number;
  readonly col: number;
  readonly rule: LintRule;
  readonly message: string;
}

/** Base column SQL name → where it comes from (`base`, `bases.<name>`, `the default base`). */
export type BaseColumns = ReadonlyMap<string, string>;

/** 1-based line and column of `offset` in `text`. */
export function positionAt(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, col: offset - lineStart + 1 };
}
