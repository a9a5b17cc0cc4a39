import { tenantStates, type StateCache, type TenantState } from '../db/compare/tenant-states.js';
import { connectUrl } from '../db/connect/connection.js';
import { errorLine } from '../db/connect/one-line.js';
import type { Db } from '../db/connect/queryable.js';
import type { Target } from '../db/connect/targets.js';
import type { Service } from '../model/types.js';
import { serverOf } from './tenant-databases.js';

/** A tenant whose name is valid: its schema, and with a database per tenant, its database. */
export type Bound = { readonly tenant: string; readonly schema: string; readonly database?: Target };

/**
 * The databases a fleet's tenants live in. With a schema per tenant every tenant is in the control
 * database (on `pool`); with a database per tenant each has its own, opened when first needed and
 * closed when its work is done (a hundred tenant databases never hold a hundred clients for long).
 * In a dry run a tenant database is a sandbox, rolled back when released; `pool` is then the control
 * database's sandbox.
 */
export class FleetDatabases {
  private readonly own = new Map<string, Promise<{ readonly db: Db; readonly close: () => Promise<void> }>>();

  constructor(
    private readonly pool: Db,
    private readonly dryRun: boolean,
  ) {}

  async db(t: Bound): Promise<Db> {
    if (!t.database) return this.pool;
    let opened = this.own.get(t.database.key);
    if (!opened) {
      const url = t.database.url!;
      opened = (async () => {
        const db = connectUrl(url, 4, true);
        if (!this.dryRun) return { db, close: () => db.close() };
        const { sandbox } = await import('../db/connect/sandbox.js');
        const box = sandbox(db);
        return { db: box.db, close: () => box.discard().finally(() => db.close()) };
      })();
      this.own.set(t.database.key, opened);
    }
    return (await opened).db;
  }

  /** Done with a tenant: its own database is closed (a sandbox rolled back first). */
  async release(t: Bound): Promise<void> {
    const opened = t.database && this.own.get(t.database.key);
    if (!opened) return;
    this.own.delete(t.database!.key);
    await (await opened).close().catch(() => undefined);
  }

  async close(tenants: readonly Bound[]): Promise<void> {
    await Promise.all(tenants.map((t) => this.release(t)));
  }
}

/**
 * Runs `work` for every tenant, at most `concurrency` at a time on each database server (the control
 * database's tenants share one), the servers side by side.
 */
export async function perServer<T extends Bound>(
  tenants: readonly T[],
  concurrency: number,
  work: (t: T) => Promise<void>,
): Promise<void> {
  const servers = new Map<string, T[]>();
  for (const t of tenants) {
    const server = serverOf(t.database);
    servers.set(server, [...(servers.get(server) ?? []), t]);
  }
  await Promise.all(
    [...servers.values()].map(async (batch) => {
      let next = 0;
      const worker = async () => {
        while (next < batch.length) await work(batch[next++]!);
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, batch.length) }, worker));
    }),
  );
}

/**
 * Every tenant's state by tenant name, or why its database could not be read: the tenants of the
 * control database in one read, each tenant database in a read of its own, one comparison per
 * distinct state across them all (`cache`).
 */
export async function readStates(
  service: Service,
  tenants: readonly Bound[],
  dbs: FleetDatabases,
  concurrency: number,
  /** `keep`: a tenant database stays open after its read, for its push on the same connection */
  { keep = false, ...options }: { readonly unmanaged?: boolean; readonly keep?: boolean } = {},
  cache: StateCache = new Map(),
): Promise<Map<string, TenantState | { readonly error: string }>> {
  const states = new Map<string, TenantState | { readonly error: string }>();
  const shared = tenants.filter((t) => !t.database);
  const groups: Bound[][] = [
    ...(shared.length > 0 ? [shared] : []),
    ...tenants.filter((t) => t.database).map((t) => [t]),
  ];
  const read = async (group: readonly Bound[]) => {
    try {
      const found = await tenantStates(
        await dbs.db(group[0]!),
        service,
        group.map((t) => t.schema),
        options,
        cache,
      );
      for (const t of group) states.set(t.tenant, found.get(t.schema)!);
      // Closed once read: a hundred differing tenant databases never wait for their push on open clients.
      if (!keep) await dbs.release(group[0]!);
    } catch (err) {
      // The control database's failure is the service's (the caller's); a tenant database's is the tenant's.
      if (!group[0]!.database) throw err;
      states.set(group[0]!.tenant, {
        error: `its database ${group[0]!.database.label} cannot be read: ${errorLine(err)}`,
      });
      await dbs.release(group[0]!);
    }
  };
  await perServer(
    groups.map((g) => ({ ...g[0]!, group: g })),
    concurrency,
    (g) => read(g.group),
  );
  return states;
}
