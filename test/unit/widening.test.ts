import { describe, expect, test } from 'vitest';
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
