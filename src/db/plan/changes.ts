import { columnTypeSql } from '../../model/sql-spelling.js';
import type { Change, Drift } from '../compare/types.js';
import { ServicePlan, type Plan, type PlanInput } from './service-plan.js';

export type { Plan, PlanInput } from './service-plan.js';

/** `from→to` pairs of the column types the plan changes: readFacts learns which PostgreSQL casts directly. */
export function castPairs(drift: readonly Drift[], schema: string): string[] {
  return drift.flatMap(({ change: c }) =>
    c?.kind === 'column' && c.aspect === 'type' ? [`${c.live.type}→${columnTypeSql(c.column, schema)}`] : [],
  );
}

export function planService(input: PlanInput): Plan {
  const plan = new ServicePlan(input);
  // Enums first: the columns an enum's replacement recasts are known before their own changes.
  const changes = everything(input).sort((a, b) => Number(b.kind === 'enum values') - Number(a.kind === 'enum values'));
  plan.groupColumns(changes);
  for (const change of changes) plan.add(change);
  return plan.result();
}

/**
 * The drift's changes; a schema that does not exist yet gets every object of the service created
 * (after the missing extensions, which are the database's), unless a role its grants name is missing.
 */
function everything({ service, drift }: PlanInput): Change[] {
  const changes = drift.flatMap((d) => (d.change && !d.elsewhere ? [d.change] : []));
  if (!changes.some((c) => c.kind === 'create schema')) return changes;
  return [
    ...changes.filter((c) => c.kind === 'create extension' || c.kind === 'missing role'),
    { kind: 'create schema' },
    ...service.enums.map((e): Change => ({ kind: 'create enum', enum: e })),
    ...service.domains.map((domain): Change => ({ kind: 'create domain', domain })),
    ...service.composites.map((composite): Change => ({ kind: 'create composite', composite })),
    ...service.sequences.map((sequence): Change => ({ kind: 'create sequence', sequence })),
    ...service.tables.map((table): Change => ({ kind: 'create table', table })),
    ...service.functions.map((routine): Change => ({ kind: 'create function', routine })),
    ...service.views.map((view): Change => ({ kind: 'create view', view })),
  ];
}
