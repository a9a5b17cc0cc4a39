import type { Step } from '../plan/steps.js';
import type { LockPolicy } from './online-run.js';

/** What a push of one service asks for and what comes of it (push.ts, attempt.ts, checks.ts). */

/** `skipped`: planned, but not applied because another service of the same push was refused */
export type PushStatus = 'created' | 'altered' | 'unchanged' | 'refused' | 'failed' | 'skipped';

export interface PushOutcome {
  readonly status: PushStatus;
  readonly statements: readonly string[];
  /** why it was refused or failed, or what it warns about, one line each */
  readonly reasons: readonly string[];
  /** the schema was compared with the manifest after the push and matched */
  readonly inSync?: boolean;
  /** refused only because objects of other schemas depend on a table it drops */
  readonly blockedByOthers?: boolean;
  /** the statements with their locks and hazards, in the order they run */
  readonly steps?: readonly Step[];
  /** the push option that lets a refused push through: fixSoftDelete mends rows breaking a soft-delete check */
  readonly remedy?: 'fixSoftDelete';
  /** planned and checked, nothing applied (`planOnly`) */
  readonly planned?: boolean;
  /**
   * foreign keys (`table.constraint`) left for the push's next round: their tables are created by
   * another service of the push (`pushedWith`)
   */
  readonly waiting?: readonly string[];
}

export interface PushOptions {
  readonly acceptDataLoss: boolean;
  /** create a table even where one of its name holds data in public or an unowned schema */
  readonly allowDuplicate?: boolean;
  /**
   * The caller runs the push in a sandbox (sandbox.ts) that discards it; the push then goes on past
   * what would stop it for real, so the whole plan shows: statements that lose data (the outcome is
   * still `refused`), and statements using an enum value added in the same push.
   */
  readonly dryRun: boolean;
  /** progress messages, e.g. waiting for another push's lock */
  readonly progress: (line: string) => void;
  /** lock and statement timeouts and the retry window; defaults in DEFAULT_POLICY */
  readonly policy?: LockPolicy;
  /** refuse statements that would scan or rewrite a table holding rows while writes wait */
  readonly onlineOnly?: boolean;
  /** make rows consistent with a soft-delete check about to be added, the flag winning (soft-delete.ts) */
  readonly fixSoftDelete?: boolean;
  /** plan and check only, in a transaction rolled back: whether the push would be refused (app/push.ts) */
  readonly planOnly?: boolean;
  /**
   * the schemas of the other services the same push brings to this database: a foreign key into a
   * table of theirs that does not exist yet waits for the next round (waiting-keys.ts)
   */
  readonly pushedWith?: readonly string[];
}
