import type { Diagnostic } from '../manifest/diagnostics.js';
import { parseShape, type ManifestInput } from '../manifest/schema.js';
import { resolveModel } from './resolve.js';

/**
 * When the shape is wrong somewhere, the rest of the manifest may still hold independent problems
 * that one run should report too. The tables (or whole services) with a shape problem are left out,
 * the remainder is resolved, and every problem that could stem from leaving them out (a reference
 * into them, an empty service) is dropped. A shape problem outside services (version, base, bases,
 * mixins, an unknown top-level key) can affect every table, so then nothing more is reported.
 */
export function diagnosticsBeyondShape(data: unknown, shapeProblems: readonly Diagnostic[]): Diagnostic[] {
  const touched = touchedUnits(shapeProblems);
  if (!touched || !isMapping(data) || !isMapping(data['services'])) return [];
  const services: Record<string, unknown> = {};
  for (const [name, service] of Object.entries(data['services'])) {
    if (touched.has(name) || !isMapping(service) || !isMapping(service['tables'])) continue;
    const tables = Object.fromEntries(Object.entries(service['tables']).filter(([t]) => !touched.has(unit(name, t))));
    services[name] = { ...service, tables };
  }
  const manifest = parseShape({ ...data, services }).manifest;
  if (!manifest) return [];
  return resolveModel(manifest).diagnostics.filter((d) => !mayStemFromOmission(d, manifest, touched));
}

const unit = (service: string, table?: string) => (table === undefined ? service : `${service}.tables.${table}`);
const isMapping = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `service` or `service.tables.table` for each problem; undefined when one lies outside services. */
function touchedUnits(problems: readonly Diagnostic[]): Set<string> | undefined {
  const units = new Set<string>();
  for (const { path } of problems) {
    if (path[0] !== 'services' || path.length < 2) return undefined;
    const service = String(path[1]);
    units.add(path[2] === 'tables' && path.length >= 4 ? unit(service, String(path[3])) : service);
  }
  return units;
}

function mayStemFromOmission(d: Diagnostic, manifest: ManifestInput, touched: ReadonlySet<string>): boolean {
  const [root, service, tablesKey, table, columnsKey, column] = d.path;
  if (root !== 'services') return false;
  const s = String(service);
  // "no services" / "no tables" once the omitted ones are gone.
  if (d.path.length === 1) return true;
  if (d.path.length === 3 && tablesKey === 'tables') return [...touched].some((u) => u.startsWith(`${s}.tables.`));
  if (tablesKey !== 'tables' || columnsKey !== 'columns' || column === undefined) return false;
  const ref = manifest.services[s]?.tables[String(table)]?.columns?.[String(column)]?.references;
  if (!ref) return false;
  const target = ref.service ?? s;
  return touched.has(target) || touched.has(unit(target, ref.table));
}
