import { join } from 'node:path';

/**
 * The names the tool gives to things outside the manifest, in one place: folders and files in the
 * project, the migration history's schema and tables, and the service roles.
 */

/** The tool's local state (embedded database, caches); git-ignored, never committed. */
export const STATE_DIR = '.schemagen';
/** The embedded PGlite database's folder, relative to the project root. */
export const EMBEDDED_DIR = join(STATE_DIR, 'pglite');
/** Which services the embedded database was last seen matching (see db/embedded-state.ts). */
export const EMBEDDED_STATE_FILE = join(STATE_DIR, 'pglite-verified.json');
/** The validated model of a manifest, and the hashes of the output folders rendered from it. */
export const MODEL_CACHE_FILE = join(STATE_DIR, 'cache', 'model.bin');
export const OUTPUTS_CACHE_FILE = join(STATE_DIR, 'cache', 'outputs.json');

/** The schema holding every service's migration history; reserved, so no service may use it. */
export const MIGRATIONS_SCHEMA = 'drizzle';
/** A service's SQL migrations, relative to the project root. */
export const migrationsFolder = (service: string) => join('migrations', service);
/** A service's migration history table in MIGRATIONS_SCHEMA (drizzle-kit's name plus the service). */
export const migrationsTable = (service: string) => `__drizzle_migrations_${service}`;

/** A service's login role (`schemagen roles`). */
export const roleName = (service: string) => `${service}_svc`;

/**
 * Names of constraints, indexes and triggers, spelled as PostgreSQL would pick them (and given
 * explicitly, so it never truncates them itself): the model declares them, push and verify look for them.
 */
export const constraintNames = {
  primaryKey: (table: string) => `${table}_pkey`,
  unique: (table: string, columns: readonly string[]) => `${table}_${columns.join('_')}_key`,
  /** an index's columns, each expression among them standing as `expr` as PostgreSQL writes it */
  index: (table: string, keys: readonly ({ column: string } | { sql: string })[]) =>
    `${table}_${keys.map((k) => ('column' in k ? k.column : 'expr')).join('_')}_idx`,
  foreignKey: (table: string, columns: readonly string[]) => `${table}_${columns.join('_')}_fkey`,
  check: (table: string, key: string) => `${table}_${key}_check`,
  onUpdateTrigger: (table: string, column: string) => `${table}_${column}_on_update`,
  /** the same name a table check keyed `soft_delete` would get: the two are told apart by resolve-table */
  softDeleteCheck: (table: string) => `${table}_soft_delete_check`,
};
