import type { Routine } from '../../model/types.js';
import { qualified } from '../../shared/sql-quote.js';
import type { CatalogFunction } from '../catalog/types.js';
import type { Change } from '../compare/types.js';
import { inTransaction, type Step } from './steps.js';

/**
 * A declared function or procedure, created or replaced in place (CREATE OR REPLACE keeps its grants
 * and what calls it); the body quoted with a dollar tag it does not contain, so no text of it can end
 * the statement.
 */
export function createFunction(schema: string, r: Routine): Step {
  const what = r.returns === undefined ? 'PROCEDURE' : 'FUNCTION';
  const head = `CREATE OR REPLACE ${what} ${qualified(schema, r.name)}(${r.args})`;
  const returns = r.returns === undefined ? '' : ` RETURNS ${r.returns}`;
  // A procedure has no volatility; a function's default needs no word.
  const volatility = r.returns === undefined || r.volatility === 'volatile' ? '' : ` ${r.volatility.toUpperCase()}`;
  const tag = dollarTag(r.body);
  const sql = `${head}${returns} LANGUAGE ${r.language}${volatility} AS ${tag}${r.body}${tag}`;
  return inTransaction('create function', `${schema}.${r.name}`, sql, 'none', {});
}

/** A declared function's steps: created, replaced in place, or dropped and created again. */
export function functionSteps(
  schema: string,
  change: Extract<Change, { kind: 'create function' | 'replace function' }>,
) {
  if (change.kind === 'create function' || !change.recreate) return [createFunction(schema, change.routine)];
  return [dropFunction(schema, change.live), createFunction(schema, change.routine)];
}

/** Dropped before it is created again: another signature, or a function that should be a procedure. */
export function dropFunction(schema: string, live: CatalogFunction): Step {
  const sql = `DROP ${live.procedure ? 'PROCEDURE' : 'FUNCTION'} ${qualified(schema, live.name)}(${live.identity})`;
  return inTransaction('drop function', `${schema}.${live.name}`, sql, 'none', {});
}

/** `$body$`, or `$body_1$`, … : the first tag the body does not hold. */
function dollarTag(body: string): string {
  for (let i = 0; ; i++) {
    const tag = i === 0 ? '$body$' : `$body_${i}$`;
    if (!body.includes(tag)) return tag;
  }
}
