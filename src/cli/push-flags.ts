import type { ArgsDef } from 'citty';
import type { Step } from '../db/online.js';
import { DEFAULT_POLICY, type LockPolicy } from '../db/online-run.js';

export const onlineArgs = {
  'lock-timeout': {
    type: 'string',
    description: 'longest wait for a table lock per statement before retrying (default 2s)',
    valueHint: 'duration',
  },
  'retry-for': {
    type: 'string',
    description: 'how long to keep retrying after lock timeouts (default 60s)',
    valueHint: 'duration',
  },
  'statement-timeout': {
    type: 'string',
    description: 'longest run of one statement in the transaction (default 60s)',
    valueHint: 'duration',
  },
  'online-only': {
    type: 'boolean',
    description: 'refuse statements that scan or rewrite a table holding rows while writes wait',
  },
  json: {
    type: 'boolean',
    description: 'print one JSON document (with --dry-run: every statement with its lock and hazard)',
  },
} as const satisfies ArgsDef;

/** `2s`, `500ms`, `1m` or plain seconds, in milliseconds; undefined when it is none of those. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 'm' ? 60_000 : 1_000);
  return n > 0 ? Math.round(n) : undefined;
}

/** The lock policy from the flags, or the usage error to print. */
export function policyFrom(args: {
  'lock-timeout'?: string;
  'retry-for'?: string;
  'statement-timeout'?: string;
}): LockPolicy | string {
  const pick = (flag: 'lock-timeout' | 'retry-for' | 'statement-timeout', fallback: number) => {
    const raw = args[flag];
    if (raw === undefined) return fallback;
    return (
      parseDuration(raw) ?? `--${flag} ${JSON.stringify(raw)}: expected a positive duration such as 2s, 500ms or 1m`
    );
  };
  const lockTimeoutMs = pick('lock-timeout', DEFAULT_POLICY.lockTimeoutMs);
  const retryForMs = pick('retry-for', DEFAULT_POLICY.retryForMs);
  const statementTimeoutMs = pick('statement-timeout', DEFAULT_POLICY.statementTimeoutMs);
  for (const v of [lockTimeoutMs, retryForMs, statementTimeoutMs]) if (typeof v === 'string') return v;
  return { lockTimeoutMs, retryForMs, statementTimeoutMs } as LockPolicy;
}

/** The line under a statement in a dry run: where it runs, the lock it takes, what it reads or rewrites. */
export function describeStep(step: Step): string[] {
  const where = step.phase === 'online' ? 'online, after the commit' : 'in the transaction';
  const lock =
    step.lock === 'none'
      ? 'no table lock'
      : `${step.lock} lock on ${step.table}${step.rows === undefined ? '' : ` (about ${step.rows} rows)`}`;
  const work = step.rewrites ? 'rewrites the table' : step.scans ? 'scans the table' : 'no scan';
  return [`    -- ${where}; ${lock}; ${work}`, ...(step.hazard ? [`    -- HAZARD: ${step.hazard}`] : [])];
}

/** A step as `push --dry-run --json` prints it. */
export const stepJson = (s: Step) => ({
  sql: s.sql,
  phase: s.phase,
  lock: s.lock,
  table: s.table ?? null,
  rows: s.rows ?? null,
  rewrites: s.rewrites,
  scans: s.scans,
  hazard: s.hazard ?? null,
});
