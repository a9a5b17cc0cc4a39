import type { CheckResult, GenerateResult } from '../app/codegen.js';
import type { ImportReport } from '../app/import.js';
import type { MigrateReport, ServiceMigrationFiles } from '../app/migrations.js';
import type { PushReport, ServicePush } from '../app/push.js';
import type { RolesReport } from '../app/roles.js';
import type { UpReport } from '../app/up.js';
import type { VerifyReport } from '../app/verify.js';
import type { Step } from '../db/plan/steps.js';
import { targetName } from '../model/drizzle-target.js';
import { FILE_CHANGE_TEXT } from '../write/output-tree.js';
import { printFleetPush, printFleetVerify } from './fleet-report.js';
import type { CliIo } from './io.js';
import { plural } from '../shared/plural.js';

/**
 * The one place results become text: each command calls the library, then one printer here. Lines
 * about failures go to stderr; with --json, stdout carries exactly one document.
 */

export function printGenerate(r: GenerateResult, io: CliIo): void {
  const target = `for ${targetName(r.drizzle.major)} (${r.drizzle.reason})`;
  const files = plural(r.files, r.unchanged ? 'file' : 'generated file');
  if (r.unchanged) io.stdout(`${r.out}: up to date (${files}) ${target}`);
  else io.stdout(`${r.out}: wrote ${plural(r.written, 'file')}, removed ${r.removed} (${files}) ${target}`);
}

export function printCheck(r: CheckResult, manifest: string, json: boolean, io: CliIo): void {
  if (json) return io.stdout(JSON.stringify(r));
  const changed = r.files.filter((f) => f.state !== 'ok');
  if (changed.length === 0) return io.stdout(`${r.out}: in sync with ${manifest} (${plural(r.files.length, 'file')})`);
  for (const f of changed)
    io.stderr(`${r.out}/${f.path}: ${FILE_CHANGE_TEXT[f.state as keyof typeof FILE_CHANGE_TEXT]}`);
  // generate refuses to overwrite a file it did not write: those need the user first.
  const unowned = changed.filter((f) => f.state === 'unowned').length;
  const fix =
    unowned > 0
      ? `move away or delete the ${plural(unowned, 'file')} without the generated header, then run: ` +
        'npx schemagen generate'
      : 'run: npx schemagen generate';
  io.stderr(`${plural(changed.length, 'file')} out of sync; ${fix}`);
}

/** The line under a statement in a dry run: where it runs, the lock it takes, what it reads or rewrites. */
function describeStep(step: Step): string[] {
  const where = step.phase === 'online' ? 'online, after the commit' : 'in the transaction';
  const lock =
    step.lock === 'none'
      ? 'no table lock'
      : `${step.lock} lock on ${step.table}${step.rows === undefined ? '' : ` (about ${plural(step.rows, 'row')})`}`;
  const work = step.rewrites ? 'rewrites the table' : step.scans ? 'scans the table' : 'no scan';
  return [
    `    -- ${where}; ${lock}; ${work}`,
    ...(step.hazard ? [`    -- HAZARD: ${step.hazard}`] : []),
    ...(step.loss ? [`    -- DATA LOSS: ${step.loss.what}`] : []),
    ...(step.removesRule ? [`    -- REMOVES A RULE: ${step.removesRule}`] : []),
  ];
}

/** A step as `push --json` prints it. */
const stepJson = (s: Step) => ({
  sql: s.sql,
  kind: s.kind,
  object: s.object,
  phase: s.phase,
  lock: s.lock,
  table: s.table ?? null,
  rows: s.rows ?? null,
  rewrites: s.rewrites,
  scans: s.scans,
  hazard: s.hazard ?? null,
  dataLoss: s.loss?.what ?? null,
  removesRule: s.removesRule ?? null,
});

const failed = (s: ServicePush) => s.status === 'refused' || s.status === 'failed' || s.status === 'skipped';

export function printPush(r: PushReport, json: boolean, io: CliIo): void {
  if (json) {
    const services = r.services.map(({ steps, ...s }) => ({
      ...s,
      statements: steps?.map(stepJson) ?? s.statements.map((sql) => ({ sql })),
    }));
    return io.stdout(JSON.stringify({ ok: r.ok, dryRun: r.dryRun, services, ...(r.fleets && { fleets: r.fleets }) }));
  }
  for (const s of r.services) {
    const out = failed(s) ? io.stderr : io.stdout;
    const count = s.statements.length > 0 ? `, ${plural(s.statements.length, 'statement')}` : '';
    out(`${s.service} → ${s.target}: ${r.dryRun && !failed(s) ? `would be ${s.status}` : s.status}${count}`);
    // Every statement a push runs or would run is printed; a dry run says what each does.
    s.statements.forEach((sql, i) => {
      out(`  ${sql.trim().replace(/;$/, '').replace(/\n/g, '\n    ')};`);
      for (const line of r.dryRun && s.steps ? describeStep(s.steps[i]!) : []) out(line);
    });
    for (const reason of s.reasons) out(`  ${reason}`);
    if (s.remedy) out(`  ${REMEDIES[s.remedy]}`);
  }
  for (const f of r.fleets ?? []) printFleetPush(f, r.dryRun, io);
}

const REMEDIES: Record<NonNullable<ServicePush['remedy']>, string> = {
  fixSoftDelete:
    're-run with --fix-soft-delete to make the rows consistent first, the flag winning: ' +
    'a flagged row without a time gets now(), an unflagged row loses its time',
};

export function printVerify(r: VerifyReport, json: boolean, io: CliIo): void {
  if (json) return io.stdout(JSON.stringify(r));
  for (const s of r.services) {
    if (s.error) io.stderr(`${s.service} → ${s.target}: cannot verify: ${s.error}`);
    else if (s.drift.length === 0) io.stdout(`${s.service} → ${s.target}: matches the manifest`);
    else {
      io.stderr(`${s.service} → ${s.target}: ${plural(s.drift.length, 'difference')}`);
      for (const d of s.drift) io.stderr(`  ${d.where}: ${d.message}`);
    }
    for (const n of s.notes) io.stdout(`  note: ${n}`);
    for (const u of s.unmanaged) io.stdout(`  unmanaged: ${u} (not in the manifest; push leaves it alone)`);
  }
  for (const f of r.fleets ?? []) printFleetVerify(f, io);
}

/** What up did after generating (printGenerate reports that as it happens). */
export function printUp(r: UpReport, io: CliIo): void {
  printPush(r.push, false, io);
  const targets = r.targets.join(', ');
  if (!r.verify) return io.stdout(`summary: dry run on ${targets}, nothing was changed`);
  printVerify(r.verify, false, io);
  if (r.ok) {
    const what = `${plural(r.push.services.length, 'service')}, ${plural(r.tables, 'table')}`;
    return io.stdout(`summary: ${what} generated, pushed and verified on ${targets}`);
  }
  const pushed = r.push.ok ? 'push succeeded' : 'push failed';
  const verified = r.verify.ok ? 'verify passed' : 'verify found differences';
  io.stderr(`summary: ${pushed}, ${verified} on ${targets}`);
}

export function printMigrationFiles(written: readonly ServiceMigrationFiles[], io: CliIo): void {
  for (const m of written) {
    const count = plural(m.statements.length, 'statement');
    io.stdout(
      m.files.length > 0 ? `${m.service}: wrote ${m.files.join(' and ')} (${count})` : `${m.service}: no changes`,
    );
  }
}

export function printMigrate(r: MigrateReport, io: CliIo): void {
  for (const s of r.services) {
    if (s.error !== undefined) io.stderr(`${s.service} → ${s.target}: ${s.error}`);
    else
      io.stdout(
        `${s.service} → ${s.target}: ${s.applied ? `applied ${plural(s.applied, 'migration')}` : 'up to date'}`,
      );
  }
}

/** The statements as a script (password masked), then, when applied, one line per service. */
export function printRoles(r: RolesReport, passwordSet: boolean, io: CliIo): void {
  const masked = passwordSet ? ` (password shown as ***; --apply sets the real one)` : '';
  for (const s of r.services) {
    io.stdout(`-- service ${s.service}: role ${s.role}${masked}`);
    for (const statement of s.statements) io.stdout(`${statement};`);
  }
  for (const s of r.services.filter((x) => x.target !== undefined)) {
    if (s.error) io.stderr(`${s.service} → ${s.target}: failed: ${s.error}`);
    else io.stdout(`${s.service} → ${s.target}: role ${s.role} applied`);
  }
}

/** The manifest on stdout (unless written to a file), the report on stderr; or one JSON document. */
export function printImport(r: ImportReport, json: boolean, io: CliIo): void {
  const { ok, out, manifest, report, unsupported, problems } = r;
  if (json)
    return io.stdout(JSON.stringify({ ok, out, manifest: out ? undefined : manifest, report, unsupported, problems }));
  if (!out) io.stdout(manifest);
  for (const line of [...report, ...problems]) io.stderr(line);
}
