/**
 * drizzle-schemagen as a library: the same calls the CLI makes, returning typed results. Nothing
 * here prints or exits; user mistakes throw the typed errors below (a ManifestError lists every
 * problem of the manifest with file:line:col), everything else is in the results.
 */
export { loadProject, openProject } from './app/project.js';
export type { LoadOptions, LoadedProject, Project, ProjectOptions } from './app/project.js';
export type { TargetChoice } from './app/services.js';
export { check, generate } from './app/codegen.js';
export type { CheckResult, GenerateResult } from './app/codegen.js';
export type { DrizzleTarget } from './model/drizzle-target.js';
export { push } from './app/push.js';
export type { PushOptions, PushReport, ServicePush } from './app/push.js';
export type { FleetPush, TenantPush } from './app/fleet.js';
export type { FleetProgressLine } from './app/fleet-progress.js';
export { verify } from './app/verify.js';
export type { Difference, ServiceVerify, VerifyOptions, VerifyReport } from './app/verify.js';
export type { FleetVerify, TenantVerify } from './app/fleet-verify.js';
export { createTenant, dropTenant, openTenants } from './app/tenant-lifecycle.js';
export type { TenantAdmin, TenantChange, TenantOptions } from './app/tenant-lifecycle.js';
export { up } from './app/up.js';
export type { UpOptions, UpReport } from './app/up.js';
export { generateMigrations, migrate } from './app/migrations.js';
export type { MigrateReport, ServiceMigrate, ServiceMigrationFiles } from './app/migrations.js';
export { roles } from './app/roles.js';
export type { RolesOptions, RolesReport, ServiceRole } from './app/roles.js';
export { importManifest } from './app/import.js';
export type { ImportManifestOptions, ImportReport } from './app/import.js';
export type { PushStatus } from './db/apply/outcome.js';
export type { Step } from './db/plan/steps.js';
export type { LockPolicy } from './db/apply/online-run.js';
export type { FileState } from './write/output-tree.js';
export type { DrizzleMajor, Model, Service, Table, Column } from './model/types.js';
export { ManifestError } from './manifest/manifest-error.js';
export { UnownedFilesError, UsageError, UserError } from './shared/errors.js';
export type { LocatedDiagnostic } from './manifest/diagnostics.js';
