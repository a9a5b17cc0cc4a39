import { relative, sep } from 'node:path';
import type { LintRule } from './finding.js';
import type { LintResult } from './lint.js';

/** The `--json` document: `ok` is true exactly when there are no findings (exit code 0). */
export interface LintReport {
  readonly ok: boolean;
  readonly findings: readonly ReportedFinding[];
}

export interface ReportedFinding {
  /** relative to the working folder, with `/` */
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly rule: LintRule;
  readonly message: string;
}

export function lintReport(result: LintResult, cwd: string): LintReport {
  const findings = result.findings.map(({ path, line, col, rule, message }): ReportedFinding => {
    return { file: relative(cwd, path).split(sep).join('/'), line, col, rule, message };
  });
  return { ok: findings.length === 0, findings: findings.sort(byPlace) };
}

/** By file, line, column, then rule; plain code-unit order so the output never depends on the locale. */
function byPlace(a: ReportedFinding, b: ReportedFinding): number {
  const [x, y] = [
    [a.file, a.line, a.col, a.rule],
    [b.file, b.line, b.col, b.rule],
  ] as const;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  return 0;
}

export const findingLine = (f: ReportedFinding) => `${f.file}:${f.line}:${f.col}: ${f.message}`;
