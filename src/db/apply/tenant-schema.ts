import { qualified, quoteIdent } from '../../shared/sql-quote.js';
import { errorLine } from '../connect/one-line.js';
import type { Db, Queryable } from '../connect/queryable.js';
import type { Service } from '../../model/types.js';
import { plural } from '../../shared/plural.js';
import { lockSchema } from './attempt.js';
import { DEFAULT_POLICY, type LockPolicy } from './online-run.js';
import type { PushOutcome } from './outcome.js';

/**
 * A new tenant of a per-tenant service, from the statements that created another tenant: every
 * fresh tenant gets the same ones in its own schema, so a sign-up costs one transaction and one round
 * trip. Undefined when the schema exists already: the caller pushes it as usual.
 */
export async function createFromScript(
  db: Db,
  service: Service,
  statements: readonly string[],
  policy: LockPolicy = DEFAULT_POLICY,
): Promise<PushOutcome | undefined> {
  try {
    return await db.transaction(async (tx) => {
      await lockSchema(tx, service, () => {});
      if (await schemaExists(tx, service.schema)) return undefined;
      await tx.batch([`SET LOCAL lock_timeout = ${policy.lockTimeoutMs}`, ...statements]);
      return { status: 'created', statements, reasons: [], inSync: true };
    });
  } catch (err) {
    return { status: 'failed', statements: [], reasons: [errorLine(err)] };
  }
}

/**
 * Drops a tenant's schema with everything in it, under push's rules: refused while objects of other
 * schemas depend on it (they would be dropped too), and while its tables hold rows unless
 * `acceptDataLoss`.
 */
export async function dropTenantSchema(
  db: Db,
  service: Service,
  acceptDataLoss: boolean,
  policy: LockPolicy = DEFAULT_POLICY,
): Promise<PushOutcome> {
  const drop = `DROP SCHEMA ${quoteIdent(service.schema)} CASCADE`;
  try {
    return await db.transaction(async (tx) => {
      await lockSchema(tx, service, () => {});
      if (!(await schemaExists(tx, service.schema))) return { status: 'unchanged', statements: [], reasons: [] };
      await tx.batch([`SET LOCAL lock_timeout = ${policy.lockTimeoutMs}`]);
      const outside = await dependentsOutside(tx, service.schema);
      if (outside.length > 0)
        return refused(drop, [
          `dropping schema ${service.schema} would also drop ${outside.join(', ')}, outside it; nothing was changed`,
        ]);
      const full = await tablesWithRows(tx, service.schema);
      if (full.length > 0 && !acceptDataLoss)
        return refused(drop, [
          `DATA LOSS: dropping schema ${service.schema} deletes the rows of ${plural(full.length, 'table')} ` +
            `(${full.join(', ')}); nothing was changed; re-run with --accept-data-loss to apply`,
        ]);
      await tx.batch([drop]);
      return { status: 'altered', statements: [drop], reasons: [] };
    });
  } catch (err) {
    return { status: 'failed', statements: [], reasons: [errorLine(err)] };
  }
}

const refused = (sql: string, reasons: string[]): PushOutcome => ({ status: 'refused', statements: [sql], reasons });

async function schemaExists(tx: Queryable, schema: string) {
  const rows = await tx.query<{ ok: boolean }>('select exists (select from pg_namespace where nspname = $1) as ok', [
    schema,
  ]);
  return rows[0]!.ok;
}

/** Foreign keys and views of other schemas on the schema's tables: CASCADE would drop them. */
async function dependentsOutside(tx: Queryable, schema: string): Promise<string[]> {
  const rows = await tx.query<{ what: string }>(
    `select format('foreign key %s on %s', k.conname, k.conrelid::regclass) as what from pg_constraint k
      join pg_class t on t.oid = k.confrelid join pg_namespace n on n.oid = t.relnamespace
      where k.contype = 'f' and n.nspname = $1 and k.connamespace <> n.oid
     union
     select format('view %s', v.oid::regclass) from pg_rewrite r join pg_depend d on d.objid = r.oid
       join pg_class v on v.oid = r.ev_class join pg_class t on t.oid = d.refobjid
       join pg_namespace n on n.oid = t.relnamespace
      where n.nspname = $1 and v.relnamespace <> n.oid
     order by 1`,
    [schema],
  );
  return rows.map((r) => r.what);
}

async function tablesWithRows(tx: Queryable, schema: string): Promise<string[]> {
  const tables = await tx.query<{ name: string }>(
    `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = $1 and c.relkind = 'r' order by 1`,
    [schema],
  );
  const full: string[] = [];
  for (const { name } of tables) {
    const [row] = await tx.query<{ ok: boolean }>(`select exists (select from ${qualified(schema, name)}) as ok`);
    if (row!.ok) full.push(`${schema}.${name}`);
  }
  return full;
}
