import { locate, parseManifest } from '../manifest/load.js';
import { ManifestError } from '../errors.js';
import { formatDiagnostic } from '../manifest/diagnostics.js';
import { parseShape } from '../manifest/schema.js';
import { resolveModel } from '../model/resolve.js';

/** The imported manifest through the project's own loader; any problem is import's own defect, listed for the user. */
export function validateImported(text: string): string[] {
  try {
    const source = parseManifest('imported manifest', text);
    const shape = parseShape(source.data);
    const diagnostics = shape.manifest ? resolveModel(shape.manifest).diagnostics : shape.diagnostics;
    return locate(source, diagnostics).map((d) => `error: ${formatDiagnostic(d)}`);
  } catch (err) {
    if (err instanceof ManifestError) return err.diagnostics.map((d) => `error: ${formatDiagnostic(d)}`);
    throw err;
  }
}
