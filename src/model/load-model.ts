import { ManifestError } from '../manifest/manifest-error.js';
import { locate, parseManifest, quickData, readManifestText, type SourceFile } from '../manifest/load.js';
import { parseShape } from '../manifest/schema.js';
import { diagnosticsBeyondShape } from './beyond-shape.js';
import { LARGE_MANIFEST_CHARS, releaseGarbage } from './memory.js';
import { resolveModel } from './resolve.js';
import type { Model } from './types.js';

/** schema.yaml → model, or a ManifestError listing every problem found, sorted by position. */
export function loadModel(path: string, displayName = path): Model {
  const text = readManifestText(path, displayName);
  const large = text.length >= LARGE_MANIFEST_CHARS;
  // Valid manifests take the quick way; any problem is found again on the careful way, with positions.
  const manifest = quickManifest(text);
  if (large) releaseGarbage();
  const resolved = manifest && resolveModel(manifest);
  if (large) releaseGarbage();
  return resolved?.model ?? modelFromSource(parseManifest(displayName, text));
}

/** A separate frame, so the YAML data is garbage before the model is built (peak memory). */
function quickManifest(text: string) {
  const data = quickData(text);
  return data === undefined ? undefined : parseShape(data).manifest;
}

function modelFromSource(source: SourceFile): Model {
  const shape = parseShape(source.data);
  const resolved = shape.manifest
    ? resolveModel(shape.manifest)
    : { diagnostics: [...shape.diagnostics, ...diagnosticsBeyondShape(source.data, shape.diagnostics)] };
  if (resolved.model) return resolved.model;
  const located = locate(source, resolved.diagnostics).sort(
    (a, b) => a.line - b.line || a.col - b.col || a.message.localeCompare(b.message),
  );
  const unique = located.filter((d, i) => i === 0 || JSON.stringify(d) !== JSON.stringify(located[i - 1]));
  throw new ManifestError(unique);
}
