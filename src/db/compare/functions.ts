import type { Routine } from '../../model/types.js';
import type { CatalogFunction } from '../catalog/types.js';
import type { Equivalence } from './equivalence.js';
import { normalizeSql } from './normalize.js';
import type { Noted } from './types.js';

/**
 * The declared functions and procedures against the live ones of the same name: the signature (the
 * arguments and result as the server prints them, the manifest's spelled by the server on a
 * temporary function where the text differs, deparse.ts), the language, the volatility and the body
 * as stored (prosrc, which the server keeps as written). Functions the manifest does not declare are
 * left alone (verify lists them as unmanaged).
 */
export function diffFunctions(
  routines: readonly Routine[],
  live: readonly CatalogFunction[],
  at: Noted,
  equivalence: Equivalence,
): void {
  for (const routine of routines) {
    const named = live.filter((f) => f.name === routine.name);
    const found = named.find((f) => sameSignature(routine, f, equivalence)) ?? named[0];
    const where = `${routine.name}(${routine.args})`;
    if (!found) {
      at(where, `${kindOf(routine)} is missing`, { kind: 'create function', routine });
      continue;
    }
    const replace = (message: string, recreate: boolean) =>
      at(where, message, { kind: 'replace function', routine, live: found, recreate });
    if (found.procedure !== (routine.returns === undefined))
      replace(`is a ${found.procedure ? 'procedure' : 'function'}; expected a ${kindOf(routine)}`, true);
    else if (!sameSignature(routine, found, equivalence))
      replace(`signature is ${signature(found.args, found.result)}; expected ${declared(routine)}`, true);
    else if (found.language !== routine.language)
      replace(`language is ${found.language}; expected ${routine.language}`, false);
    else if (found.volatility !== routine.volatility)
      replace(`is ${found.volatility}; expected ${routine.volatility}`, false);
    else if (found.body !== routine.body) replace('body differs from the manifest', false);
  }
}

/** The names of the functions a service declares, which verify does not list as unmanaged. */
export const declaredFunctions = (routines: readonly Routine[]): Set<string> => new Set(routines.map((r) => r.name));

function sameSignature(routine: Routine, live: CatalogFunction, equivalence: Equivalence): boolean {
  const text = signature(live.args, live.result);
  if (normalizeSql(text) === normalizeSql(declared(routine))) return true;
  return equivalence.same({ kind: 'signature', sql: routine.args, type: routine.returns, columns: [] }, text);
}

/** `(o shop.orders) → numeric`, as deparse.ts reads a temporary function back. */
export const signature = (args: string, result: string | null): string => `(${args}) → ${result ?? ''}`;
const declared = (r: Routine) => signature(r.args, r.returns ?? null);
const kindOf = (r: Routine) => (r.returns === undefined ? 'procedure' : 'function');
