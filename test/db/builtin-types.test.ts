import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { BOTH, ORDERS_MANIFEST, catalogText, project } from '../support/project.js';
import { expectSettled } from '../support/settled.js';

/** One column of every built-in type the manifest has, each with a row, as a database made by hand has them. */
const HAND_BUILT = `
create schema kinds;
create table kinds.everything (
  id bigint primary key,
  a_xml xml, a_document tsvector, a_query tsquery, a_price money not null default 0,
  an_interval interval day to second(3), a_precise_interval interval(2), years interval year,
  a_time time(0), a_zoned_time timetz, created_at timestamptz(3) not null default now(), logged_at timestamp(6),
  flags bit(8), a_bit bit, bits varbit(16), any_bits bit varying,
  an_address inet, a_network cidr, a_mac macaddr, a_long_mac macaddr8, a_file bytea,
  ages int4range, counts int8range, prices numrange, during tstzrange, local_during tsrange, days daterange,
  many_ages int4multirange, many_days datemultirange,
  a_point point, a_line line, a_lseg lseg, a_box box default '((0,0),(1,1))', a_path path, a_polygon polygon,
  a_circle circle,
  grid integer[][], networks cidr[], tags tsvector[], windows tstzrange[] default '{}', boxes box[]
);
create index everything_a_document_idx on kinds.everything using gin (a_document);
create index everything_during_idx on kinds.everything using gist (during);
insert into kinds.everything values (
  1, '<a>x</a>', to_tsvector('simple', 'the quick fox'), 'quick & fox', 12.5,
  '1 day 02:03:04.5', '3 hours', '2 years', '08:30', '08:30+02', '2024-01-31 12:00:00.123+00', '2024-01-31 12:00:00.123456',
  B'10101010', B'1', B'101', B'1111000011110000',
  '10.0.0.1', '10.0.0.0/8', '08:00:2b:01:02:03', '08:00:2b:01:02:03:04:05', '\\xdeadbeef',
  '[1,5)', '[1,10]', '[1.5,2.5)', '[2024-01-01,2024-02-01)', '[2024-01-01,2024-02-01)', '[2024-01-01,2024-02-01)',
  '{[1,3),[5,7)}', '{[2024-01-01,2024-01-05)}',
  '(1,2)', '{1,2,3}', '[(0,0),(1,1)]', '((0,0),(2,2))', '[(0,0),(1,1),(2,0)]', '((0,0),(1,1),(1,0))', '<(0,0),1>',
  '{{1,2},{3,4}}', '{10.0.0.0/8,192.168.0.0/16}', array[to_tsvector('simple', 'a b')],
  array['[2024-01-01,2024-02-01)'::tstzrange], array['((0,0),(1,1))'::box]
);`;

const ROWS = `select * from kinds.everything`;

describe.each(BOTH)('on $name', (kind) => {
  test('every built-in type: import --strict writes it, push after import plans nothing, verify passes, a round trip gives the same catalog', async () => {
    const p = await project(kind, ORDERS_MANIFEST);
    await p.sql(HAND_BUILT);
    const rows = await p.sql(ROWS);
    const imported = await p.run(['import', '--schema', 'kinds', '--strict', '--out', 'schema.yaml', '--force']);
    expect(imported.stderr).toContain('not imported (the manifest cannot express them): 0');
    expect(imported.code).toBe(0);
    const manifest = readFileSync(join(p.dir, 'schema.yaml'), 'utf8');
    for (const spelling of [
      'interval day to second(3)',
      'timestamptz(3)',
      'varbit(16)',
      'bit(8)',
      '"integer[][]"',
      '"tstzrange[]"',
      'datemultirange',
      'macaddr8',
      'time(0)',
      'timetz',
    ])
      expect(manifest).toContain(`{ type: ${spelling}`);
    expect((await p.run(['generate'])).stderr).toBe('');
    await expectSettled(p, ['kinds'], 'push right after import');
    expect((await p.run(['verify'])).code).toBe(0);
    expect(await p.sql(ROWS)).toEqual(rows);

    const copy = await project(kind, manifest);
    const pushed = await copy.run(['push']);
    expect(pushed.stderr).toBe('');
    expect(pushed.code).toBe(0);
    expect(await catalogText(copy, 'kinds')).toBe(await catalogText(p, 'kinds'));
    await expectSettled(copy, ['kinds'], 'push after the round trip');
  }, 180_000);

  test('a type change between built-in types is planned and settles', async () => {
    const table = (type: string) => `version: 1
services:
  kinds:
    tables:
      spans:
        base: false
        columns:
          id: { type: integer, primaryKey: true }
          span: { type: ${type}, nullable: true }
`;
    const p = await project(kind, table('interval'));
    expect((await p.run(['push'])).code).toBe(0);
    await p.sql(`insert into kinds.spans values (1, '1 day 02:03:04.56789')`);
    await p.write(table('interval day to second(2)'));
    const pushed = await p.run(['push', '--accept-data-loss']);
    expect(pushed.stderr).toBe('');
    expect(pushed.stdout).toContain('SET DATA TYPE interval day to second(2)');
    await expectSettled(p, ['kinds'], 'push after the change');
    expect(await p.sql(`select span::text as span from kinds.spans`)).toEqual([{ span: '1 day 02:03:04.57' }]);
  }, 120_000);
});
