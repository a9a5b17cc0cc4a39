import { UserError } from '../shared/errors.js';
import { errorLine } from '../db/connect/one-line.js';
import { applyRoleStatements, roleName, roleStatements } from '../db/roles/roles.js';
import { selectServices } from '../db/connect/targets.js';
import type { LoadedProject } from './project.js';
import { perDatabase, resolveTargets, scrubber, withConnections, type TargetChoice } from './services.js';

export interface RolesOptions extends TargetChoice {
  /** run the statements on each service's database (default: only return them) */
  readonly apply?: boolean;
  /** the password to set; statements returned show `'***'` in its place */
  readonly password?: string;
}

/** One service's login role: its statements (password masked) and, when applied, the outcome. */
export interface ServiceRole {
  readonly service: string;
  readonly role: string;
  readonly statements: readonly string[];
  /** the database, when applied */
  readonly target?: string;
  readonly applied?: boolean;
  readonly error?: string;
}

export interface RolesReport {
  readonly ok: boolean;
  readonly services: readonly ServiceRole[];
}

/** One least-privilege login role per service: the statements, and with `apply` the result of running them. */
export async function roles(project: LoadedProject, options: RolesOptions = {}): Promise<RolesReport> {
  const { model } = project;
  const { password } = options;
  // Per-tenant services get no role here yet: one role per tenant schema is future work.
  const chosen = selectServices(model, options.services ?? []).filter((s) => !s.tenants);
  for (const service of chosen) {
    if (Buffer.byteLength(roleName(service)) > 63)
      throw new UserError(`role ${roleName(service)} is longer than 63 bytes; shorten service ${service.name}`);
  }
  const scripts = chosen.map((service) => ({
    service: service.name,
    role: roleName(service),
    statements: roleStatements(model, service, { password, mask: true }),
  }));
  if (!options.apply) return { ok: true, services: scripts };
  const targets = resolveTargets(model, project, options);
  const scrub = scrubber(targets);
  const errors = await withConnections(project, (connections) =>
    perDatabase(targets, async ({ service, target }) => {
      try {
        const statements = roleStatements(model, service, { password, mask: false });
        await applyRoleStatements(await connections.get(target), statements);
        return undefined;
      } catch (err) {
        const missing = (err as { code?: string }).code === '3F000' ? `; run schemagen push first` : '';
        // The password may be a statement literal; never let an error echo it.
        return (
          scrub(errorLine(err))
            .split(password || '\0')
            .join('***') + missing
        );
      }
    }),
  );
  const byName = new Map(targets.map((t) => [t.service.name, t]));
  const services = scripts.map((script) => {
    const { service, target } = byName.get(script.service)!;
    const error = errors.get(service);
    return { ...script, target: target.label, applied: error === undefined, ...(error ? { error } : {}) };
  });
  return { ok: services.every((s) => s.applied), services };
}
