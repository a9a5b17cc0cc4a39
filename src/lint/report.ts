import { relative, sep } from 'node:path';
import type { LintResult } from './lint.js';

/** The `--json` document: `ok` is true exactly when there are no findings (exit code 0). */
export interface LintReport {
  readonly ok: boolean;
  readonly findings: readonly { file: string; line: number; col: number; rule: string; message: string }[];
}

export function lintReport(result: LintResult, cwd: string): LintReport {
  const file = (path: string) => relative(cwd, path).split(sep).join('/');
  const findings = result.findings.map((f) => ({ file: file(f.path), line: f.line, col: f.col, rule: f.rule, message: f.message }));
  return { ok: findings.length === 0, findings: findings.sort(byPlace) };
}

type Entry = LintReport['findings'][number];

/** By file, line, column, then rule; plain code-unit order so the output never depends on the locale. */
function byPlace(a: Entry, b: Entry): number {
  const [x, y] = [[a.file, a.line, a.col, a.rule], [b.file, b.line, b.col, b.rule]] as const;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  return 0;
}

export const findingLine = (f: Entry) => `${f.file}:${f.line}:${f.col}: ${f.message}`;
