import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import type { Model } from '../model/types.js';
import { diagramFiles, sortedServices } from './diagram.js';
import { customTypeDeclaration } from '../model/custom-types.js';
import { customTypesOf, serviceView, type ServiceView, type ViewOptions } from './view-model.js';

const TEMPLATE_DIR = new URL('../../templates/', import.meta.url);
const FILES = [
  'schema.ts',
  'relations.ts',
  'types.ts',
  'soft-delete.ts',
  'db.ts',
  'index.ts',
  'drizzle.config.ts',
  'tenant.ts',
] as const;

/** Files only some services have: tenant.ts, the per-tenant factory's cache. */
const ONLY_WHEN: Partial<Record<(typeof FILES)[number], (view: ServiceView) => boolean>> = {
  'tenant.ts': (view) => view.tenant !== undefined,
};

/** One Handlebars instance; templates compiled once, never HTML-escaping, failing on missing fields. */
const handlebars = Handlebars.create();
for (const partial of ['header', 'declarations', 'relations-v1', 'relations-v2'])
  handlebars.registerPartial(partial, readTemplate(`${partial}.hbs`));
const compile = (file: string) => handlebars.compile(readTemplate(`${file}.hbs`), { noEscape: true, strict: true });
const templates = new Map(FILES.map((f) => [f, compile(f)] as const));
const columnTypesTemplate = compile('column-types.ts');

function readTemplate(name: string): string {
  return readFileSync(new URL(name, TEMPLATE_DIR), 'utf8');
}

export interface GenerateOptions extends ViewOptions {
  /** manifest file name shown in headers (no directories, so output does not depend on where it ran) */
  readonly manifestName: string;
}

/** model → file path (relative to the output folder) → contents. Pure and deterministic. */
export function generate(model: Model, options: GenerateOptions): Map<string, string> {
  const files = new Map<string, string>();
  for (const service of sortedServices(model)) {
    const view = { ...serviceView(model, service, options), manifest: options.manifestName };
    for (const file of FILES)
      if (ONLY_WHEN[file]?.(view) ?? true) files.set(`${service.name}/${file}`, tidy(templates.get(file)!(view)));
  }
  const custom = customTypesOf(model.services);
  if (custom.length > 0)
    files.set(
      'column-types.ts',
      tidy(columnTypesTemplate({ declarations: custom.map(customTypeDeclaration), manifest: options.manifestName })),
    );
  for (const [path, contents] of diagramFiles(model)) files.set(path, contents);
  return files;
}

/**
 * Drops trailing spaces and blank-line runs left by template branches; ends with one newline.
 * Safe because no literal in the output spans lines (names.ts escapes line breaks).
 */
function tidy(text: string): string {
  return `${text
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}
