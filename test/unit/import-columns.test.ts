import { describe, expect, test } from 'vitest';
import { importDefault, typeSpelling, withSequenceHome } from '../../src/import/columns.js';
import type { CatalogColumn } from '../../src/db/catalog/types.js';
import { parseColumnType } from '../../src/model/column-types.js';
import type { ColumnType } from '../../src/model/types.js';

const live = (type: string, over: Partial<CatalogColumn> = {}): CatalogColumn => ({
  name: 'c',
  type,
  dims: type.endsWith('[]') ? 1 : 0,
  typeName: type.replace(/\[\]$/, ''),
  typeSchema: 'pg_catalog',
  typeKind: 'b',
  notNull: true,
  default: null,
  identity: '',
  generated: false,
  ownedSequence: null,
  comment: null,
  ...over,
});
const type = (spelling: string, enums: string[] = []) => parseColumnType(spelling, new Set(enums)) as ColumnType;

describe('typeSpelling: format_type() to the manifest', () => {
  test.each([
    ['character varying(254)', 'varchar(254)'],
    ['character varying', 'varchar'],
    ['character(3)', 'char(3)'],
    ['numeric(10,2)', 'numeric(10,2)'],
    ['numeric', 'numeric'],
    ['timestamp with time zone', 'timestamptz'],
    ['timestamp without time zone', 'timestamp'],
    ['time without time zone', 'time'],
    ['double precision', 'double precision'],
    ['text[]', 'text[]'],
    ['integer[]', 'integer[]'],
    ['jsonb', 'jsonb'],
    ['inet', 'inet'],
    ['tsvector', 'tsvector'],
    ['timestamp(3) with time zone', 'timestamptz(3)'],
    ['time(0) without time zone', 'time(0)'],
    ['time with time zone', 'timetz'],
    ['money', 'money'],
    ['cidr', 'cidr'],
    ['bit(8)', 'bit(8)'],
    ['bit varying', 'varbit'],
    ['bit varying(5)[]', 'varbit(5)[]'],
    ['interval day to second(3)', 'interval day to second(3)'],
    ['interval(2)', 'interval(2)'],
    ['interval year', 'interval year'],
  ])('%s → %s', (pg, manifest) => expect(typeSpelling(live(pg))).toBe(manifest));

  test('ranges and multiranges keep their names; a two-dimensional array keeps both []', () => {
    expect(typeSpelling(live('tstzrange', { typeKind: 'r' }))).toBe('tstzrange');
    expect(typeSpelling(live('int4multirange', { typeKind: 'm' }))).toBe('int4multirange');
    expect(typeSpelling(live('integer[]', { dims: 2 }))).toBe('integer[][]');
  });

  test.each(['pg_lsn', 'txid_snapshot', 'oid', 'name'])('%s has no manifest form', (pg) =>
    expect(typeSpelling(live(pg))).toBeUndefined(),
  );

  test('an enum keeps its own name; a domain has no manifest form', () => {
    expect(typeSpelling(live('"user".role[]', { typeName: 'role', typeSchema: 'user', typeKind: 'e' }))).toBe('role[]');
    expect(typeSpelling(live('positive_int', { typeSchema: 'public', typeKind: 'd' }))).toBeUndefined();
  });
});

describe('importDefault: a literal only when it means what the database holds', () => {
  test.each([
    ["'member'::text", 'text', 'member'],
    ["'it''s'::character varying", 'varchar(20)', "it's"],
    ['0', 'integer', 0n],
    ["'-5'::integer", 'integer', -5n],
    ['9007199254740993', 'bigint', 9007199254740993n],
    ['false', 'boolean', false],
    ['1.5', 'real', 1.5],
    ['0.00', 'numeric(10,2)', '0.00'],
    ["'{}'::text[]", 'text[]', []],
    ["'{a,b}'::text[]", 'text[]', ['a', 'b']],
    [`'{"public": true}'::jsonb`, 'jsonb', { value: { public: true } }],
    // push compares defaults in the server's spelling, so an interval literal is known to match
    ["'02:00:00'::interval", 'interval', '02:00:00'],
  ])('%s on %s', (text, spelling, expected) => expect(importDefault(text, type(spelling))).toEqual(expected));

  test('enum values need the enum', () => {
    expect(importDefault(`'student'::"user".role`, type('role', ['role']), ['student', 'admin'])).toBe('student');
  });

  test('anything else is written as SQL', () => {
    expect(importDefault('now()', type('timestamptz'))).toEqual({ sql: 'now()' });
    expect(importDefault('gen_random_uuid()', type('uuid'))).toEqual({ sql: 'gen_random_uuid()' });
    // interval '1 day' * 2 as PostgreSQL stores it: an expression around a literal, not a literal
    const doubled = "('1 day'::interval * (2)::double precision)";
    expect(importDefault(doubled, type('interval'))).toEqual({ sql: doubled });
    expect(importDefault("('now'::text)::date", type('date'))).toEqual({ sql: "('now'::text)::date" });
  });

  test('a default that is not one SQL expression is not imported', () => {
    expect(importDefault("'a' -- b", type('text'))).toBeUndefined();
  });
});

describe('withSequenceHome: a nextval default names the sequence where it is declared', () => {
  const homes = new Map([
    ['public.ticket_seq', 'app'],
    ['public.Odd Seq', 'app'],
    ['billing.invoice_no', 'billing'],
  ]);
  const moved = (sql: string) => withSequenceHome({ type: 'integer', default: { sql } }, homes)['default'];
  test.each([
    // printed bare: a sequence of the search path, public, moving with its tables
    ["nextval('ticket_seq'::regclass)", "nextval('app.ticket_seq'::regclass)"],
    ["nextval('public.ticket_seq'::regclass)", "nextval('app.ticket_seq'::regclass)"],
    [`nextval('"Odd Seq"'::regclass)`, `nextval('app."Odd Seq"'::regclass)`],
    // a sequence that stays where it is, one no service declares, and any other default: as read
    ["nextval('billing.invoice_no'::regclass)", "nextval('billing.invoice_no'::regclass)"],
    ["nextval('elsewhere.other_seq'::regclass)", "nextval('elsewhere.other_seq'::regclass)"],
    ['now()', 'now()'],
  ])('%s becomes %s', (sql, expected) => expect(moved(sql)).toEqual({ sql: expected }));
});
