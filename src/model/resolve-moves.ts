import type { YamlPath } from '../manifest/diagnostics.js';
import type { ServiceDraft } from './resolve-table.js';

/**
 * A table may come (`from:`) from public, from a schema no service owns, or from another service's
 * schema when the manifest no longer declares it there. A `from` naming a table the manifest still
 * declares would move it away from under its declaration, and two tables cannot both come from one.
 */
export function checkMoves(services: readonly ServiceDraft[], report: (message: string, path: YamlPath) => void) {
  const declared = new Map<string, string>();
  for (const s of services)
    for (const t of s.tables) declared.set(`${s.schema}.${t.name}`, `services.${s.name}.tables.${t.name}`);
  const claimed = new Map<string, string>();
  for (const s of services) {
    for (const t of s.tables) {
      if (!t.from) continue;
      const source = `${t.from.schema}.${t.from.table}`;
      const at = [...t.path, 'from'];
      const here = `services.${s.name}.tables.${t.name}`;
      const still = declared.get(source);
      if (still && still !== here) {
        report(
          `${source} is still declared at ${still}; a table moves only from where the ` +
            `manifest no longer declares it (remove it there, or drop this from)`,
          at,
        );
      }
      const twin = claimed.get(source);
      if (twin) report(`${source} is already the from of ${twin}; expected each table to come from one place`, at);
      else claimed.set(source, here);
    }
  }
}
