import type { Model, Service } from '../../model/types.js';
import { readCatalog } from '../catalog/read.js';
import type { CatalogSchema } from '../catalog/types.js';
import type { Db, Queryable } from '../connect/queryable.js';
import { diffService } from '../compare/drift.js';
import { MIGRATIONS_SCHEMA } from '../../shared/conventions.js';
import { renames, silentSplits, tableMoves } from '../plan/moves.js';
import { isWidening } from '../compare/widening.js';
import { DEPENDENTS_ELSEWHERE, dataLoss, outsideSchema, referencedSchemas, retyped } from '../plan/guard.js';
import type { ColumnType, DataLoss } from '../plan/guard.js';
import { planSteps, readFacts, validationSteps, type Step } from '../plan/online.js';
import { DEFAULT_POLICY, LOCK_TIMEOUT, existingViolations, invalidIndexDrops, type LockPolicy } from './online-run.js';
import type { OnlineFailure } from './online-run.js';
import { retryingLocks, runOnline } from './online-run.js';
import { breaksSoftDelete, fixSoftDeletes } from '../plan/soft-delete.js';
import { plural } from '../../shared/plural.js';
import { errorLine, oneLine } from '../connect/one-line.js';

export type PushStatus = 'created' | 'altered' | 'unchanged' | 'refused' | 'failed';

export interface PushOutcome {
  readonly status: PushStatus;
  readonly statements: readonly string[];
  /** why it was refused or failed, or what it warns about, one line each */
  readonly reasons: readonly string[];
  /** the schema was compared with the manifest after the push and matched */
  readonly inSync?: boolean;
  /** refused only because objects of other schemas depend on a table it drops */
  readonly blockedByOthers?: boolean;
  /** the statements with their locks and hazards, in the order they run */
  readonly steps?: readonly Step[];
  /** the push option that lets a refused push through: fixSoftDelete mends rows breaking a soft-delete check */
  readonly remedy?: 'fixSoftDelete';
}

export interface PushOptions {
  readonly acceptDataLoss: boolean;
  /** create a table even where one of its name holds data in public or an unowned schema */
  readonly allowDuplicate?: boolean;
  /**
   * The caller runs the push in a sandbox (sandbox.ts) that discards it; the push then goes on past
   * what would stop it for real, so the whole plan shows: statements that lose data (the outcome is
   * still `refused`), and statements using an enum value added in the same push.
   */
  readonly dryRun: boolean;
  /** progress messages, e.g. waiting for another push's lock */
  readonly progress: (line: string) => void;
  /** lock and statement timeouts and the retry window; defaults in DEFAULT_POLICY */
  readonly policy?: LockPolicy;
  /** refuse statements that would scan or rewrite a table holding rows while writes wait */
  readonly onlineOnly?: boolean;
  /** make rows consistent with a soft-delete check about to be added, the flag winning (soft-delete.ts) */
  readonly fixSoftDelete?: boolean;
}

/** Ends the transaction without applying anything (refusals, failures found before committing). */
class Rollback extends Error {
  constructor(readonly outcome: PushOutcome) {
    super(outcome.status);
  }
}

/**
 * Brings one service's schema in line with the model: one transaction per service, holding a
 * per-schema advisory lock so two pushes of one service never both apply, retried while table locks
 * time out; then the online steps (concurrent index builds, validations) after it commits.
 */
export async function pushService(db: Db, model: Model, service: Service, options: PushOptions): Promise<PushOutcome> {
  const policy = options.policy ?? DEFAULT_POLICY;
  const waiting = {
    schemas: [service.schema, ...referencedSchemas(service)],
    label: service.name,
    policy,
    progress: options.progress,
    deadline: Date.now() + policy.retryForMs,
  };
  // A concurrent build that failed or was killed left an invalid index: dropped, so the plan builds it again.
  const invalid = db.embedded || options.dryRun ? [] : await invalidIndexDrops(db, service.schema);
  const dropped = invalid.length > 0 ? await runOnline(db, invalid, waiting) : undefined;
  if (dropped) return { status: 'failed', statements: invalid.map((x) => x.sql), reasons: [dropped.reason] };
  const timedOut = (o: PushOutcome) => o.status === 'failed' && o.reasons.some((r) => r.endsWith(`(${LOCK_TIMEOUT})`));
  // Enum values a try commits ahead of its transaction stay committed through the retries.
  const committed: string[] = [];
  const once = () => pushTransactional(db, model, service, options, committed);
  const { result, blocker } = await retryingLocks({ ...waiting, db }, once, timedOut);
  if (blocker) {
    const seconds = policy.retryForMs / 1000;
    const gaveUp = `gave up after ${seconds} s of lock timeouts waiting for ${blocker}; ${leftBehind(committed)}`;
    const statements = [...new Set([...committed, ...result.statements])];
    return { ...result, statements, reasons: [gaveUp, ...result.reasons] };
  }
  const online = result.steps?.filter((x) => x.phase === 'online') ?? [];
  const applied = result.status === 'created' || result.status === 'altered';
  if (options.dryRun || online.length === 0 || !applied) return result;
  // The transaction has committed: a failure from here on says so, and what it committed.
  let failure: OnlineFailure | void;
  let left: string[] = [];
  try {
    failure = await runOnline(db, online, waiting);
    left = (await driftNow(db, service)).map((d) => `push cannot make this match: ${d.where}: ${d.message}`);
  } catch (err) {
    failure = { reason: errorLine(err) };
  }
  const inSync = !failure && left.length === 0;
  const done = result.statements.length - online.length;
  const committedFirst =
    !inSync && done > 0 ? [`committed: ${plural(done, 'statement')} of the transaction; then:`] : [];
  const reasons = [...result.reasons, ...committedFirst, ...(failure ? [failure.reason] : []), ...left];
  return { ...result, status: inSync ? result.status : 'failed', reasons, inSync };
}

/** What a push that stopped before its transaction committed leaves: nothing, or the enum values committed first. */
function leftBehind(committed: readonly string[]): string {
  if (committed.length === 0) return 'nothing was changed';
  const statements = committed.map((s) => oneLine(s).replace(/;$/, ''));
  return `only the enum values added first were committed (${statements.join('; ')})`;
}

/** The transactional part, plus the enum values that must commit before they are used. */
async function pushTransactional(
  db: Db,
  model: Model,
  service: Service,
  options: PushOptions,
  committed: string[],
): Promise<PushOutcome> {
  const enumAdditions: string[] = [];
  const first = await attempt(db, model, service, options, enumAdditions);
  // PostgreSQL refuses a new enum value before the transaction that added it commits (55P04), so a
  // value added and used (as a default, say) in one push needs the additions committed first. They
  // only add values to this service's own types, so committing them alone loses nothing.
  if (first.status !== 'failed' || !first.reasons.some((r) => r.endsWith('(55P04)')) || enumAdditions.length === 0)
    return first;
  const added = enumAdditions.map((s) => s.replace(/\bADD VALUE\s+(?!IF NOT EXISTS)/i, 'ADD VALUE IF NOT EXISTS '));
  try {
    await db.transaction(async (tx) => {
      await lockSchema(tx, service, options.progress);
      await tx.batch(added);
    });
  } catch (err) {
    return { status: 'failed', statements: [], reasons: [errorLine(err)] };
  }
  committed.push(...added);
  const second = await attempt(db, model, service, options, []);
  const note =
    `enum values added and committed first (PostgreSQL cannot use a new value in the ` +
    `transaction that adds it): ${added.length} ` +
    `statement${added.length === 1 ? '' : 's'}`;
  return {
    ...second,
    status: second.status === 'unchanged' ? 'altered' : second.status,
    statements: [...added, ...second.statements],
    reasons: [note, ...second.reasons.map((r) => r.replace(/^nothing was changed/, 'nothing else was changed'))],
  };
}

/** One push in one transaction; the ALTER TYPE … ADD VALUE statements it planned go to `enumAdditions`. */
async function attempt(
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
      let catalog = await readCatalog(tx, service.schema);
      let drift = await ownDrift(tx, service, catalog);
      if (drift.length === 0)
        return { status: 'unchanged', statements: [], reasons: [], inSync: true } satisfies PushOutcome;
      const statements: string[] = [];
      const steps: Step[] = [];
      // Declared moves and renames go first (validated with the manifest, they may name the schema a
      // table comes from), so drizzle-kit plans against existing data under the manifest's names.
      const moves = await tableMoves(tx, service, catalog);
      if (moves.refusals.length > 0)
        throw new Rollback({
          status: 'refused',
          statements: [...moves.statements],
          reasons: [...moves.refusals, 'nothing was changed'],
        });
      for (const step of [() => moves.statements, () => renames(tx, service, catalog)]) {
        const declared = await step();
        if (declared.length === 0) continue;
        await tx.batch(declared);
        statements.push(...declared);
        catalog = await readCatalog(tx, service.schema);
      }
      if (statements.length > 0) drift = await ownDrift(tx, service, catalog);
      const fresh = statements.length === 0 && (!catalog.exists || catalog.tables.length === 0);
      const owned = [...model.services.map((s) => s.schema), MIGRATIONS_SCHEMA];
      const splits = options.allowDuplicate ? [] : await silentSplits(tx, service, catalog, owned);
      if (splits.length > 0)
        throw new Rollback({ status: 'refused', statements, reasons: [...splits, 'nothing was changed'] });
      const fixed = options.fixSoftDelete ? await fixSoftDeletes(tx, service, catalog) : { steps: [], reasons: [] };
      steps.push(...fixed.steps);
      statements.push(...fixed.steps.map((x) => x.sql));
      const losses: DataLoss[] = [];
      const referencable = new Set(referencedSchemas(service));
      const columnType: ColumnType = (schema, table, column) =>
        schema === service.schema
          ? catalog.tables.find((t) => t.name === table)?.columns.find((c) => c.name === column)?.type
          : undefined;
      // A key whose type differs from the manifest's (an adopted bigint id under a uuid base) cannot
      // be cast, and other tables point at it: refused whatever the flags, with the way out.
      const retypedKey = (sql: string) => {
        const change = retyped(sql);
        const live = change && catalog.tables.find((t) => t.name === change.table);
        const isKey = live?.constraints.some((k) => k.type === 'p' && k.columns.includes(change!.column));
        const current = isKey ? columnType(change!.schema, change!.table, change!.column) : undefined;
        if (!change || !current || isWidening(current, change.to)) return undefined;
        return (
          `key column ${change.schema}.${change.table}.${change.column} is ${current}, and ` +
          `the manifest says ${change.to.replace(/;$/, '')}, which its values cannot ` +
          `become: give the table a base that keeps ${current} (under bases:, chosen with ` +
          `base: <name>)`
        );
      };
      const apply = async (planned: readonly string[]) => {
        const refusals = planned.flatMap((s) => {
          const why = outsideSchema(s, service.schema, referencable);
          return why ? [`${why}: ${oneLine(s)}`] : (retypedKey(s) ?? []);
        });
        if (refusals.length > 0)
          throw new Rollback({ status: 'refused', statements: [...statements, ...planned], reasons: refusals });
        for (const s of planned) {
          const loss = dataLoss(s, columnType);
          if (!loss) continue;
          losses.push(await withCount(tx, loss));
          // CASCADE reaching into another schema would change another service: refused even with --accept-data-loss.
          const elsewhere = loss.dropsRelation
            ? await tx.query<{ what: string }>(DEPENDENTS_ELSEWHERE, [loss.dropsRelation, service.schema])
            : [];
          if (elsewhere.length > 0)
            refusals.push(
              `dropping ${loss.what.replace(/^drops |:.*$/g, '')} would also drop ` +
                `${elsewhere.map((d) => d.what).join(', ')} outside schema ${service.schema}; ` +
                `push their service first or drop them by hand: ${oneLine(s)}`,
            );
        }
        if (refusals.length > 0)
          throw new Rollback({
            status: 'refused',
            statements: [...statements, ...planned],
            reasons: refusals,
            blockedByOthers: true,
          });
        if (losses.length > 0 && !options.acceptDataLoss && !options.dryRun)
          throw new Rollback(refusedForLoss([...statements, ...planned]));
        enumAdditions.push(...planned.filter((s) => /^ALTER TYPE .* ADD VALUE /is.test(s.trim())));
        const next = planSteps(
          planned,
          service.schema,
          await readFacts(tx, service.schema),
          columnType,
          !db.embedded,
        ).filter((x) => x.phase === 'transaction' || !steps.some((y) => y.sql === x.sql));
        const hazards = options.onlineOnly ? next.filter((x) => x.hazard) : [];
        if (hazards.length > 0) {
          const refused = hazards.map((x) => `--online-only: ${x.hazard}: ${oneLine(x.sql)}`);
          const reasons = [...refused, 'nothing was changed'];
          const all = [...steps, ...next];
          throw new Rollback({ status: 'refused', statements: all.map((x) => x.sql), reasons, steps: all });
        }
        const broken = await existingViolations(tx, next);
        if (broken.length > 0) {
          // Rows breaking a soft-delete check have a way out: the push is refused, naming the option.
          const remedy = breaksSoftDelete(broken, service) ? ('fixSoftDelete' as const) : undefined;
          const reasons = [...broken.map((v) => v.message), 'nothing was changed'];
          throw new Rollback({ status: remedy ? 'refused' : 'failed', statements: [], reasons, remedy });
        }
        try {
          await tx.batch(next.filter((x) => x.phase === 'transaction').map((x) => x.sql));
        } catch (err) {
          if (!options.dryRun || (err as { code?: string }).code !== '55P04' || enumAdditions.length === 0) throw err;
          // For real, the new enum values commit first and the push runs again (see pushService).
          const note =
            'the new enum values are added and committed first when pushing for real; the ' +
            'statements after them were planned but not tried in this dry run';
          throw new Rollback(finish([...statements, ...next.map((x) => x.sql)], [note], [...steps, ...next]));
        }
        steps.push(...next);
        statements.push(...next.map((x) => x.sql));
      };
      const refusedForLoss = (all: string[]): PushOutcome => ({
        status: 'refused',
        statements: all,
        reasons: [
          ...new Set(losses.map((l) => l.what)),
          'nothing was changed; re-run with --accept-data-loss to apply',
        ],
      });
      const finish = (all: string[], notes: string[] = [], allSteps: Step[] = steps): PushOutcome => {
        if (losses.length > 0 && !options.acceptDataLoss) return { ...refusedForLoss(all), steps: allSteps };
        const status = all.length === 0 ? 'unchanged' : fresh ? 'created' : 'altered';
        // With online steps to come, the catalog is compared after them (pushService).
        const inSync = notes.length === 0 && !allSteps.some((x) => x.phase === 'online') ? true : undefined;
        const reasons = [...new Set(losses.map((l) => l.what)), ...notes];
        return { status, statements: all, reasons, inSync, steps: allSteps };
      };
      // Loaded only when something changed: the no-op path never pays for drizzle-orm and drizzle-kit.
      const { neededStatements, phaseOneModel, planWithDrizzleKit } = await import('../plan/drizzle-plan.js');
      if (drift.some((d) => !d.repair)) {
        const needed = (planned: string[]) => neededStatements(planned, drift, catalog);
        const phaseOne = phaseOneModel(model, service, catalog);
        if (phaseOne) await apply(needed(await planWithDrizzleKit(phaseOne, service, tx)));
        await apply(needed(await planWithDrizzleKit(model, service, tx)));
      }
      // What drizzle-kit does not express (comments, changed checks and indexes) push repairs itself,
      // from the catalog as it is now; whatever still differs then would differ after every push.
      const afterKit = await driftNow(tx, service);
      const repairs = afterKit.flatMap((d) => d.repair ?? []);
      await apply(repairs);
      // A validation a killed push did not finish: drizzle-kit sees the constraint and plans nothing.
      const validations = validationSteps(await readCatalog(tx, service.schema), service.schema).filter(
        (x) => !steps.some((y) => y.sql === x.sql),
      );
      steps.push(...validations);
      statements.push(...validations.map((x) => x.sql));
      // Online steps run after the commit: the catalog is compared after them instead.
      const pending = steps.some((x) => x.phase === 'online');
      const left = pending ? [] : repairs.length > 0 ? await driftNow(tx, service) : afterKit;
      if (left.length > 0) {
        const reasons = [
          ...left.map((d) => `push cannot make this match: ${d.where}: ${d.message}`),
          'nothing was changed',
        ];
        throw new Rollback({ status: 'failed', statements, reasons });
      }
      const outcome = finish(statements);
      if (outcome.status === 'refused') throw new Rollback(outcome);
      return { ...outcome, reasons: [...fixed.reasons, ...outcome.reasons] };
    });
  } catch (err) {
    if (err instanceof Rollback) return err.outcome;
    return { status: 'failed', statements: [], reasons: [errorLine(err)] };
  }
}

/** Differences inside the service's own schema (a copy of a table elsewhere is verify's to report). */
async function ownDrift(tx: Queryable, service: Service, catalog: CatalogSchema) {
  return (await diffService(service, catalog, tx)).filter((d) => !d.elsewhere);
}

const driftNow = async (tx: Queryable, service: Service) =>
  ownDrift(tx, service, await readCatalog(tx, service.schema));

async function lockSchema(tx: Queryable, service: Service, progress: (line: string) => void) {
  const key = `schemagen push ${service.schema}`;
  const [row] = await tx.query<{ ok: boolean }>('select pg_try_advisory_xact_lock(hashtext($1)) as ok', [key]);
  if (row?.ok) return;
  progress(`${service.name}: waiting for another push of schema ${service.schema} to finish (advisory lock)`);
  await tx.query('select pg_advisory_xact_lock(hashtext($1))', [key]);
}

async function withCount(tx: Queryable, loss: DataLoss): Promise<DataLoss> {
  if (!loss.countSql) return loss;
  const [row] = await tx.query<{ n: number | string }>(loss.countSql);
  const n = Number(row?.n ?? 0);
  return { ...loss, what: `${loss.what}: ${plural(n, 'row')} affected` };
}
