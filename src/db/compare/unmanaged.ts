import type { Model, Service } from '../../model/types.js';
import type { CatalogSchema } from '../catalog/types.js';
import { declaredPartitions } from './partitions.js';
import { TOUCH_FUNCTION, isOurs } from './triggers.js';
import { declaredViews } from './views.js';
import { declaredFunctions } from './functions.js';
import { declaredTriggers } from './declared-triggers.js';
import { declaredPolicies } from './policies.js';
import { unmanagedGrants } from './grants.js';
import { declaredSequences } from './sequences.js';

/**
 * What verify lists as unmanaged in a service's schema: the objects the manifest cannot declare
 * (views, functions, partitions, …), which push leaves alone, less this tool's own trigger function
 * and the triggers calling it (the manifest declares those with `enforce: database`), the triggers
 * of `triggers:`, the policies of `policies:` and row level security of `rls: true`, and the
 * partitions, views, domains, composite types and sequences the manifest declares; then the grants
 * on its tables that `grants:` does not declare (grants.ts).
 */
export function unmanagedObjects(model: Model, service: Service, catalog: CatalogSchema): string[] {
  const { schema } = service;
  const partitions = declaredPartitions(service.tables);
  const views = declaredViews(service.views);
  const functions = declaredFunctions(service.functions);
  const triggers = declaredTriggers(service.tables);
  const policies = declaredPolicies(service.tables);
  const sequences = declaredSequences(service.sequences);
  const ours = new Set(
    catalog.tables.flatMap((t) =>
      t.triggers.filter((x) => isOurs(schema, x.definition)).map((x) => `${t.name}.${x.name}`),
    ),
  );
  return (catalog.unmanaged ?? [])
    .filter(
      (u) =>
        !(u.kind === 'trigger' && (ours.has(u.name) || triggers.has(u.name))) &&
        !(u.kind === 'policy' && policies.has(u.name)) &&
        !(u.kind === 'row level security' && service.tables.some((t) => t.rls && t.name === u.name)) &&
        !(u.kind === 'function' && u.name === `${TOUCH_FUNCTION}()`) &&
        !(u.kind === 'partition' && partitions.has(u.name)) &&
        !((u.kind === 'view' || u.kind === 'materialized view') && views.has(u.name)) &&
        !((u.kind === 'function' || u.kind === 'procedure') && functions.has(u.name.slice(0, u.name.indexOf('(')))) &&
        !(u.kind === 'domain' && service.domains.some((d) => d.name === u.name)) &&
        !(u.kind === 'composite type' && service.composites.some((c) => c.name === u.name)) &&
        !(u.kind === 'sequence not owned by a column' && sequences.has(u.name)),
    )
    .map((u) => `${u.kind} ${u.schema}.${u.name}`)
    .concat(
      unmanagedGrants(
        service,
        catalog,
        model.services.map((s) => s.name),
      ),
    );
}
