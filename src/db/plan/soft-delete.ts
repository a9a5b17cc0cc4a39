import { constraintNames } from '../../shared/conventions.js';
import type { Service, SoftDelete } from '../../model/types.js';
import type { CatalogSchema } from '../catalog/types.js';
import type { Queryable } from '../connect/queryable.js';
import type { Step, Violation } from './online.js';
import { qualified, quoteIdent as q } from '../../shared/sql-quote.js';
import { plural } from '../../shared/plural.js';

/**
 * Rows that break a base's soft-delete check when push adds it. They are counted like those of any
 * check (existingViolations) and refuse the push; the fixSoftDelete option makes them consistent first,
 * the flag winning: the flag is what queries filter on (`notDeleted`, `WHERE NOT is_deleted`), so
 * which rows the application sees does not change. A flagged row without a time gets now() (the real
 * time is unknown; now() is the moment it was noticed), an unflagged row's stray time is cleared.
 */

/** The statements making one table's pair consistent, each with what it says about the rows it changed. */
function fixups(schema: string, table: string, pair: SoftDelete) {
  const target = qualified(schema, table);
  const [flag, at] = [q(pair.flag), q(pair.at)];
  return [
    {
      sql: `UPDATE ${target} SET ${at} = now() WHERE ${flag} AND ${at} IS NULL`,
      what: `${pair.at} set to now() where ${pair.flag} was true without it`,
    },
    {
      sql: `UPDATE ${target} SET ${at} = NULL WHERE NOT ${flag} AND ${at} IS NOT NULL`,
      what: `${pair.at} cleared where ${pair.flag} was false`,
    },
  ];
}

/**
 * Runs the fix-ups on each existing table of the service whose soft-delete check is not in place and
 * valid yet; returns the statements that changed rows, and one line per table saying how many.
 */
export async function fixSoftDeletes(
  tx: Queryable,
  service: Service,
  catalog: CatalogSchema,
): Promise<{ readonly steps: Step[]; readonly reasons: string[] }> {
  const steps: Step[] = [];
  const reasons: string[] = [];
  for (const table of service.tables) {
    const pair = table.softDelete;
    const live = catalog.tables.find((t) => t.name === table.name);
    if (!pair?.enforced || !live) continue;
    if (![pair.flag, pair.at].every((c) => live.columns.some((x) => x.name === c))) continue;
    const check = live.constraints.find((k) => k.name === constraintNames.softDeleteCheck(table.name));
    if (check?.validated) continue;
    const done: string[] = [];
    let total = 0;
    for (const fix of fixups(service.schema, table.name, pair)) {
      const [row] = await tx.query<{ n: number }>(
        `with f as (${fix.sql} returning 1) select count(*)::int as n from f`,
      );
      const n = Number(row?.n ?? 0);
      if (n === 0) continue;
      total += n;
      done.push(`${n} ${fix.what}`);
      const place = `${service.schema}.${table.name}`;
      steps.push({
        sql: fix.sql,
        phase: 'transaction',
        lock: 'ROW EXCLUSIVE',
        table: place,
        rewrites: false,
        scans: true,
      });
    }
    if (total > 0) reasons.push(`fixed ${plural(total, 'row')} of ${service.schema}.${table.name}: ${done.join('; ')}`);
  }
  return { steps, reasons };
}

/** Some of the constraints existing rows break is a soft-delete check, which `fixSoftDelete` mends. */
export function breaksSoftDelete(broken: readonly Violation[], service: Service): boolean {
  const checks = new Set(
    service.tables.filter((t) => t.softDelete?.enforced).map((t) => constraintNames.softDeleteCheck(t.name)),
  );
  return broken.some((v) => checks.has(v.constraint));
}
