/** What the project's code and SQL can get wrong; a suppression comment names these. */
export const FINDING_RULES = ['hand-written-table', 'public-table', 'base-column', 'sql-create-table'] as const;

/** What `schemagen lint` reports: the rules above and its suppression comments' own mistakes (never suppressed). */
export const LINT_RULES = [...FINDING_RULES, 'invalid-suppression', 'unused-suppression'] as const;
/** The rule names are stable for tools reading `--json`. */
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

/** Maps an offset in `text` to its 1-based line and column; lines are found once, then binary-searched. */
export function positionsIn(text: string): (offset: number) => { line: number; col: number } {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let [lo, hi] = [0, starts.length - 1];
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - starts[lo]! + 1 };
  };
}
