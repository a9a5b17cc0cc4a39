import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readCatalog } from '../../src/db/catalog/read.js';
import { checkCondition, type CatalogTable } from '../../src/db/catalog/types.js';
import { connectUrl, embeddedDb } from '../../src/db/connect/connection.js';
import type { Db, Queryable } from '../../src/db/connect/queryable.js';
import { deparse, type Expression } from '../../src/db/compare/deparse.js';
import { freshDatabase } from '../support/databases.js';

// The server's spelling of an expression, made on a temporary table and rolled back, must be the
// text the catalog reader reads from a real table holding the same expression.
const COLUMNS = [
  { name: 'status', type: 'text' },
  { name: 'total', type: 'integer' },
  { name: 'email', type: 'character varying(320)' },
  { name: 'code', type: 'text' },
  { name: 'state', type: '"shop"."state"' },
];
const CHECKS = {
  status_in: "status IN ('a','b')",
  total_between: 'total BETWEEN 0 AND 100',
  email_lower: 'email = lower(email)',
  code_coalesce: "coalesce(code, '') <> 'x'",
  code_not_like: "code NOT LIKE 'tmp%'",
  total_case: "CASE WHEN status = 'a' THEN total > 0 ELSE true END",
  status_any: "status = ANY (ARRAY['a', 'b', 'c'])",
  total_cast: 'total::numeric < 1000.5',
  state_in: "state IN ('draft', 'paid')",
};
const DEFAULTS = {
  label: ['text', "lower('ABC'::text) || now()::date"],
  wait: ['interval', "'2 hours'"],
  flags: ['boolean[]', "'{true,false}'"],
  phase: ['"shop"."state"', "'draft'"],
  name: ['character varying(20)', "'x'"],
} as const;
const PREDICATE = "status IN ('a','b') AND code IS NOT NULL";
const GENERATED = "lower(status) || '-' || total::text";

const SETUP = `create schema shop; create type shop.state as enum ('draft', 'paid', 'void');
  create table shop.orders (
    ${COLUMNS.map((c) => `${c.name} ${c.type}`).join(', ')},
    ${Object.entries(DEFAULTS)
      .map(([name, [type, sql]]) => `${name} ${type} default ${sql}`)
      .join(', ')},
    tag text generated always as (${GENERATED}) stored,
    ${Object.entries(CHECKS)
      .map(([name, sql]) => `constraint ${name} check (${sql})`)
      .join(', ')});
  create index orders_live on shop.orders (total) where ${PREDICATE}`;

const expressions: Expression[] = [
  ...Object.values(CHECKS).map((sql): Expression => ({ kind: 'check', sql, columns: COLUMNS })),
  ...Object.values(DEFAULTS).map(([type, sql]): Expression => ({ kind: 'default', sql, columns: [], type })),
  { kind: 'predicate', sql: PREDICATE, columns: COLUMNS },
  { kind: 'generated', sql: GENERATED, columns: COLUMNS, type: 'text' },
];

/** What the catalog reader reads for each expression, in the order of `expressions`. */
function catalogTexts(t: CatalogTable): string[] {
  const check = (name: string) => checkCondition(t.constraints.find((k) => k.name === name)!);
  const column = (name: string) => t.columns.find((c) => c.name === name)!.default!;
  return [
    ...Object.keys(CHECKS).map(check),
    ...Object.keys(DEFAULTS).map(column),
    t.indexes.find((i) => i.name === 'orders_live')!.predicate!,
    column('tag'),
  ];
}

const TEMP_TABLES = 'select count(*)::int as n from pg_class where relnamespace = pg_my_temp_schema()';

const KINDS: { name: string; open: () => Promise<Db> }[] = [
  { name: 'postgres', open: async () => connectUrl(await freshDatabase('deparse')) },
  { name: 'pglite', open: async () => embeddedDb(await PGlite.create(), 'in memory') },
];

describe.each(KINDS)('on $name', ({ open }) => {
  let db: Db;
  beforeAll(async () => {
    db = await open();
    await db.batch([SETUP]);
  });
  afterAll(() => db.close());

  test('each expression reads back as the catalog reads it from a real table, outside and inside a transaction', async () => {
    const want = catalogTexts((await readCatalog(db, 'shop')).tables[0]!);
    // The texts are the server's, not the manifest's: the comparison is not trivially equal.
    expect(want[0]).toBe("(status = ANY (ARRAY['a'::text, 'b'::text]))");
    expect(want[1]).toBe('(total >= 0 AND total <= 100)');
    // On a Db: a transaction of its own (verify's catalog snapshot is read-only).
    expect(await deparse(db, expressions)).toEqual(want);
    // Inside a transaction: under a savepoint, after which the transaction goes on.
    const inside = await db.transaction(async (tx) => {
      const texts = await deparse(tx, expressions);
      await tx.batch(['create table shop.after_deparse (id int)']);
      return { texts, temp: await tx.query<{ n: number }>(TEMP_TABLES) };
    });
    expect(inside).toEqual({ texts: want, temp: [{ n: 0 }] });
    expect(await db.query(`select to_regclass('shop.after_deparse') is not null as kept`)).toEqual([{ kept: true }]);
    expect(await db.query(TEMP_TABLES)).toEqual([{ n: 0 }]);
  });

  test('what the server refuses reads back unknown, the rest of the batch is spelled', async () => {
    const withMissingType = [...COLUMNS.slice(0, 2), { name: 'later', type: '"shop"."not_yet"' }];
    const texts = await db.transaction((tx: Queryable) =>
      deparse(tx, [
        { kind: 'check', sql: "status IN ('a','b')", columns: withMissingType },
        { kind: 'check', sql: "later = 'x'", columns: withMissingType },
        { kind: 'default', sql: "'x'", columns: [], type: '"shop"."not_yet"' },
        { kind: 'check', sql: 'no_such_function(total)', columns: COLUMNS },
        { kind: 'predicate', sql: 'total > 0', columns: withMissingType },
      ]),
    );
    expect(texts).toEqual([
      "(status = ANY (ARRAY['a'::text, 'b'::text]))",
      undefined,
      undefined,
      undefined,
      '(total > 0)',
    ]);
  });
});
