import type { Model, Service } from '../../model/types.js';
import { MIGRATIONS_SCHEMA } from '../../shared/conventions.js';
import { schemaLike, schemaTenancy } from '../../model/tenants.js';
import { readCatalog } from '../catalog/read.js';
import type { CatalogSchema } from '../catalog/types.js';
import { errorLine } from '../connect/one-line.js';
import type { Db, Queryable } from '../connect/queryable.js';
import { diffService } from '../compare/drift.js';
import { castPairs, planService } from '../plan/changes.js';
import { readFacts } from '../plan/facts.js';
import { silentSplits, tableMoves } from '../plan/moves.js';
import { renames } from '../plan/renames.js';
import { fixSoftDeletes } from '../plan/soft-delete.js';
import type { Step } from '../plan/steps.js';
import { waitingForeignKeys, waits } from '../plan/waiting-keys.js';
import { checkPlan } from './checks.js';
import { DEFAULT_POLICY } from './online-run.js';
import type { PushOptions, PushOutcome } from './outcome.js';

/** Ends the transaction without applying anything (refusals, failures found before committing). */
export class Rollback extends Error {
  constructor(readonly outcome: PushOutcome) {
    super(outcome.status);
  }
}

const UNCHANGED: PushOutcome = { status: 'unchanged', statements: [], reasons: [], inSync: true };

/**
 * One push of one service in one transaction, top to bottom: lock, read, run the declared moves and
 * renames, refuse empty twins, fix soft-delete rows when asked, plan, check the plan (schemas, data
 * loss, rows breaking new rules, --online-only), run its transactional steps, and compare again —
 * whatever still differs then is push's own failure and nothing commits. The ALTER TYPE … ADD VALUE
 * statements it ran go to `enumAdditions` (push.ts commits them first when a later statement needs them).
 */
export async function attempt(
  db: Db,
  model: Model,
  service: Service,
  options: PushOptions,
  enumAdditions: string[],
): Promise<PushOutcome> {
  try {
    return await db.transaction(async (tx) => {
      await lockSchema(tx, service, options.progress);
      const policy = options.policy ?? DEFAULT_POLICY;
      await tx.batch([
        `SET LOCAL lock_timeout = ${policy.lockTimeoutMs}`,
        `SET LOCAL statement_timeout = ${policy.statementTimeoutMs}`,
      ]);
      const found = await readCatalog(tx, service.schema);
      if ((await ownDrift(tx, service, found)).length === 0) return UNCHANGED;
      const declared = await runDeclared(tx, model, service, found);
      const catalog = declared.catalog;
      const drift = await ownDrift(tx, service, catalog);
      await refuseEmptyTwins(tx, model, service, catalog, declared.steps, options);
      const fixed = options.fixSoftDelete ? await fixSoftDeletes(tx, service, catalog) : { steps: [], reasons: [] };
      const facts = await readFacts(tx, service.schema, castPairs(drift, service.schema));
      const waiting = await waitingForeignKeys(tx, service, options.pushedWith ?? []);
      const plan = planService({ service, catalog, drift, facts, online: !db.embedded, waiting });
      const steps = [...declared.steps, ...fixed.steps, ...plan.steps];
      const checked = await checkPlan(tx, service, plan, steps, options);
      if (checked.stop) throw new Rollback(checked.stop);
      const fresh = declared.steps.length === 0 && (!found.exists || found.tables.length === 0);
      const done = (reasons: readonly string[], extra: Partial<PushOutcome> = {}): PushOutcome => ({
        status: checked.refusedForLoss ? 'refused' : steps.length === 0 ? 'unchanged' : fresh ? 'created' : 'altered',
        statements: sqlOf(steps),
        steps,
        reasons: checked.refusedForLoss
          ? [...reasons, 'nothing was changed; re-run with --accept-data-loss to apply']
          : [...fixed.reasons, ...reasons],
        ...(waiting.size > 0 && { waiting: [...waiting] }),
        ...extra,
      });
      if (options.planOnly) throw new Rollback(done(checked.reasons, { planned: true }));
      const now = plan.steps.filter((x) => x.phase === 'transaction');
      enumAdditions.push(...now.filter((x) => x.kind === 'add enum value').map((x) => x.sql));
      if (!(await ran(tx, now, options, enumAdditions))) throw new Rollback(done([DRY_RUN_ENUM_NOTE]));
      // Online steps run after the commit: the catalog is compared after them instead (push.ts).
      const pending = steps.some((x) => x.phase === 'online');
      const left = pending ? [] : await driftNow(tx, service, waiting);
      if (left.length > 0) throw new Rollback(done([...leftOver(left), 'nothing was changed'], { status: 'failed' }));
      const outcome = done(checked.reasons, { inSync: pending || waiting.size > 0 ? undefined : true });
      if (outcome.status === 'refused') throw new Rollback(outcome);
      return outcome;
    });
  } catch (err) {
    if (err instanceof Rollback) return err.outcome;
    return { status: 'failed', statements: [], reasons: [errorLine(err)] };
  }
}

const sqlOf = (steps: readonly Step[]) => steps.map((x) => x.sql);

/** Differences inside the service's own schema (a copy of a table elsewhere is verify's to report). */
export async function ownDrift(tx: Queryable, service: Service, catalog: CatalogSchema) {
  return (await diffService(service, catalog, tx)).filter((d) => !d.elsewhere);
}

/** What still differs, but the foreign keys that wait for the push's next round. */
export const driftNow = async (tx: Queryable, service: Service, waiting: ReadonlySet<string> = new Set()) =>
  (await ownDrift(tx, service, await readCatalog(tx, service.schema))).filter((d) => !waits(d, waiting));

/** What push could not make match, one line each: its own failure, never the user's. */
export const leftOver = (left: readonly { where: string; message: string }[]) =>
  left.map((d) => `push cannot make this match: ${d.where}: ${d.message}`);

/**
 * Declared moves and renames go first (validated with the manifest, they may name the schema a table
 * comes from), so the plan works on existing data under the manifest's names.
 */
async function runDeclared(tx: Queryable, model: Model, service: Service, found: CatalogSchema) {
  const moves = await tableMoves(tx, model, service, found);
  if (moves.refusals.length > 0)
    throw new Rollback({
      status: 'refused',
      statements: sqlOf(moves.steps),
      steps: moves.steps,
      reasons: [...moves.refusals, 'nothing was changed'],
    });
  let catalog = found;
  const steps: Step[] = [];
  for (const next of [async () => moves.steps, () => renames(tx, service, catalog)]) {
    const declared = await next();
    if (declared.length === 0) continue;
    await tx.batch(sqlOf(declared));
    steps.push(...declared);
    catalog = await readCatalog(tx, service.schema);
  }
  return { steps, catalog };
}

/** A table push would create while one of its name holds data in public or a schema no service owns. */
async function refuseEmptyTwins(
  tx: Queryable,
  model: Model,
  service: Service,
  catalog: CatalogSchema,
  declared: readonly Step[],
  options: PushOptions,
) {
  if (options.allowDuplicate) return;
  const owned = [...model.services.map((s) => s.schema), MIGRATIONS_SCHEMA];
  const tenantSchemas = model.services.flatMap((s) => {
    const t = schemaTenancy(s);
    return t ? [schemaLike(t)] : [];
  });
  const splits = await silentSplits(tx, service, catalog, owned, tenantSchemas);
  if (splits.length > 0)
    throw new Rollback({
      status: 'refused',
      statements: sqlOf(declared),
      steps: declared,
      reasons: [...splits, 'nothing was changed'],
    });
}

/**
 * Runs the transactional steps; false when a dry run cannot go on. In a dry run, a statement using
 * an enum value added by the same push fails (55P04): for real, the values commit first (push.ts).
 */
async function ran(tx: Queryable, now: readonly Step[], options: PushOptions, enumAdditions: readonly string[]) {
  try {
    await tx.batch(sqlOf(now));
    return true;
  } catch (err) {
    if (!options.dryRun || (err as { code?: string }).code !== '55P04' || enumAdditions.length === 0) throw err;
    return false;
  }
}

const DRY_RUN_ENUM_NOTE =
  'the new enum values are added and committed first when pushing for real; the ' +
  'statements after them were planned but not tried in this dry run';

export async function lockSchema(tx: Queryable, service: Service, progress: (line: string) => void) {
  const key = `schemagen push ${service.schema}`;
  const [row] = await tx.query<{ ok: boolean }>('select pg_try_advisory_xact_lock(hashtext($1)) as ok', [key]);
  if (row?.ok) return;
  progress(`${service.name}: waiting for another push of schema ${service.schema} to finish (advisory lock)`);
  await tx.query('select pg_advisory_xact_lock(hashtext($1))', [key]);
}
