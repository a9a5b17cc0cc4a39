import type { Service } from '../../model/types.js';
import { qualified, quoteIdent } from '../../shared/sql-quote.js';
import type { CatalogSchema } from '../catalog/types.js';
import type { Queryable } from '../connect/queryable.js';
import { createFunction } from './functions.js';
import { inTransaction, type Step } from './steps.js';

/**
 * The declared functions the service's schema lacks, found under their name (one of it) in a schema
 * its tables are declared `from:`: moved with them (SET SCHEMA keeps the function's grants and the
 * triggers calling it, which a new function would leave on the old one), then given the manifest's
 * body where it differs (import writes the moved tables' new names into it). Both are steps of the
 * move: `moves` run before the tables move, while the signature's types (`o orders`, printed by the
 * search path) still name them where they are; `bodies` after, when a SQL body naming them where
 * they go can be checked. A function found in no source, or under several signatures, is created.
 */
export async function functionMoves(
  tx: Queryable,
  service: Service,
  catalog: CatalogSchema,
  sources: readonly string[],
): Promise<{ readonly moves: Step[]; readonly bodies: Step[] }> {
  const wanted = service.functions.filter((r) => !catalog.functions.some((f) => f.name === r.name));
  if (wanted.length === 0 || sources.length === 0) return { moves: [], bodies: [] };
  const found = await tx.query<{ schema: string; name: string; identity: string; body: string }>(
    `select n.nspname as "schema", p.proname as "name", pg_get_function_identity_arguments(p.oid) as "identity",
            p.prosrc as "body"
       from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where p.prokind in ('f', 'p') and n.nspname in (select json_array_elements_text(($1::text)::json))
        and p.proname in (select json_array_elements_text(($2::text)::json))`,
    [JSON.stringify(sources), JSON.stringify(wanted.map((r) => r.name))],
  );
  const moves: Step[] = [];
  const bodies: Step[] = [];
  for (const routine of wanted) {
    const named = found.filter((f) => f.name === routine.name);
    if (named.length !== 1) continue;
    const live = named[0]!;
    const object = `${service.schema}.${routine.name}`;
    const signature = `${qualified(live.schema, live.name)}(${live.identity})`;
    const sql = `ALTER ROUTINE ${signature} SET SCHEMA ${quoteIdent(service.schema)}`;
    moves.push(inTransaction('move function', object, sql, 'none', {}, { declared: true }));
    if (live.body !== routine.body) bodies.push({ ...createFunction(service.schema, routine), kind: 'move function' });
  }
  return { moves, bodies };
}
