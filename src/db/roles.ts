import type { Service } from '../model/types.js';

/**
 * Least privilege per service: one login role that owns nothing, may use and change only its own
 * schema, may read (and reference) exactly the other services' tables its foreign keys point to,
 * and nobody may create objects in `public`.
 */
export const roleName = (service: Service) => `${service.name}_svc`;

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

export interface RoleOptions {
  /** the password to set; printed as *** and passed only when applying */
  readonly password?: string;
  readonly mask: boolean;
}

export function roleStatements(service: Service, options: RoleOptions): string[] {
  const role = q(roleName(service));
  const schema = q(service.schema);
  const out = [
    `DO $do$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${literal(roleName(service))}) THEN CREATE ROLE ${role} LOGIN; END IF; END $do$`,
    `REVOKE CREATE ON SCHEMA public FROM PUBLIC`,
    `GRANT USAGE ON SCHEMA ${schema} TO ${role}`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO ${role}`,
    `GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA ${schema} TO ${role}`,
    `ALTER DEFAULT PRIVILEGES IN SCHEMA ${schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${role}`,
    `ALTER DEFAULT PRIVILEGES IN SCHEMA ${schema} GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO ${role}`,
  ];
  if (options.password !== undefined) out.splice(1, 0, `ALTER ROLE ${role} PASSWORD ${options.mask ? `'***'` : literal(options.password)}`);
  const reads = new Map<string, Set<string>>();
  for (const fk of service.tables.flatMap((t) => t.foreignKeys).filter((f) => f.crossService)) {
    reads.set(fk.target.schema, (reads.get(fk.target.schema) ?? new Set()).add(fk.target.table));
  }
  for (const [targetSchema, tables] of [...reads].sort(([a], [b]) => a.localeCompare(b))) {
    out.push(`GRANT USAGE ON SCHEMA ${q(targetSchema)} TO ${role}`);
    for (const table of [...tables].sort()) out.push(`GRANT SELECT, REFERENCES ON ${q(targetSchema)}.${q(table)} TO ${role}`);
  }
  return out;
}
