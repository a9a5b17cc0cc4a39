import { expect, test } from 'vitest';
import { actualDefault, expectedDefault, foreignCast, normalizeSql } from '../../src/db/compare/normalize.js';
import { pgArray } from '../../src/model/drizzle-calls.js';
import type { Column, ColumnType } from '../../src/model/types.js';

const column = (type: Partial<ColumnType> & Pick<ColumnType, 'kind' | 'sql'>, d?: Column['default']): Column => ({
  name: 'c',
  tsKey: 'c',
  type: { dims: 0, ...type },
  nullable: false,
  default: d,
  primaryKey: false,
  onUpdateNow: false,
  origin: 'table',
});

test('catalog spellings normalize to the manifest spelling', () => {
  expect(normalizeSql('(deleted_at IS NULL)')).toBe(normalizeSql('deleted_at is null'));
  expect(normalizeSql('((balance >= (0)::numeric))')).toBe(normalizeSql('balance >= 0'));
  expect(normalizeSql("'Mixed Case'::text")).toBe("'Mixed Case'");
  expect(normalizeSql("status = 'A'")).not.toBe(normalizeSql("status = 'a'"));
});

test('a negative number, stored quoted and cast, reads as the number; a quoted text stays text', () => {
  expect(normalizeSql("(total > '-1000'::integer)")).toBe(normalizeSql('total > -1000'));
  expect(normalizeSql("(price > '-1.5'::numeric(10,2))")).toBe(normalizeSql('price > -1.5'));
  expect(normalizeSql("(x > '-1'::double precision)")).toBe(normalizeSql('x > -1'));
  expect(normalizeSql("'-5'::text")).toBe("'-5'");
  expect(normalizeSql("(total > '-1000'::integer)")).not.toBe(normalizeSql('total > 1000'));
});

test.each([
  [column({ kind: 'integer', sql: 'integer' }, { kind: 'literal', value: -5 }), "'-5'::integer"],
  [column({ kind: 'numeric', sql: 'numeric(10,2)' }, { kind: 'literal', value: '12.50' }), '12.50'],
  [column({ kind: 'boolean', sql: 'boolean' }, { kind: 'literal', value: false }), 'false'],
  [column({ kind: 'text', sql: 'text' }, { kind: 'literal', value: "it's" }), "'it''s'::text"],
  [
    column({ kind: 'enum', sql: 'role', enumName: 'role' }, { kind: 'literal', value: 'member' }),
    `'member'::"user".role`,
  ],
  [
    column({ kind: 'jsonb', sql: 'jsonb' }, { kind: 'literal', value: { b: 1, a: [true] } }),
    `'{"a": [true], "b": 1}'::jsonb`,
  ],
  [
    column({ kind: 'enum', sql: 'role[]', enumName: 'role', dims: 1 }, { kind: 'literal', value: ['member', 'admin'] }),
    `'{member,admin}'::"user".role[]`,
  ],
  [column({ kind: 'timestamptz', sql: 'timestamp with time zone' }, { kind: 'sql', sql: 'now()' }), 'now()'],
])('a default reads back equal: %#', (col, catalogText) => {
  expect(actualDefault(catalogText, col)).toBe(expectedDefault(col));
});

test('array defaults other than text and enums read as different text ({t,f}): the server compares them', () => {
  const col = column({ kind: 'boolean', sql: 'boolean[]', dims: 1 }, { kind: 'literal', value: [true, false] });
  expect(expectedDefault(col)).toBe("'{true,false}'");
  expect(actualDefault("'{t,f}'::boolean[]", col)).not.toBe(expectedDefault(col));
});

test.each([
  [column({ kind: 'varchar', sql: 'character varying(20)' }), "'x'::character varying"],
  [column({ kind: 'char', sql: 'character(3)' }), "'x'::bpchar"],
  [column({ kind: 'char', sql: 'character(3)[]', dims: 1 }), "'{}'::bpchar[]"],
  [column({ kind: 'numeric', sql: 'numeric(12,2)' }), "'1.5'::numeric"],
  [column({ kind: 'enum', sql: 'role[]', enumName: 'role', dims: 1 }), `'{a}'::"user".role[]`],
  [
    column({ kind: 'timestamptz', sql: 'timestamp with time zone' }),
    "'2024-01-01 00:00:00+00'::timestamp with time zone",
  ],
])("a literal default cast to the column's own type has no foreign cast: %#", (col, text) => {
  expect(foreignCast(text, col)).toBeUndefined();
});

test("a literal default cast to another type than the column's reads as different text", () => {
  const col = column({ kind: 'text', sql: 'text' }, { kind: 'literal', value: 'x' });
  expect(foreignCast("'x'::character varying", col)).toBe('character varying');
  expect(actualDefault("'x'::character varying", col)).not.toBe(expectedDefault(col));
  expect(actualDefault("'x'::text", col)).toBe(expectedDefault(col));
  const role = column({ kind: 'enum', sql: 'role', enumName: 'role' });
  expect(foreignCast("'a'::shop.old_role", role)).toBe('shop.old_role');
});

test('LIKE, ILIKE and != read as the operators Postgres stores', () => {
  expect(normalizeSql("((body <> ''::text) AND (body !~~ '%x%'::text))")).toBe(
    normalizeSql("body != '' AND body NOT LIKE '%x%'"),
  );
  expect(normalizeSql("(name ~~* 'a%'::text)")).toBe(normalizeSql("name ILIKE 'a%'"));
  expect(normalizeSql("(name ~~ 'a%'::text)")).not.toBe(normalizeSql("name NOT LIKE 'a%'"));
});

test('a changed default does not read back equal', () => {
  const col = column({ kind: 'integer', sql: 'integer' }, { kind: 'literal', value: 1 });
  expect(actualDefault('2', col)).not.toBe(expectedDefault(col));
  expect(actualDefault(null, col)).not.toBe(expectedDefault(col));
});

test('array literals quote what Postgres quotes', () => {
  expect(pgArray(['a', '', 'NULL', 'x,y', 'q"'])).toBe('{a,"","NULL","x,y","q\\""}');
});
