import type { Identity } from '../../model/types.js';
import { statedOptions } from '../../model/sequence-options.js';
import { qualified, quoteIdent as q } from '../../shared/sql-quote.js';
import type { CatalogColumn } from '../catalog/types.js';
import { placeOf, type On } from './online.js';
import { inTransaction, type Step } from './steps.js';

const GENERATED = { always: 'ALWAYS', 'by default': 'BY DEFAULT' } as const;

/**
 * `GENERATED ALWAYS AS IDENTITY (START WITH 1000 INCREMENT BY 10)`: the options CREATE SEQUENCE would
 * not take by itself, so a short-form identity is spelled as it always was.
 */
export function identityClause(identity: Identity): string {
  const stated = statedOptions(identity);
  const words = [
    stated.increment !== undefined && `INCREMENT BY ${stated.increment}`,
    stated.minValue !== undefined && `MINVALUE ${stated.minValue}`,
    stated.maxValue !== undefined && `MAXVALUE ${stated.maxValue}`,
    stated.start !== undefined && `START WITH ${stated.start}`,
    stated.cache !== undefined && `CACHE ${stated.cache}`,
    stated.cycle !== undefined && (stated.cycle ? 'CYCLE' : 'NO CYCLE'),
  ].filter((w) => w !== false);
  const options = words.length > 0 ? ` (${words.join(' ')})` : '';
  return `GENERATED ${GENERATED[identity.mode]} AS IDENTITY${options}`;
}

export const setGenerated = (identity: Identity) => `SET GENERATED ${GENERATED[identity.mode]}`;

/**
 * An identity's sequence given the declared options in place, every option stated. Without RESTART
 * the sequence keeps where it stands (START WITH only says where a later restart goes), so numbering
 * never goes back to values handed out; one never drawn from starts where the manifest says (PostgreSQL
 * holds its unused first value against the new bounds). Rows beyond the new bounds in the direction
 * it counts are counted first and refuse the push (existingViolations).
 */
export function alterIdentity(on: On, identity: Identity, live: CatalogColumn, column: string): Step {
  const t = qualified(on.schema, on.table);
  const sql =
    `ALTER TABLE ${t} ALTER COLUMN ${q(column)} SET INCREMENT BY ${identity.increment} ` +
    `SET MINVALUE ${identity.minValue} SET MAXVALUE ${identity.maxValue} SET START WITH ${identity.start} ` +
    `SET CACHE ${identity.cache} SET ${identity.cycle ? 'CYCLE' : 'NO CYCLE'}` +
    (live.identitySequence?.lastValue === null ? ' RESTART' : '');
  const object = `${on.schema}.${on.table}.${column}`;
  return inTransaction('alter identity', object, sql, 'ACCESS EXCLUSIVE', placeOf(on), {
    violations: outsideBounds(on, identity, column),
  });
}

/** The rows an identity's bounds would leave behind it: above its maximum, or below its minimum counting down. */
export function outsideBounds(on: On, identity: Identity, column: string): Step['violations'] {
  const up = identity.increment > 0n;
  const bounds = `minValue ${identity.minValue} to maxValue ${identity.maxValue}`;
  return {
    constraint: column,
    what: `the identity of ${on.schema}.${on.table}.${column} from ${bounds}`,
    verb: up ? 'is exceeded by' : 'is undercut by',
    advice: 'expected bounds that hold the values already used',
    countSql:
      `select count(*) as n from ${qualified(on.schema, on.table)} a where a.${q(column)} ` +
      (up ? `> ${identity.maxValue}` : `< ${identity.minValue}`),
  };
}

/**
 * Why the identity's sequence cannot take the declared bounds: the last value it handed out lies
 * outside them (PostgreSQL would fail the statement), said before anything runs.
 */
export function identityRefusal(object: string, identity: Identity, live: CatalogColumn): string | undefined {
  const last = live.identitySequence?.lastValue;
  if (last === null || last === undefined) return undefined;
  const value = BigInt(last);
  if (value >= identity.minValue && value <= identity.maxValue) return undefined;
  return (
    `identity of ${object} has handed out ${value}, outside minValue ${identity.minValue} to maxValue ` +
    `${identity.maxValue}; expected bounds that hold the values already used`
  );
}
