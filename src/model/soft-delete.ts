import { constraintNames } from '../shared/conventions.js';
import type { YamlPath } from '../manifest/diagnostics.js';
import type { SoftDeleteInput } from '../manifest/schema.js';
import type { Check, Column, SoftDelete } from './types.js';
import { quoteIdent } from '../shared/sql-quote.js';

/**
 * The soft-delete pair: a boolean flag and the time a row was deleted. Declared on a base
 * (`softDelete: { flag, at }`), it is enforced by a CHECK on every table inheriting the base;
 * without a declaration, a base's `is_deleted` (boolean NOT NULL) and `deleted_at` (nullable
 * timestamp) are recognised as the pair, for the generated helpers only.
 */

type PairColumn = Pick<Column, 'name' | 'type' | 'nullable'>;

/** What each service's soft-delete.ts exports (index.ts re-exports them): no table or enum may take these names. */
export const SOFT_DELETE_EXPORTS = ['notDeleted', 'softDelete', 'SoftDeleteTable'] as const;

/** The conventional names, recognised without a declaration (the seed platform's BaseModel has them). */
export const CONVENTIONAL_PAIR = { flag: 'is_deleted', at: 'deleted_at' } as const;

const isFlag = (c: PairColumn) => c.type.kind === 'boolean' && c.type.dims === 0 && !c.nullable;
const isTime = (c: PairColumn) => ['timestamp', 'timestamptz'].includes(c.type.kind) && c.type.dims === 0 && c.nullable;

/** Checks a base's declaration against its own columns: the pair, or a problem with the path it concerns. */
export function declaredPair(
  input: SoftDeleteInput,
  columns: readonly PairColumn[],
  path: YamlPath,
  report: (message: string, at: YamlPath) => void,
): { readonly flag: string; readonly at: string } | undefined {
  let ok = true;
  const expect = (key: 'flag' | 'at', fits: (c: PairColumn) => boolean, wanted: string) => {
    const column = columns.find((c) => c.name === input[key]);
    const at = [...path, key];
    if (!column) {
      const known = columns.map((c) => c.name).join(', ') || '(none)';
      report(`unknown column ${JSON.stringify(input[key])} in this base; expected one of its columns: ${known}`, at);
      ok = false;
    } else if (!fits(column)) {
      const got = `${column.type.sql}${column.nullable ? ', nullable' : ', NOT NULL'}`;
      report(`softDelete ${key} ${column.name} is ${got}; expected ${wanted}`, at);
      ok = false;
    }
  };
  expect('flag', isFlag, 'a boolean NOT NULL column (nullable: false)');
  expect('at', isTime, 'a nullable timestamp or timestamptz column (nullable: true)');
  if (ok && input.flag === input.at) {
    report('softDelete flag and at name the same column; expected two columns', path);
    ok = false;
  }
  return ok ? { flag: input.flag, at: input.at } : undefined;
}

/** A table's pair: the one its base declares (enforced), else the conventional columns when its base has them. */
export function tableSoftDelete(
  declared: { readonly flag: string; readonly at: string } | undefined,
  baseColumns: readonly PairColumn[],
): SoftDelete | undefined {
  if (declared) return { ...declared, enforced: true };
  const flag = baseColumns.find((c) => c.name === CONVENTIONAL_PAIR.flag);
  const at = baseColumns.find((c) => c.name === CONVENTIONAL_PAIR.at);
  return flag && at && isFlag(flag) && isTime(at) ? { ...CONVENTIONAL_PAIR, enforced: false } : undefined;
}

/** The CHECK keeping the pair consistent: the flag is set exactly when the time is. */
export function softDeleteCheck(table: string, pair: SoftDelete): Check {
  const sql = `${quoteIdent(pair.flag)} = (${quoteIdent(pair.at)} IS NOT NULL)`;
  return { name: constraintNames.softDeleteCheck(table), sql };
}
