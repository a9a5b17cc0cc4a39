import { describeColumn, type BasePlan } from './bases.js';
import type { Finding, ImportedTable } from './tables.js';

interface ReportInput {
  readonly tables: readonly ImportedTable[];
  readonly plan: BasePlan;
  readonly unsupported: readonly Finding[];
  readonly renamed: readonly Finding[];
  readonly keep: boolean;
}

const full = (t: ImportedTable) => `${t.live.schema}.${t.live.name}`;
const line = (f: Finding) => `  ${f.kind} ${f.name}${f.note ? `: ${f.note}` : ''}`;

/** What import decided and what it left out, for stderr. */
export function importReport(r: ReportInput): string[] {
  const out: string[] = ['grouping:'];
  for (const t of r.tables) out.push(`  ${full(t)} → ${t.place.service}.${t.place.name} (${t.place.reason})`);
  out.push(`base variants (leading columns shared by several tables): ${r.plan.variants.length}`);
  r.plan.variants.forEach((v, i) => {
    out.push(`  variant ${i + 1}: ${v.columns.map((c) => `${c.name} ${describeColumn(c)}`).join(', ')}`);
    out.push(`    ${v.tables.length} table${v.tables.length === 1 ? '' : 's'}: ${v.tables.map(full).join(', ')}`);
    const base = r.plan.variantBase.get(v)!;
    out.push(`    → ${base === 'base' ? 'base' : `bases.${base}${r.keep ? ' (kept as it is)' : ' (cannot converge with base without losing data)'}`}`);
  });
  out.push(`proposed base: ${r.plan.base.map((c) => c.name).join(', ') || '(none)'}`);
  const without = r.tables.filter((t) => r.plan.tableBase.get(t) === false);
  if (without.length > 0) out.push(`  base: false for ${without.map(full).join(', ')}`);
  if (r.renamed.length > 0) out.push(`names the manifest derives itself (renamed on push): ${r.renamed.length}`, ...r.renamed.map(line));
  out.push(`not imported (the manifest cannot express them): ${r.unsupported.length}`, ...r.unsupported.map(line));
  return out;
}
