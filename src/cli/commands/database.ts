import type { ArgsDef } from 'citty';
import { CatalogPerDatabase } from '../../db/catalog-per-database.js';
import { scrubSecrets, type Db } from '../../db/connection.js';
import { sandbox, type Sandbox } from '../../db/sandbox.js';
import type { Drift } from '../../db/drift.js';
import { appliedDeclarations } from '../../db/moves.js';
import { errorLine, pushService, type PushOutcome } from '../../db/push.js';
import { Connections, selectServices, targetFor, type Target } from '../../db/targets.js';
import type { Model, Service } from '../../model/types.js';
import { compareTree } from '../../write/output-tree.js';
import { defineCli, manifestArgs, outArgs } from '../command.js';
import { UserError } from '../../errors.js';
import type { CliIo } from '../io.js';
import { describeStep, onlineArgs, policyFrom, stepJson } from '../push-flags.js';
import type { LockPolicy } from '../../db/online-run.js';
import { loadProjectModel, outputKnownInSync, project, renderProject, type Project } from '../project.js';

export const targetArgs = {
  embedded: { type: 'boolean', description: 'use the embedded PGlite database for every service' },
  'require-url': {
    type: 'boolean',
    description: 'refuse the embedded fallback when a service has no URL (implied by CI=true)',
  },
} as const satisfies ArgsDef;

export const pushFlagArgs = {
  'accept-data-loss': { type: 'boolean', description: 'apply statements that drop or cast data' },
  'dry-run': {
    type: 'boolean',
    description: 'print the SQL per service with the lock each statement takes, and change nothing',
  },
  'allow-duplicate': {
    type: 'boolean',
    description: 'create a table even where one of its name holds data in public or an unowned schema',
  },
} as const satisfies ArgsDef;

const servicesArg = {
  services: { type: 'positional', required: false, description: 'services (default: all)' },
} as const satisfies ArgsDef;

interface Planned {
  readonly service: Service;
  readonly target: Target;
}

/** Resolves targets for the chosen services; URLs never reach the output unmasked. */
export function plan(
  model: Model,
  p: Project,
  args: { _: string[]; embedded?: boolean; 'require-url'?: boolean },
  io: CliIo,
): Planned[] {
  const options = {
    env: io.env,
    embedded: args.embedded ?? false,
    requireUrl: args['require-url'] ?? false,
    root: p.root,
    cwd: io.cwd,
  };
  return selectServices(model, args._).map((service) => ({ service, target: targetFor(service, options) }));
}

const keyed = (planned: readonly Planned[]) => planned.map((p) => ({ key: p.target.key, service: p.service }));

const secretsOf = (planned: readonly Planned[]) => planned.flatMap((x) => (x.target.url ? [x.target.url] : []));

/** Runs `work` per service: databases in parallel, services sharing a database in dependency order. */
export async function perDatabase<T>(
  planned: readonly Planned[],
  work: (p: Planned) => Promise<T>,
): Promise<Map<Service, T>> {
  const groups = new Map<string, Planned[]>();
  for (const p of planned) groups.set(p.target.key, [...(groups.get(p.target.key) ?? []), p]);
  const results = new Map<Service, T>();
  await Promise.all(
    [...groups.values()].map(async (group) => {
      for (const p of group) results.set(p.service, await work(p));
    }),
  );
  return results;
}

export async function requireInSync(p: Project, model: Model) {
  if (await outputKnownInSync(p, model)) return;
  const drift = compareTree(p.outDir, await renderProject(p, model));
  if (drift.length > 0)
    throw new UserError(
      `${drift.length} generated file(s) out of date (${drift[0]!.path}…); run: npx schemagen generate`,
    );
}

export interface PushFlags {
  readonly 'accept-data-loss'?: boolean;
  readonly 'dry-run'?: boolean;
  readonly 'online-only'?: boolean;
  readonly json?: boolean;
  readonly policy?: LockPolicy;
  readonly 'allow-duplicate'?: boolean;
}

/** Pushes every planned service and prints one result line each; true when all succeeded. */
export async function pushAll(
  model: Model,
  planned: readonly Planned[],
  flags: PushFlags,
  connections: Connections,
  io: CliIo,
): Promise<boolean> {
  const scrub = (t: string) => scrubSecrets(t, secretsOf(planned));
  const sandboxes = new Map<string, Promise<Sandbox>>();
  const dbFor = async (target: Target): Promise<Db> => {
    if (!flags['dry-run']) return connections.get(target);
    if (!sandboxes.has(target.key)) sandboxes.set(target.key, connections.get(target).then(sandbox));
    return (await sandboxes.get(target.key)!).db;
  };
  const catalogs = new CatalogPerDatabase(model, keyed(planned));
  const pushOne = async ({ service, target }: Planned): Promise<PushOutcome> => {
    const elsewhere = service.dependsOn.find((dep) =>
      planned.some((x) => x.service.name === dep && x.target.key !== target.key),
    );
    if (elsewhere)
      return {
        status: 'failed',
        statements: [],
        reasons: [
          `references service ${elsewhere}, which is on another database; cross-service foreign keys need one database`,
        ],
      };
    if (connections.knownInSync(target, service))
      return { status: 'unchanged', statements: [], reasons: [], inSync: true };
    // With --json, stdout holds the one document; progress goes to stderr.
    const progress = flags.json ? io.stderr : io.stdout;
    progress(`${service.name}: pushing to ${target.label}`);
    try {
      // One catalog read for every service on this database; a service that matches needs no transaction.
      const settled = await catalogs.state(target.key, await connections.get(target), service);
      if (settled?.drift.every((d) => d.elsewhere)) {
        if (!flags['dry-run']) connections.markInSync(target, service);
        return { status: 'unchanged', statements: [], reasons: [], inSync: true };
      }
      catalogs.markChanged(target.key);
      const db = await dbFor(target);
      const outcome = await pushService(db, model, service, {
        acceptDataLoss: flags['accept-data-loss'] ?? false,
        dryRun: flags['dry-run'] ?? false,
        allowDuplicate: flags['allow-duplicate'] ?? false,
        progress,
        onlineOnly: flags['online-only'] ?? false,
        policy: flags.policy,
      });
      if (outcome.inSync && !flags['dry-run']) connections.markInSync(target, service);
      return outcome;
    } catch (err) {
      return { status: 'failed', statements: [], reasons: [errorLine(err)] };
    }
  };
  const outcomes = await perDatabase(planned, pushOne);
  await Promise.all([...sandboxes.values()].map(async (s) => (await s).discard()));
  // A table dropped together with the other services' references to it: those services' pushes
  // have removed the references by now, so the refused push gets one more try.
  for (const x of flags['dry-run'] ? [] : planned.filter((entry) => outcomes.get(entry.service)!.blockedByOthers)) {
    const changedNeighbour = planned.some(
      (y) => y !== x && y.target.key === x.target.key && outcomes.get(y.service)!.status === 'altered',
    );
    if (changedNeighbour) outcomes.set(x.service, await pushOne(x));
  }
  const failed = (o: PushOutcome) => o.status === 'refused' || o.status === 'failed';
  const ok = planned.every((x) => !failed(outcomes.get(x.service)!));
  // Statements with their locks and hazards when the push classified them (not for a refusal by the guard).
  const stepsOf = (o: PushOutcome) => (o.steps?.length === o.statements.length ? o.steps : undefined);
  if (flags.json) {
    const services = planned.map(({ service, target }) => {
      const o = outcomes.get(service)!;
      const statements = stepsOf(o)?.map(stepJson) ?? o.statements.map((sql) => ({ sql }));
      return {
        service: service.name,
        schema: service.schema,
        target: target.label,
        status: o.status,
        statements,
        reasons: o.reasons,
      };
    });
    io.stdout(scrub(JSON.stringify({ ok, dryRun: flags['dry-run'] ?? false, services })));
    return ok;
  }
  for (const { service, target } of planned) {
    const o = outcomes.get(service)!;
    const out = failed(o) ? io.stderr : io.stdout;
    const count =
      o.statements.length > 0 ? `, ${o.statements.length} statement${o.statements.length === 1 ? '' : 's'}` : '';
    out(
      scrub(
        `${service.name} → ${target.label}: ${flags['dry-run'] && !failed(o) ? `would be ${o.status}` : o.status}${count}`,
      ),
    );
    if (flags['dry-run'] || o.status === 'refused') {
      const steps = stepsOf(o);
      o.statements.forEach((s, i) => {
        out(scrub(`  ${s.trim().replace(/;$/, '')};`));
        for (const line of steps ? describeStep(steps[i]!) : []) out(scrub(line));
      });
    }
    for (const r of o.reasons) out(scrub(`  ${r}`));
  }
  return ok;
}

/** What verify found for one service: the differences, and declarations that have done their work. */
export interface Verified {
  readonly drift: readonly Drift[];
  readonly notes: readonly string[];
}

/** Drift per service, or the one-line reason the database could not be read. */
export async function verifyAll(
  model: Model,
  planned: readonly Planned[],
  connections: Connections,
): Promise<Map<Service, Verified | string>> {
  const catalogs = new CatalogPerDatabase(model, keyed(planned));
  return perDatabase(planned, async ({ service, target }) => {
    if (connections.knownInSync(target, service)) return { drift: [], notes: [] };
    try {
      const db = await connections.get(target);
      // Verify changes nothing, so the one read per database always holds.
      const { catalog, drift } = (await catalogs.state(target.key, db, service))!;
      if (drift.length === 0) connections.markInSync(target, service);
      return { drift, notes: await appliedDeclarations(db, service, catalog) };
    } catch (err) {
      return scrubSecrets(errorLine(err), secretsOf(planned));
    }
  });
}

export async function withConnections<T>(root: string, fn: (c: Connections) => Promise<T>): Promise<T> {
  const connections = new Connections(root);
  try {
    return await fn(connections);
  } finally {
    await connections.close();
  }
}

export const pushCommand = defineCli({
  name: 'push',
  description:
    'Bring each service schema in line with the manifest, in one transaction per service, refusing data loss and foreign schemas',
  args: {
    ...servicesArg,
    ...manifestArgs,
    ...outArgs,
    ...targetArgs,
    ...pushFlagArgs,
    ...onlineArgs,
  },
  handler: async (args, io) => {
    const policy = policyFrom(args);
    if (typeof policy === 'string') {
      io.stderr(`${policy}\n(see schemagen push --help)`);
      return 2;
    }
    const p = project(args, io);
    const model = await loadProjectModel(p);
    await requireInSync(p, model);
    const planned = plan(model, p, args, io);
    return (await withConnections(p.root, (c) => pushAll(model, planned, { ...args, policy }, c, io))) ? 0 : 1;
  },
});

export function printDrift(
  results: Map<Service, Verified | string>,
  planned: readonly Planned[],
  json: boolean,
  io: CliIo,
): boolean {
  const services = planned.map(({ service, target }) => {
    const r = results.get(service)!;
    const found = typeof r === 'string' ? { drift: [], notes: [] } : r;
    return {
      service: service.name,
      schema: service.schema,
      target: target.label,
      error: typeof r === 'string' ? r : undefined,
      drift: found.drift.map(({ where, message }) => ({ where, message })),
      notes: found.notes,
    };
  });
  const ok = services.every((s) => !s.error && s.drift.length === 0);
  if (json) io.stdout(JSON.stringify({ ok, services }));
  else {
    for (const s of services) {
      if (s.error) io.stderr(`${s.service} → ${s.target}: cannot verify: ${s.error}`);
      else if (s.drift.length === 0) io.stdout(`${s.service} → ${s.target}: matches the manifest`);
      else {
        io.stderr(`${s.service} → ${s.target}: ${s.drift.length} difference${s.drift.length === 1 ? '' : 's'}`);
        for (const d of s.drift) io.stderr(`  ${d.where}: ${d.message}`);
      }
      for (const n of s.notes) io.stdout(`  note: ${n}`);
    }
  }
  return ok;
}

export const verifyCommand = defineCli({
  name: 'verify',
  description: 'Compare the live database with the manifest; exit 1 listing every difference',
  args: {
    ...servicesArg,
    ...manifestArgs,
    ...targetArgs,
    json: { type: 'boolean', description: 'print one JSON document' },
  },
  handler: async (args, io) => {
    const p = project(args, io);
    const model = await loadProjectModel(p);
    const planned = plan(model, p, args, io);
    const results = await withConnections(p.root, (c) => verifyAll(model, planned, c));
    return printDrift(results, planned, args.json ?? false, io) ? 0 : 1;
  },
});
