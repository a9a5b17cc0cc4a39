import { inject } from 'vitest';
import * as auth from '../../generated/auth/index.js';
import * as user from '../../generated/user/index.js';

/** The two ways a user runs createTestDatabase: embedded PGlite (the default), or a PostgreSQL server. */
export const KINDS = ['pglite', 'postgres'] as const;
export type Kind = (typeof KINDS)[number];

/** Options as a user writes them: the repository's manifest and two of its services' generated modules. */
export const optionsFor = (kind: Kind) => ({
  schemas: { auth, user },
  ...(kind === 'postgres' ? { url: inject('postgresUrl') } : {}),
});

/** PGlite starts in seconds on a busy machine; a test's first database there pays for it. */
export const SLOW = 180_000;
