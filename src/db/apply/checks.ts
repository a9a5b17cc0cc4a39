import type { Service } from '../../model/types.js';
import { plural } from '../../shared/plural.js';
import type { Queryable } from '../connect/queryable.js';
import { oneLine } from '../connect/one-line.js';
import type { Plan } from '../plan/changes.js';
import { DEPENDENTS_ELSEWHERE, outsideRefusals, referencedSchemas } from '../plan/guard.js';
import { breaksSoftDelete } from '../plan/soft-delete.js';
import type { DataLoss, Step } from '../plan/steps.js';
import { existingViolations } from './online-run.js';
import type { PushOptions, PushOutcome } from './outcome.js';

/** What the checks decided: stop with this outcome, or go on with these lines to report. */
export interface Checked {
  readonly stop?: PushOutcome;
  /** what the push says while it applies: data it loses (accepted), rules it removes */
  readonly reasons: readonly string[];
  /** a dry run goes on past data loss not accepted, to show the whole plan; its outcome is still refused */
  readonly refusedForLoss: boolean;
}

/**
 * Everything that must hold before a plan runs, read-only: each statement stays in the service's
 * schema; a view of another schema, an enum used elsewhere or a table another schema depends on
 * refuses it; data it loses is counted and refused unless accepted; rows breaking a rule it adds,
 * and (with --online-only) statements holding writes while they scan, refuse it. All of them are
 * reported at once, with every statement of the plan.
 */
export async function checkPlan(
  tx: Queryable,
  service: Service,
  plan: Plan,
  steps: readonly Step[],
  options: PushOptions,
): Promise<Checked> {
  const all = { statements: steps.map((x) => x.sql), steps };
  const refusals = [
    ...plan.refusals,
    ...outsideRefusals(plan.steps, service.schema, new Set(referencedSchemas(service))),
  ];
  if (refusals.length > 0)
    return {
      stop: { status: 'refused', ...all, reasons: [...refusals, 'nothing was changed'] },
      reasons: [],
      refusedForLoss: false,
    };

  const losses: string[] = [];
  const blocked: string[] = [];
  for (const step of plan.steps.filter((x) => x.loss)) {
    losses.push(await counted(tx, step.loss!));
    // Another schema's objects on a dropped table: another service's change, refused even with --accept-data-loss.
    const elsewhere = step.loss!.dropsRelation
      ? await tx.query<{ what: string }>(DEPENDENTS_ELSEWHERE, [step.loss!.dropsRelation, service.schema])
      : [];
    if (elsewhere.length > 0)
      blocked.push(
        `dropping ${step.object} would also drop ${elsewhere.map((d) => d.what).join(', ')} outside schema ` +
          `${service.schema}; push their service first or drop them by hand: ${oneLine(step.sql)}`,
      );
  }
  if (blocked.length > 0)
    return {
      stop: { status: 'refused', ...all, reasons: blocked, blockedByOthers: true },
      reasons: [],
      refusedForLoss: false,
    };

  const hazards = options.onlineOnly ? plan.steps.filter((x) => x.hazard) : [];
  const broken = await existingViolations(tx, plan.steps);
  const unaccepted = losses.length > 0 && !options.acceptDataLoss;
  const rules = plan.steps.flatMap((x) => (x.removesRule ? [x.removesRule] : []));
  if (broken.length > 0 || hazards.length > 0 || (unaccepted && !options.dryRun)) {
    // Rows breaking a soft-delete check have a way out: the push is refused, naming the option.
    const remedy = breaksSoftDelete(broken, service) ? ('fixSoftDelete' as const) : undefined;
    const reasons = [
      ...broken.map((v) => v.message),
      ...hazards.map((x) => `--online-only: ${x.hazard}: ${oneLine(x.sql)}`),
      ...new Set(losses),
      unaccepted ? 'nothing was changed; re-run with --accept-data-loss to apply' : 'nothing was changed',
    ];
    const status = broken.length > 0 && !remedy ? 'failed' : 'refused';
    return { stop: { status, ...all, reasons, remedy }, reasons: [], refusedForLoss: false };
  }
  return { reasons: [...new Set(losses), ...rules], refusedForLoss: unaccepted };
}

async function counted(tx: Queryable, loss: DataLoss): Promise<string> {
  if (!loss.countSql) return loss.what;
  const [row] = await tx.query<{ n: number | string }>(loss.countSql);
  return `${loss.what}: ${plural(Number(row?.n ?? 0), 'row')} affected`;
}
