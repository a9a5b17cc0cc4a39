import { describe, expect, test } from 'vitest';
import { dataLoss } from '../../src/db/plan/guard.js';
import { isWidening } from '../../src/db/compare/widening.js';

describe('isWidening', () => {
  test.each([
    ['smallint', 'integer'],
    ['integer', 'bigint'],
    ['smallint', 'bigint'],
    ['integer', 'numeric'],
    ['real', 'double precision'],
    ['character varying(40)', 'varchar(80)'],
    ['character varying(40)', 'varchar(40)'],
    ['character varying(40)', 'text'],
    ['character varying(40)', 'varchar'],
    ['text', 'varchar'],
    ['numeric(6,2)', 'numeric(10, 3)'],
    ['numeric(6,2)', 'numeric'],
    ['numeric(6,2)', 'NUMERIC(8,4)'],
    ['integer', 'numeric(10,0)'],
    ['integer', 'numeric(12, 2)'],
    ['smallint', 'numeric(5,0)'],
    ['bigint', 'numeric(19,0)'],
  ])('%s → %s keeps every value', (from, to) => expect(isWidening(from, to)).toBe(true));

  test.each([
    ['bigint', 'integer'],
    ['integer', 'smallint'],
    ['double precision', 'real'],
    ['integer', 'real'],
    ['bigint', 'double precision'],
    ['integer', 'numeric(9,0)'],
    ['integer', 'numeric(11,2)'],
    ['smallint', 'numeric(4,0)'],
    ['bigint', 'numeric(18,0)'],
    ['text', 'varchar(80)'],
    ['character varying(80)', 'varchar(40)'],
    ['numeric(6,2)', 'numeric(6,3)'],
    ['numeric(6,2)', 'numeric(10,1)'],
    ['numeric', 'numeric(30,10)'],
    ['timestamp without time zone', 'timestamp with time zone'],
    ['text', 'uuid'],
    ['integer[]', 'bigint[]'],
  ])('%s → %s may lose or change values', (from, to) => expect(isWidening(from, to)).toBe(false));
});

describe('dataLoss with the current column type', () => {
  const types: Record<string, string> = { n: 'integer', s: 'character varying(40)', e: 'text' };
  const current = (schema: string, table: string, column: string) =>
    schema === 'auth' && table === 'accounts' ? types[column] : undefined;
  const alter = (column: string, type: string) =>
    `ALTER TABLE "auth"."accounts" ALTER COLUMN "${column}" SET DATA TYPE ${type};`;

  test('a widening is no loss', () => {
    expect(dataLoss(alter('n', 'bigint'), current)).toBeUndefined();
    expect(dataLoss(alter('s', 'varchar(80)'), current)).toBeUndefined();
  });

  test('a narrowing, an unknown column, a USING clause or no catalog are losses', () => {
    // The loss names the column and counts the rows where it is set.
    const cast = (column: string, statement: string) => ({
      statement,
      what: `changes the type of auth.accounts.${column} (values are cast)`,
      countSql: `select count(*) as n from "auth"."accounts" where "${column}" is not null`,
    });
    expect(dataLoss(alter('n', 'smallint'), current)).toEqual(cast('n', alter('n', 'smallint')));
    expect(dataLoss(alter('x', 'bigint'), current)).toEqual(cast('x', alter('x', 'bigint')));
    expect(dataLoss(alter('e', 'varchar USING "e"::varchar'), current)).toEqual(
      cast('e', alter('e', 'varchar USING "e"::varchar')),
    );
    expect(dataLoss(alter('n', 'bigint'))).toEqual(cast('n', alter('n', 'bigint')));
  });
});
