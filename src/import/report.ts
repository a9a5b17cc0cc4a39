import { describeColumn, type BasePlan } from './bases.js';
import type { MixinPlan } from './mixins.js';
import type { Finding } from './finding.js';
import type { ImportedTable } from './tables.js';
import { plural } from '../shared/plural.js';

interface ReportInput {
  readonly tables: readonly ImportedTable[];
  readonly plan: BasePlan;
  readonly mixins: MixinPlan;
  readonly unsupported: readonly Finding[];
  readonly renamed: readonly Finding[];
  readonly keep: boolean;
}

const full = (t: ImportedTable) => `${t.live.schema}.${t.live.name}`;
const line = (f: Finding) => `  ${f.kind} ${f.name}${f.note ? `: ${f.note}` : ''}`;

/** What import decided and what it left out, for stderr. */
export function importReport(r: ReportInput): string[] {
  const out: string[] = ['grouping:'];
  const services = new Map<string, number>();
  for (const t of r.tables) {
    services.set(t.place.service, (services.get(t.place.service) ?? 0) + 1);
    // Tables that stay where they are need no line each; moved ones are the choices to review.
    const moved = t.place.service !== t.live.schema || t.place.name !== t.live.name;
    if (moved) out.push(`  ${full(t)} → ${t.place.service}.${t.place.name} (${t.place.reason})`);
  }
  out.push(`  ${[...services].map(([s, n]) => `${s}: ${plural(n, 'table')}`).join(', ')}`);
  out.push(`base variants (leading columns shared by several tables): ${r.plan.variants.length}`);
  r.plan.variants.forEach((v, i) => {
    out.push(`  variant ${i + 1}: ${v.columns.map((c) => `${c.name} ${describeColumn(c)}`).join(', ')}`);
    out.push(`    ${plural(v.tables.length, 'table')}: ${v.tables.map(full).join(', ')}`);
    const base = r.plan.variantBase.get(v)!;
    const why = r.keep ? ' (kept as it is)' : ' (cannot converge with base without losing data)';
    out.push(`    → ${base === 'base' ? 'base' : `bases.${base}${why}`}`);
  });
  out.push(`proposed base: ${r.plan.base.map((c) => c.name).join(', ') || '(none)'}`);
  const without = r.tables.filter((t) => r.plan.tableBase.get(t) === false);
  if (without.length > 0) out.push(`  base: false for ${without.map(full).join(', ')}`);
  out.push(`proposed mixins (trailing columns shared by several tables): ${r.mixins.mixins.size}`);
  for (const [name, columns] of r.mixins.mixins) {
    const tables = r.tables.filter((t) => r.mixins.tableMixin.get(t) === name);
    out.push(`  mixin ${name} (last): ${columns.map((c) => `${c.name} ${describeColumn(c)}`).join(', ')}`);
    out.push(`    ${plural(tables.length, 'table')}: ${tables.map(full).join(', ')}`);
  }
  if (r.renamed.length > 0) {
    out.push(`names the manifest derives itself (renamed on push): ${r.renamed.length}`, ...r.renamed.map(line));
  }
  out.push(`not imported (the manifest cannot express them): ${r.unsupported.length}`, ...r.unsupported.map(line));
  return out;
}
