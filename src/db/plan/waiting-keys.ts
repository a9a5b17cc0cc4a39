import type { ForeignKey, Service } from '../../model/types.js';
import { qualified } from '../../shared/sql-quote.js';
import type { Queryable } from '../connect/queryable.js';
import type { Drift } from '../compare/types.js';

/**
 * The foreign keys of a service that wait for a later round of the push: those into a table another
 * service of the same push creates after this one (services referencing each other in a cycle, where
 * no order creates every referenced table first). Keyed `table.constraint`; app/push.ts pushes the
 * service again once every service of the database has its tables.
 */
export async function waitingForeignKeys(
  tx: Queryable,
  service: Service,
  pushedWith: readonly string[],
): Promise<ReadonlySet<string>> {
  const candidates = service.tables.flatMap((t) =>
    t.foreignKeys
      .filter((fk) => fk.crossService && pushedWith.includes(fk.target.schema))
      .map((fk) => ({ key: waitingKey(t.name, fk), target: qualified(fk.target.schema, fk.target.table) })),
  );
  if (candidates.length === 0) return new Set();
  const targets = [...new Set(candidates.map((c) => c.target))];
  const rows = await tx.query<{ target: string }>(
    'select x as target from json_array_elements_text(($1::text)::json) as x where to_regclass(x) is null',
    [JSON.stringify(targets)],
  );
  const missing = new Set(rows.map((r) => r.target));
  return new Set(candidates.filter((c) => missing.has(c.target)).map((c) => c.key));
}

export const waitingKey = (table: string, fk: ForeignKey) => `${table}.${fk.name}`;

/** Whether a difference is only a foreign key that waits for the push's next round. */
export const waits = (d: Drift, waiting: ReadonlySet<string>) =>
  d.change?.kind === 'add constraint' &&
  d.change.constraint.type === 'f' &&
  waiting.has(waitingKey(d.change.table.name, d.change.constraint.fk));
