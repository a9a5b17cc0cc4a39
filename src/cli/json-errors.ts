import { ManifestError } from '../manifest/manifest-error.js';
import { formatDiagnostic } from '../manifest/diagnostics.js';
import { UserError } from '../shared/errors.js';
import type { CliIo } from './io.js';

/**
 * With --json, stdout holds one document whatever happens: a mistake the user can fix (an invalid
 * manifest, stale generated files, an unknown service) gives `document` with its `errors`. The usual
 * messages still follow on stderr, and the exit code stays the same.
 */
export async function jsonOnError<T>(
  json: boolean | undefined,
  io: CliIo,
  document: Record<string, unknown>,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (json && (err instanceof ManifestError || err instanceof UserError)) {
      const errors = err instanceof ManifestError ? err.diagnostics.map(formatDiagnostic) : [err.message];
      io.stdout(JSON.stringify({ ...document, errors }));
    }
    throw err;
  }
}
