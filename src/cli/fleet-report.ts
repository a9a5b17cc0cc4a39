import type { FleetPush } from '../app/fleet.js';
import type { FleetVerify } from '../app/fleet-verify.js';
import { plural } from '../shared/plural.js';
import type { CliIo } from './io.js';

/** The per-tenant services in push's and verify's text output: a summary line, then every tenant not plain. */

const FAILING = new Set(['refused', 'failed', 'skipped']);

/** Where a tenant is: its database with a database per tenant, else its schema. */
const where = (t: { readonly schema?: string; readonly database?: string }) => t.database ?? t.schema;

export function printFleetPush(f: FleetPush, dryRun: boolean, io: CliIo): void {
  const head = `${f.service} (${f.pattern}) → ${f.target}`;
  if (f.error) return io.stderr(`${head}: ${f.error}`);
  const counts = new Map<string, number>();
  for (const t of f.tenants) counts.set(t.status, (counts.get(t.status) ?? 0) + 1);
  const summary = [...counts].map(
    ([status, n]) => `${n} ${dryRun && !FAILING.has(status) ? `would be ${status}` : status}`,
  );
  const bad = f.tenants.some((t) => FAILING.has(t.status));
  (bad ? io.stderr : io.stdout)(`${head}: ${plural(f.tenants.length, 'tenant')}: ${summary.join(', ') || 'none'}`);
  for (const t of f.tenants.filter((x) => x.status !== 'unchanged')) {
    const out = FAILING.has(t.status) ? io.stderr : io.stdout;
    const count = t.statements.length > 0 ? `, ${plural(t.statements.length, 'statement')}` : '';
    const status = dryRun && !FAILING.has(t.status) ? `would be ${t.status}` : t.status;
    out(`  ${t.tenant}${where(t) ? ` (${where(t)})` : ''}: ${status}${count}`);
    if (t.sharesPlanWith) {
      out(`    the same statements as ${t.sharesPlanWith}, in ${where(t)}`);
      continue;
    }
    for (const sql of t.statements) out(`    ${sql.trim().replace(/;$/, '').replace(/\n/g, '\n      ')};`);
    for (const reason of t.reasons) out(`    ${reason}`);
  }
}

export function printFleetVerify(f: FleetVerify, io: CliIo): void {
  const head = `${f.service} (${f.pattern}) → ${f.target}`;
  if (f.error) return io.stderr(`${head}: cannot verify: ${f.error}`);
  const off = f.tenants.filter((t) => t.error || t.drift.length > 0);
  if (off.length === 0)
    return io.stdout(`${head}: ${plural(f.tenants.length, 'tenant')}, every one matches the manifest`);
  io.stderr(`${head}: ${plural(off.length, 'tenant')} of ${f.tenants.length} differ`);
  for (const t of off) {
    if (t.error) io.stderr(`  ${t.tenant}: cannot verify: ${t.error}`);
    else io.stderr(`  ${t.tenant} (${where(t)}): ${plural(t.drift.length, 'difference')}`);
    for (const d of t.drift) io.stderr(`    ${d.where}: ${d.message}`);
  }
}
