/**
 * Every error a user can cause, typed, so callers (the CLI, the library API) tell them from bugs:
 * they are reported as one message each, never with a stack trace. The manifest's own error
 * (ManifestError, with every diagnostic) lives with the manifest: src/manifest/manifest-error.ts.
 */

/** A mistake the user can fix (an unreachable database, stale generated files, a missing variable): exit code 1. */
export class UserError extends Error {
  override readonly name: string = 'UserError';
}

/** A bad command line (an unknown service, say): exit code 2, like other usage errors. */
export class UsageError extends UserError {
  override readonly name = 'UsageError';
}

/** generate would overwrite files it did not write. */
export class UnownedFilesError extends UserError {
  override readonly name = 'UnownedFilesError';
  constructor(readonly files: readonly { readonly path: string }[]) {
    super(`${files.map((f) => f.path).join(', ')}: ${UNOWNED_ADVICE}`);
  }
}

export const UNOWNED_ADVICE =
  'exists without the generated header; move it away or delete it, generate never overwrites it';
