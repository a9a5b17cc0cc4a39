import type { Diagnostic, YamlPath } from '../manifest/diagnostics.js';
import type { TableInput } from '../manifest/schema.js';
import type { ColumnDraft, ColumnSet } from './resolve-columns.js';

/** The base, the bases and the mixins a table may take its first (and trailing) columns from. */
export interface SharedSets {
  readonly base: ColumnSet;
  readonly bases: ReadonlyMap<string, ColumnSet>;
  readonly mixins: ReadonlyMap<string, ColumnSet>;
  readonly expandMixin: (name: string) => string[];
}

/** Names the base or mixin providing the column (and where it is declared, unless built in) and how to resolve it. */
export function redeclared(name: string, inherited: ColumnDraft): string {
  const from = `column ${JSON.stringify(name)} is inherited from ${inherited.origin}`;
  const where = inherited.origin.startsWith('base (the default') ? '' : ` (${inherited.path.join('.')})`;
  const fix = inherited.origin.startsWith('mixins.')
    ? "remove it here; the table's mixins already add it"
    : 'remove it here, or opt out with base: false';
  return `${from}${where}; ${fix}`;
}

export function inheritedColumns(
  input: TableInput,
  path: YamlPath,
  shared: SharedSets,
  diagnostics: Diagnostic[],
): { columns: ColumnDraft[]; base?: ColumnSet; trailing: ColumnDraft[] } {
  let base: ColumnSet | undefined = shared.base;
  if (input.base === false) base = undefined;
  else if (typeof input.base === 'string') {
    base = shared.bases.get(input.base);
    if (!base)
      diagnostics.push({
        path: [...path, 'base'],
        message:
          `unknown base ${JSON.stringify(input.base)}; expected false or one of: ` +
          `${[...shared.bases.keys()].join(', ') || '(no bases declared)'}`,
      });
  }
  const columns: ColumnDraft[] = [...(base?.columns ?? [])];
  // A `last` mixin's columns follow the table's own (resolveTable appends them).
  const trailing: ColumnDraft[] = [];
  const seen = new Map(columns.map((c) => [c.name, c.origin] as const));
  (input.mixins ?? []).forEach((mixinName, i) => {
    const at = [...path, 'mixins', i];
    if (!shared.mixins.has(mixinName)) {
      diagnostics.push({
        path: at,
        message:
          `unknown mixin ${JSON.stringify(mixinName)}; expected one of: ` +
          `${[...shared.mixins.keys()].join(', ') || '(no mixins declared)'}`,
      });
      return;
    }
    for (const expanded of shared.expandMixin(mixinName)) {
      for (const col of shared.mixins.get(expanded)?.columns ?? []) {
        const previous = seen.get(col.name);
        if (previous === col.origin) continue;
        if (previous) {
          diagnostics.push({
            path: at,
            message:
              `mixin ${mixinName} adds column ${col.name}, which ${previous} already provides; ` +
              `expected each column from one source`,
          });
          continue;
        }
        seen.set(col.name, col.origin);
        (shared.mixins.get(mixinName)!.last ? trailing : columns).push(col);
      }
    }
  });
  return { columns, base, trailing };
}
