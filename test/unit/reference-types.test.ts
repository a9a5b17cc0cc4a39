import { expect, test } from 'vitest';
import { parseColumnType } from '../../src/model/column-types.js';
import { canReference } from '../../src/model/reference-types.js';
import type { ColumnType } from '../../src/model/types.js';
import { freshDatabase, withSql } from '../support/databases.js';

/** Every scalar kind of the manifest (json has no equality: it cannot be a key), with lengths, precisions, arrays and enums. */
const TYPES = [
  'smallint',
  'integer',
  'bigint',
  'smallserial',
  'serial',
  'bigserial',
  'real',
  'double precision',
  'numeric',
  'numeric(10,2)',
  'numeric(12,4)',
  'text',
  'varchar',
  'varchar(20)',
  'varchar(50)',
  'char',
  'char(5)',
  'uuid',
  'boolean',
  'date',
  'time',
  'timestamp',
  'timestamptz',
  'interval',
  'jsonb',
  'bytea',
  'inet',
  'integer[]',
  'smallint[]',
  'text[]',
  'varchar(20)[]',
  'numeric(10,2)[]',
  'numeric[]',
  'mood',
  'tone',
  'mood[]',
];
const ENUMS = new Set(['mood', 'tone']);

/**
 * PostgreSQL's verdict on a foreign key from a column of one type to a key of another: `refused`;
 * `exact` when it compares the two with one operator family (an index on the referencing column
 * serves the key's checks as the key's own index does) through an immutable operator, and a
 * polymorphic one (enums, arrays) only within one type; `converted` when it accepts the key only by
 * casting every referencing value to the key's type, or by an operator that reads the session
 * (timestamp = timestamptz). Serial keys are declared as their integer types (a serial referencing
 * column would only add a sequence).
 */
const VERDICTS = `
create type mood as enum ('sad', 'ok');
create type tone as enum ('sad', 'ok');
create function verdicts(types text[]) returns table (pk text, fk text, verdict text) language plpgsql as $$
declare
  sqltype text;
begin
  foreach pk in array types loop
    execute format('create table "pk %s" (k %s primary key)', pk, replace(pk, 'serial', 'int'));
  end loop;
  foreach pk in array types loop
    foreach fk in array types loop
      verdict := 'refused';
      begin
        execute format('create table f (k %s references "pk %s")', replace(fk, 'serial', 'int'), pk);
        create index f_k on f (k);
        select case when fo.opcfamily = po.opcfamily and p.provolatile = 'i'
                         and (fa.atttypid = pa.atttypid or o.oprright not in ('anyenum'::regtype, 'anyarray'::regtype))
                    then 'exact' else 'converted' end into verdict
          from pg_constraint k join pg_operator o on o.oid = k.conpfeqop[1] join pg_proc p on p.oid = o.oprcode
          join pg_attribute fa on fa.attrelid = k.conrelid and fa.attnum = k.conkey[1]
          join pg_attribute pa on pa.attrelid = k.confrelid and pa.attnum = k.confkey[1]
          join pg_index fi on fi.indexrelid = 'f_k'::regclass join pg_opclass fo on fo.oid = fi.indclass[0]
          join pg_index pi on pi.indexrelid = k.conindid join pg_opclass po on po.oid = pi.indclass[0]
         where k.conrelid = 'f'::regclass and k.contype = 'f';
        raise exception using errcode = 'SG001';  -- undoes the table, keeps the verdict
      exception when sqlstate 'SG001' then null; when others then verdict := 'refused';
      end;
      return next;
    end loop;
  end loop;
end $$;
select pk, fk, verdict from verdicts($1)`;

const parse = (spelling: string) => {
  const type = parseColumnType(spelling, ENUMS);
  if (typeof type === 'string') throw new Error(type);
  return { type, enumSchema: 'public' };
};

test('a foreign key joins exactly the type pairs PostgreSQL compares without converting values', async () => {
  const url = await freshDatabase('fk_types');
  const rows = await withSql(url, async (sql) => {
    const [setup, query] = VERDICTS.split(/(?=^select pk)/m);
    await sql.unsafe(setup!);
    return sql.unsafe<{ pk: string; fk: string; verdict: string }[]>(query!, [TYPES]);
  });
  expect(rows.length).toBe(TYPES.length ** 2);
  const disagreements = rows.filter((r) => canReference(parse(r.fk), parse(r.pk)) !== (r.verdict === 'exact'));
  expect(disagreements).toEqual([]);

  const verdict = (fk: string, pk: string) => rows.find((r) => r.fk === fk && r.pk === pk)!.verdict;
  // The integer family in every direction, serial keys included; lengths, precisions and scales.
  for (const [fk, pk] of [
    ['smallint', 'integer'],
    ['integer', 'smallint'],
    ['bigint', 'serial'],
    ['smallint', 'bigserial'],
    ['varchar(20)', 'text'],
    ['text', 'varchar(50)'],
    ['varchar(50)', 'varchar(20)'],
    ['char(5)', 'char'],
    ['numeric(10,2)', 'numeric(12,4)'],
    ['real', 'double precision'],
  ])
    expect(verdict(fk!, pk!), `${fk} → ${pk}`).toBe('exact');
  // Accepted by PostgreSQL through a cast of every referencing value, or a comparison reading TimeZone: refused here.
  for (const [fk, pk] of [
    ['integer', 'numeric'],
    ['bigint', 'real'],
    ['char(5)', 'text'],
    ['text', 'char(5)'],
    ['time', 'interval'],
    ['timestamptz', 'timestamp'],
    ['date', 'timestamptz'],
  ])
    expect(verdict(fk!, pk!), `${fk} → ${pk}`).toBe('converted');
  for (const [fk, pk] of [
    ['uuid', 'integer'],
    ['text', 'integer'],
    ['smallint[]', 'integer[]'],
    ['varchar(20)[]', 'text[]'],
  ])
    expect(verdict(fk!, pk!), `${fk} → ${pk}`).toBe('refused');
}, 120_000);

test('an enum references only itself, in its own schema', () => {
  const mood = parseColumnType('mood', ENUMS) as ColumnType;
  expect(canReference({ type: mood, enumSchema: 'shop' }, { type: mood, enumSchema: 'shop' })).toBe(true);
  expect(canReference({ type: mood, enumSchema: 'shop' }, { type: mood, enumSchema: 'billing' })).toBe(false);
});
