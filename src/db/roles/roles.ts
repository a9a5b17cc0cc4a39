import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import type { Model, Service } from '../../model/types.js';
import { roleName as roleNameOf } from '../../shared/conventions.js';
import type { Db } from '../connect/queryable.js';
import { qualified, quoteIdent, sqlQuote } from '../../shared/sql-quote.js';

/**
 * Least privilege per service: one login role that owns nothing, may read and write the rows of its
 * own schema's tables (never create, alter, truncate or drop), may read (and reference) exactly the
 * other services' tables its foreign keys point to, and nobody may create objects in `public`.
 * Every statement can run again: re-applying after a manifest change also takes back read access to
 * tables no longer referenced.
 */
export const roleName = (service: Service) => roleNameOf(service.name);

export interface RoleOptions {
  /**
   * The password: `undefined` sets none (the role can log in only where pg_hba trusts it). With
   * `mask`, statements show `'***'` instead (for printing). Otherwise a printable-ASCII password is
   * sent as a SCRAM-SHA-256 verifier, so the cleartext never reaches the server's logs.
   */
  readonly password?: string;
  readonly mask: boolean;
}

/** The other services' tables `service` references by foreign keys, by schema. */
function referencedElsewhere(service: Service): Map<string, Set<string>> {
  const reads = new Map<string, Set<string>>();
  for (const fk of service.tables.flatMap((t) => t.foreignKeys).filter((f) => f.crossService)) {
    reads.set(fk.target.schema, (reads.get(fk.target.schema) ?? new Set()).add(fk.target.table));
  }
  return reads;
}

/** Runs `body` only when `schema` exists (another service may live on another database). */
const ifSchema = (schema: string, body: string) =>
  `DO $do$ BEGIN IF EXISTS (SELECT FROM pg_namespace WHERE nspname = ` +
  `${sqlQuote(schema)}) THEN ${body}; END IF; END $do$`;

export function roleStatements(model: Model, service: Service, options: RoleOptions): string[] {
  const role = quoteIdent(roleName(service));
  const schema = quoteIdent(service.schema);
  const out = [
    // Two concurrent applies may both find the role missing; the loser's CREATE is a no-op.
    `DO $do$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${sqlQuote(roleName(service))}) THEN ` +
      (`BEGIN CREATE ROLE ${role} LOGIN; EXCEPTION WHEN duplicate_object OR ` +
        `unique_violation THEN NULL; END; END IF; END $do$`),
  ];
  if (options.password !== undefined)
    out.push(`ALTER ROLE ${role} PASSWORD ${options.mask ? `'***'` : sqlQuote(passwordSecret(options.password))}`);
  // Data only: no CREATE on the schema, no TRUNCATE, REFERENCES or TRIGGER on its tables; schema
  // changes stay with the owner that runs push. REVOKE first takes back what earlier applies granted.
  const dml = 'SELECT, INSERT, UPDATE, DELETE';
  out.push(
    ifSchema('public', 'REVOKE CREATE ON SCHEMA public FROM PUBLIC'),
    `REVOKE ALL ON SCHEMA ${schema} FROM ${role}`,
    `GRANT USAGE ON SCHEMA ${schema} TO ${role}`,
    `REVOKE ALL ON ALL TABLES IN SCHEMA ${schema} FROM ${role}`,
    `GRANT ${dml} ON ALL TABLES IN SCHEMA ${schema} TO ${role}`,
    `REVOKE ALL ON ALL SEQUENCES IN SCHEMA ${schema} FROM ${role}`,
    `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${schema} TO ${role}`,
    `ALTER DEFAULT PRIVILEGES IN SCHEMA ${schema} REVOKE ALL ON TABLES FROM ${role}`,
    `ALTER DEFAULT PRIVILEGES IN SCHEMA ${schema} GRANT ${dml} ON TABLES TO ${role}`,
    `ALTER DEFAULT PRIVILEGES IN SCHEMA ${schema} REVOKE ALL ON SEQUENCES FROM ${role}`,
    `ALTER DEFAULT PRIVILEGES IN SCHEMA ${schema} GRANT USAGE, SELECT ON SEQUENCES TO ${role}`,
  );
  // Exactly the referenced tables: whatever an earlier apply granted in other services' schemas goes first.
  for (const other of model.services
    .filter((s) => s.schema !== service.schema)
    .map((s) => s.schema)
    .sort()) {
    out.push(
      ifSchema(
        other,
        `REVOKE ALL ON ALL TABLES IN SCHEMA ${quoteIdent(other)} FROM ${role}; REVOKE ` +
          `ALL ON ALL SEQUENCES IN SCHEMA ${quoteIdent(other)} FROM ${role}; REVOKE ALL ON ` +
          `SCHEMA ${quoteIdent(other)} FROM ${role}`,
      ),
    );
  }
  for (const [targetSchema, tables] of [...referencedElsewhere(service)].sort(([a], [b]) => a.localeCompare(b))) {
    out.push(`GRANT USAGE ON SCHEMA ${quoteIdent(targetSchema)} TO ${role}`);
    // A foreign key needs REFERENCES on its target; SELECT lets the service read what it points to.
    for (const table of [...tables].sort())
      out.push(`GRANT SELECT, REFERENCES ON ${qualified(targetSchema, table)} TO ${role}`);
  }
  return out;
}

/** Runs a service's role statements in one transaction; applies of different services queue. */
export async function applyRoleStatements(db: Db, statements: readonly string[]): Promise<void> {
  await db.transaction(async (tx) => {
    // Concurrent GRANTs on one object fail with "tuple concurrently updated": one apply at a time.
    await tx.query(`select pg_advisory_xact_lock(hashtext('schemagen roles'))`);
    for (const s of statements) await tx.query(s);
  });
}

/**
 * What `ALTER ROLE … PASSWORD` should carry: a SCRAM-SHA-256 verifier (as psql's \password sends),
 * so statement logs and pg_stat_statements never hold the cleartext. Outside printable ASCII the
 * server's SASLprep normalization could differ from ours, so the password goes as it is.
 */
export function passwordSecret(password: string): string {
  if (!/^[\x20-\x7e]+$/.test(password)) return password;
  const salt = randomBytes(16);
  const iterations = 4096;
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const hmac = (key: Buffer, text: string) => createHmac('sha256', key).update(text).digest();
  const storedKey = createHash('sha256').update(hmac(salted, 'Client Key')).digest();
  const serverKey = hmac(salted, 'Server Key');
  const keys = `${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${keys}`;
}
