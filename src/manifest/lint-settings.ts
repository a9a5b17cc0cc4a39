import { parseManifest, quickData, readManifestText } from './load.js';
import { lintSettingsSchema, type LintSettingsInput } from './schema.js';

/**
 * The manifest's `lint` settings. Only lint reads them, so the model (what generate, push and verify
 * work from, cached) leaves them out; lint reads them here after loading the model, which has
 * validated the whole manifest with positions.
 */
export function lintSettings(path: string, displayName: string): LintSettingsInput {
  const text = readManifestText(path, displayName);
  const data = quickData(text) ?? parseManifest(displayName, text).data;
  const settings = (data as { lint?: unknown } | null)?.lint;
  return settings === undefined ? {} : lintSettingsSchema.parse(settings);
}
