import type { ArgsDef } from 'citty';
import type { LoadOptions } from '../app/project.js';
import type { PushOptions } from '../app/push.js';
import type { TargetChoice } from '../app/services.js';
import { DEFAULT_POLICY, type LockPolicy } from '../db/apply/online-run.js';
import type { CliIo } from './io.js';

/** The arguments several commands share, and how they become the library's options. */

export const manifestArgs = {
  manifest: { type: 'string', description: 'path to the manifest', default: 'schema.yaml', valueHint: 'file' },
} as const satisfies ArgsDef;

export const outArgs = {
  out: { type: 'string', description: 'output folder for generated code', default: 'generated', valueHint: 'dir' },
} as const satisfies ArgsDef;

export const servicesArg = {
  services: { type: 'positional', required: false, description: 'services (default: all)' },
} as const satisfies ArgsDef;

export const targetArgs = {
  embedded: { type: 'boolean', description: 'use the embedded PGlite database for every service' },
  'require-url': {
    type: 'boolean',
    description: 'refuse the embedded fallback when a service has no URL (implied by CI=true)',
  },
} as const satisfies ArgsDef;

export const pushFlagArgs = {
  'accept-data-loss': { type: 'boolean', description: 'apply statements that drop or cast data' },
  'dry-run': {
    type: 'boolean',
    description: 'print the SQL per service with the lock each statement takes, and change nothing',
  },
  'allow-duplicate': {
    type: 'boolean',
    description: 'create a table even where one of its name holds data in public or an unowned schema',
  },
  'fix-soft-delete': {
    type: 'boolean',
    description:
      'before adding a soft-delete check, make existing rows consistent, the flag winning: ' +
      'flagged rows without a time get now(), unflagged rows lose their time',
  },
} as const satisfies ArgsDef;

export const tenantArg = {
  tenant: {
    type: 'string',
    description: 'per-tenant services: only these tenants, separated by commas',
    valueHint: 'names',
  },
} as const satisfies ArgsDef;

export const fleetArgs = {
  ...tenantArg,
  concurrency: {
    type: 'string',
    description: 'per-tenant services: tenants pushed at once per database server (default 4)',
    valueHint: 'n',
  },
  canary: {
    type: 'string',
    description: 'per-tenant services: push this many tenants first, and the rest only if none failed',
    valueHint: 'n',
  },
} as const satisfies ArgsDef;

/** `--tenant a,b` as a list. */
export const tenantsFrom = (args: { tenant?: string }) =>
  args.tenant === undefined
    ? undefined
    : args.tenant
        .split(',')
        .map((t) => t.trim())
        .filter((t) => t !== '');

/** The fleet options from the flags, or the usage error to print. */
export function fleetFrom(args: {
  tenant?: string;
  concurrency?: string;
  canary?: string;
}): { tenants?: readonly string[]; concurrency?: number; canary?: number } | string {
  const count = (flag: 'concurrency' | 'canary', least: number) => {
    const raw = args[flag];
    if (raw === undefined) return undefined;
    const n = /^\d+$/.test(raw.trim()) ? Number(raw) : NaN;
    return n >= least ? n : `--${flag} ${JSON.stringify(raw)}: expected a whole number of at least ${least}`;
  };
  const concurrency = count('concurrency', 1);
  const canary = count('canary', 1);
  for (const v of [concurrency, canary]) if (typeof v === 'string') return v;
  return {
    tenants: tenantsFrom(args),
    concurrency: concurrency as number | undefined,
    canary: canary as number | undefined,
  };
}

/** The project as the command line names it. */
export const projectOptions = (
  args: { manifest: string; out?: string },
  io: CliIo,
  cache: LoadOptions['cache'] = 'read-write',
): LoadOptions => ({ manifest: args.manifest, out: args.out, cwd: io.cwd, cache });

export const targetChoice = (
  args: { _: string[]; embedded?: boolean; 'require-url'?: boolean },
  io: CliIo,
): TargetChoice => ({ services: args._, embedded: args.embedded, requireUrl: args['require-url'], env: io.env });

/** Push options from the flags; progress goes to stderr when stdout carries one JSON document. */
export const pushOptions = (
  args: {
    'accept-data-loss'?: boolean;
    'dry-run'?: boolean;
    'allow-duplicate'?: boolean;
    'online-only'?: boolean;
    'fix-soft-delete'?: boolean;
  },
  policy: LockPolicy | undefined,
  onProgress: (line: string) => void,
): Omit<PushOptions, keyof TargetChoice> => ({
  acceptDataLoss: args['accept-data-loss'],
  dryRun: args['dry-run'],
  allowDuplicate: args['allow-duplicate'],
  onlineOnly: args['online-only'],
  fixSoftDelete: args['fix-soft-delete'],
  policy,
  onProgress,
});

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
