import type { Service } from '../../model/types.js';
import type { CatalogSchema } from '../catalog/types.js';
import { declaredPartitions } from './partitions.js';
import { TOUCH_FUNCTION, isOurs } from './triggers.js';
import { declaredViews } from './views.js';
import { declaredFunctions } from './functions.js';
import { declaredTriggers } from './declared-triggers.js';

/**
 * What verify lists as unmanaged in a service's schema: the objects the manifest cannot declare
 * (views, functions, partitions, …), which push leaves alone, less this tool's own trigger function
 * and the triggers calling it (the manifest declares those with `enforce: database`), the triggers
 * of `triggers:`, and the
 * partitions, views, domains and composite types the manifest declares.
 */
export function unmanagedObjects(service: Service, catalog: CatalogSchema): string[] {
  const { schema } = service;
  const partitions = declaredPartitions(service.tables);
  const views = declaredViews(service.views);
  const functions = declaredFunctions(service.functions);
  const triggers = declaredTriggers(service.tables);
  const ours = new Set(
    catalog.tables.flatMap((t) =>
      t.triggers.filter((x) => isOurs(schema, x.definition)).map((x) => `${t.name}.${x.name}`),
    ),
  );
  return (catalog.unmanaged ?? [])
    .filter(
      (u) =>
        !(u.kind === 'trigger' && (ours.has(u.name) || triggers.has(u.name))) &&
        !(u.kind === 'function' && u.name === `${TOUCH_FUNCTION}()`) &&
        !(u.kind === 'partition' && partitions.has(u.name)) &&
        !((u.kind === 'view' || u.kind === 'materialized view') && views.has(u.name)) &&
        !((u.kind === 'function' || u.kind === 'procedure') && functions.has(u.name.slice(0, u.name.indexOf('(')))) &&
        !(u.kind === 'domain' && service.domains.some((d) => d.name === u.name)) &&
        !(u.kind === 'composite type' && service.composites.some((c) => c.name === u.name)),
    )
    .map((u) => `${u.kind} ${u.schema}.${u.name}`);
}
