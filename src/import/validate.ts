import { locate, parseManifest } from '../manifest/load.js';
import { ManifestError } from '../manifest/manifest-error.js';
import { formatDiagnostic } from '../manifest/diagnostics.js';
import { parseShape } from '../manifest/schema.js';
import { resolveModel } from '../model/resolve.js';

/**
 * The imported manifest through the project's own shape and model checks. The data is checked
 * directly (no second YAML parse); only when it fails is the text parsed, to give positions.
 * Any problem is import's own defect, listed for the user.
 */
export function validateImported(data: unknown, text: () => string): string[] {
  const shape = parseShape(data);
  if (shape.manifest && resolveModel(shape.manifest).diagnostics.length === 0) return [];
  try {
    const source = parseManifest('imported manifest', text());
    const again = parseShape(source.data);
    const diagnostics = again.manifest ? resolveModel(again.manifest).diagnostics : again.diagnostics;
    return locate(source, diagnostics).map((d) => `error: ${formatDiagnostic(d)}`);
  } catch (err) {
    if (err instanceof ManifestError) return err.diagnostics.map((d) => `error: ${formatDiagnostic(d)}`);
    throw err;
  }
}
