import { formatDiagnostic, type LocatedDiagnostic } from './diagnostics.js';

/** The manifest has problems: every one of them, with file:line:col. */
export class ManifestError extends Error {
  override readonly name = 'ManifestError';
  constructor(readonly diagnostics: readonly LocatedDiagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join('\n'));
  }
}
