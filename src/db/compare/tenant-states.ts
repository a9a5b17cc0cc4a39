import { bindTenant, renameSchema } from '../../model/tenants.js';
import type { Service } from '../../model/types.js';
import { readCatalogs } from '../catalog/read.js';
import type { CatalogSchema } from '../catalog/types.js';
import type { Db } from '../connect/queryable.js';
import { diffService } from './drift.js';
import type { Drift } from './types.js';

/** One tenant's schema as read, and how it differs from the service bound to it. */
export interface TenantState {
  readonly schema: string;
  readonly catalog: CatalogSchema;
  readonly drift: readonly Drift[];
  /** the schemas in the same state share one comparison (and one plan): the state's number in its StateCache */
  readonly state: number;
}

/**
 * The distinct states compared so far, each with the schema it was compared for: one cache serves the
 * reads of many databases (a database per tenant), so tenants in the same state share a comparison
 * wherever they live.
 */
export type StateCache = Map<
  string,
  { readonly state: number; readonly schema: string; readonly drift: readonly Drift[] }
>;

/**
 * Reads every tenant schema of a per-tenant service in one snapshot and compares each distinct state
 * once: a thousand tenants in the same state cost one comparison. Two schemas are in the same state
 * when their catalogs are equal once each one's own schema name is replaced by a placeholder.
 */
export async function tenantStates(
  db: Db,
  service: Service,
  schemas: readonly string[],
  options: { readonly unmanaged?: boolean } = {},
  cache: StateCache = new Map(),
): Promise<Map<string, TenantState>> {
  const read = await db.readOnly((q) =>
    readCatalogs(
      q,
      schemas.map((schema) => ({ schema })),
      options,
    ),
  );
  const states = new Map<string, TenantState>();
  for (const schema of schemas) {
    const catalog = read.schemas.get(schema)!;
    const key = stateKey(catalog, schema);
    let shared = cache.get(key);
    if (!shared) {
      const drift = (await diffService(bindTenant(service, schema), catalog, db)).filter((d) => !d.elsewhere);
      cache.set(key, (shared = { state: cache.size, schema, drift }));
    }
    const drift = shared.schema === schema ? shared.drift : shared.drift.map((d) => renamed(d, shared.schema, schema));
    states.set(schema, { schema, catalog, drift, state: shared.state });
  }
  return states;
}

function stateKey(catalog: CatalogSchema, schema: string): string {
  return renameSchema(
    JSON.stringify(catalog, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v)),
    schema,
    '\u0000',
  );
}

/** A difference found in one tenant's schema, as said of another tenant's in the same state. */
function renamed(d: Drift, from: string, to: string): Drift {
  const swap = (text: string) => renameSchema(text, from, to);
  return { ...d, where: swap(d.where), message: swap(d.message) };
}
