import { FINDING_RULES, positionsIn, type Finding, type LintRule } from './finding.js';

/** The word opening a suppression comment: `// schemagen-lint-ignore <rule>[, <rule>]: <reason>` (`--` in SQL). */
export const SUPPRESSION = 'schemagen-lint-ignore';

const DIRECTIVE = new RegExp(`^${SUPPRESSION}(?=[\\s:]|$)`);
const FORM = `${SUPPRESSION} <rule>: <reason>`;

/** A comment of a linted file, as that file's language reads it. */
export interface SourceComment {
  /** the offset of the comment's first character */
  readonly start: number;
  /** the text inside its delimiters (`//`, `--`, `/*` … `*\/`) */
  readonly body: string;
  /** the offset of the first token after it (the text's length when none follows) */
  readonly next: number;
}

/** A linted file and its comments that hold a suppression. */
export interface CommentedFile {
  readonly path: string;
  readonly text: string;
  readonly comments: readonly SourceComment[];
}

/** A well-formed suppression: the rules it names, in one file, on one line. */
interface Suppression {
  readonly path: string;
  readonly line: number;
  readonly col: number;
  readonly rules: readonly LintRule[];
  /** the line it covers: its own when code precedes it there, else the line of the next token */
  readonly covers: number;
}

/** The rules a comment's body names, or what is wrong with it; undefined for a comment that is not a suppression. */
function parseDirective(body: string): { rules: LintRule[] } | { problem: string } | undefined {
  const text = body.replace(/^[\s*]+/, '').trimEnd();
  if (!DIRECTIVE.test(text)) return undefined;
  const rest = text.slice(SUPPRESSION.length);
  const colon = rest.indexOf(':');
  const named = (colon < 0 ? rest : rest.slice(0, colon)).split(',').map((r) => r.trim());
  const reason = colon < 0 ? '' : rest.slice(colon + 1).trim();
  const expected = `expected one of: ${FINDING_RULES.join(', ')}`;
  if (named.every((r) => r === '')) return { problem: `names no rule; write ${FORM} (${expected})` };
  const unknown = named.filter((r) => !(FINDING_RULES as readonly string[]).includes(r));
  if (unknown.length > 0) {
    const names = unknown.map((r) => JSON.stringify(r)).join(', ');
    return { problem: `names ${names}, not a rule it can suppress; ${expected}` };
  }
  const rules = named as LintRule[];
  if (reason === '') return { problem: `${rules.join(', ')} gives no reason; write ${FORM}` };
  return { rules };
}

/**
 * The findings the files' suppressions leave, with the suppressions' own: `invalid-suppression` for
 * one that names no rule or a rule it cannot suppress, or gives no reason after a colon (it
 * suppresses nothing), and `unused-suppression` for each rule one names without a finding of that
 * rule on the line it covers, as eslint reports an unused disable comment: a suppression left behind
 * after a fix would hide the next mistake there.
 */
export function suppress(findings: readonly Finding[], files: readonly CommentedFile[]): Finding[] {
  const read = files.map(suppressionsIn);
  const suppressions = read.flatMap((r) => r.suppressions);
  const key = (path: string, line: number, rule: string) => `${path}\0${line}\0${rule}`;
  const covered = new Set(suppressions.flatMap((s) => s.rules.map((r) => key(s.path, s.covers, r))));
  const found = new Set(findings.map((f) => key(f.path, f.line, f.rule)));
  const unused = suppressions.flatMap(({ path, line, col, rules, covers }) =>
    rules
      .filter((rule) => !found.has(key(path, covers, rule)))
      .map((rule): Finding => ({
        path,
        line,
        col,
        rule: 'unused-suppression',
        message: `${SUPPRESSION} ${rule} suppresses nothing: no ${rule} finding on line ${covers}; remove it`,
      })),
  );
  const kept = findings.filter((f) => !covered.has(key(f.path, f.line, f.rule)));
  return [...kept, ...read.flatMap((r) => r.findings), ...unused];
}

/** A file's well-formed suppressions, and a finding for each malformed one. */
function suppressionsIn({ path, text, comments }: CommentedFile): { suppressions: Suppression[]; findings: Finding[] } {
  const positionAt = positionsIn(text);
  const suppressions: Suppression[] = [];
  const findings: Finding[] = [];
  for (const comment of comments) {
    const directive = parseDirective(comment.body);
    if (!directive) continue;
    const { line, col } = positionAt(comment.start);
    if ('problem' in directive) {
      findings.push({ path, line, col, rule: 'invalid-suppression', message: `${SUPPRESSION} ${directive.problem}` });
      continue;
    }
    const trailing = text.slice(comment.start - col + 1, comment.start).trim() !== '';
    const covers = trailing ? line : positionAt(comment.next).line;
    suppressions.push({ path, line, col, rules: directive.rules, covers });
  }
  return { suppressions, findings };
}
