import { generate, type GenerateResult } from './codegen.js';
import type { LoadedProject } from './project.js';
import { pushServices, type PushOptions, type PushReport } from './push.js';
import { resolveTargets, withConnections } from './services.js';
import { verifyServices, type VerifyReport } from './verify.js';

export interface UpReport {
  readonly ok: boolean;
  /** absent on a dry run, which writes nothing */
  readonly generated?: GenerateResult;
  readonly push: PushReport;
  /** absent on a dry run */
  readonly verify?: VerifyReport;
  /** the databases, passwords masked */
  readonly targets: readonly string[];
  /** tables across every service */
  readonly tables: number;
}

/** The whole day in one call: generate, push every service, verify on the same connections. */
export interface UpOptions extends Omit<PushOptions, 'services'> {
  /** called once the generated files are written, before pushing starts */
  readonly onGenerated?: (result: GenerateResult) => void;
}

export async function up(project: LoadedProject, options: UpOptions = {}): Promise<UpReport> {
  // A dry run writes nothing, generated files included: push plans from the model either way.
  const generated = options.dryRun ? undefined : await generate(project);
  if (generated) options.onGenerated?.(generated);
  // Per-tenant services are pushed by push and verify, tenant by tenant; up works on the shared ones.
  const targets = resolveTargets(project.model, project, options).filter((x) => !x.service.tenants);
  const labels = [...new Set(targets.map((x) => x.target.label))];
  const tables = project.model.services.reduce((n, s) => n + s.tables.length, 0);
  return withConnections(project, async (connections) => {
    const push = await pushServices(project.model, targets, options, connections);
    if (options.dryRun) return { ok: push.ok, push, targets: labels, tables };
    const verify = await verifyServices(project.model, targets, connections);
    return { ok: push.ok && verify.ok, generated, push, verify, targets: labels, tables };
  });
}
