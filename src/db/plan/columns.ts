import { createHash } from 'node:crypto';
import type { Column, Identity, Table } from '../../model/types.js';
import type { CatalogColumn } from '../catalog/types.js';
import type { ColumnAspect } from '../compare/types.js';
import { isWidening } from '../compare/widening.js';
import { qualified, quoteIdent as q, sqlQuote } from '../../shared/sql-quote.js';
import { columnTypeSql, defaultSql } from '../../model/sql-spelling.js';
import { columnDefinition, commentOn } from './ddl.js';
import { alterIdentity, identityClause, outsideBounds, setGenerated } from './identity.js';
import type { Facts } from './facts.js';
import { placeOf, setNotNull, type On } from './online.js';
import { inTransaction, type Step } from './steps.js';

/**
 * The steps that bring one live column in line with its manifest column, in the order PostgreSQL
 * needs them: identity off before a type change, the old default off before the cast, the cast,
 * the new default, NOT NULL, identity on (numbered past the rows already there), the comment.
 */
export interface ColumnChange {
  readonly table: Table;
  readonly column: Column;
  readonly live: CatalogColumn;
  readonly aspects: ReadonlySet<ColumnAspect>;
  /** the live column is (part of) the table's primary key */
  readonly liveKey: boolean;
}

/**
 * A plpgsql test of one conversion, to count the rows a type change cannot convert before it runs:
 * `explicit` casts as USING does; otherwise the value is assigned to a variable of the new type, as
 * ALTER … TYPE without USING does (a varchar(5) refuses a longer value instead of cutting it).
 */
export function conversionTest(to: string, how: 'assignment' | 'explicit'): { name: string; sql: string } {
  const name = `pg_temp.schemagen_${how}_${createHash('sha1').update(to).digest('hex').slice(0, 12)}`;
  const body =
    how === 'explicit' ? `BEGIN PERFORM v::${to}; RETURN true;` : `DECLARE x ${to}; BEGIN x := v; RETURN true;`;
  const sql =
    `CREATE OR REPLACE FUNCTION ${name}(v anyelement) RETURNS boolean LANGUAGE plpgsql AS ` +
    `$$ ${body} EXCEPTION WHEN others THEN RETURN false; END $$`;
  return { name, sql };
}

export function columnSteps(on: On, change: ColumnChange, casts: Facts['casts']): Step[] {
  const { table, column, live, aspects } = change;
  const t = qualified(on.schema, table.name);
  const object = `${on.schema}.${table.name}.${column.name}`;
  const alter = (action: string) => `ALTER TABLE ${t} ALTER COLUMN ${q(column.name)} ${action}`;
  const place = placeOf(on);
  const step = (kind: Step['kind'], action: string, extra: Partial<Step> = {}) =>
    inTransaction(kind, object, alter(action), 'ACCESS EXCLUSIVE', place, extra);
  const steps: Step[] = [];
  const { identity } = column;
  const wantIdentity = identity?.mode === 'always' ? 'a' : identity?.mode === 'by default' ? 'd' : '';
  const serial = column.type.kind.endsWith('serial');
  const retype = aspects.has('type');
  const wantNotNull = !column.nullable || column.primaryKey;

  // Identity first: a type change keeps it, a removal frees the column for a default.
  if (aspects.has('identity') && live.identity !== '' && wantIdentity === '')
    steps.push(step('drop identity', 'DROP IDENTITY IF EXISTS'));
  if (aspects.has('identity') && identity && live.identity !== '')
    steps.push(step('add identity', setGenerated(identity)));

  const newDefault = serial ? undefined : defaultSql(column);
  const to = columnTypeSql(column, on.schema);
  const widening = retype && isWidening(live.type, to);
  // The old default may not cast to the new type (a widening keeps it, but a default spelled with a
  // cast to the old type is set again), and an identity or serial column takes none.
  const resetDefault = retype && (!widening || castsTo(live.default, live.type, to));
  const dropDefault =
    live.default !== null &&
    ((resetDefault && !widening) ||
      (aspects.has('default') && newDefault === undefined) ||
      (wantIdentity !== '' && live.identity === ''));
  if (dropDefault && !(serial && !retype && live.default?.startsWith('nextval(')))
    steps.push(step('drop default', 'DROP DEFAULT'));

  if (retype)
    steps.push(step('change column type', ...typeChange(on, change, to, widening, casts.get(`${live.type}→${to}`))));

  if (serial && (aspects.has('default') || retype) && !live.default?.startsWith('nextval('))
    steps.push(...numberWithSequence(on, column));
  else if (newDefault !== undefined && (aspects.has('default') || resetDefault || dropDefault))
    steps.push(step('set default', `SET DEFAULT ${newDefault}`));
  else if (aspects.has('default') && newDefault === undefined && !dropDefault && live.default !== null)
    steps.push(step('drop default', 'DROP DEFAULT'));

  // A serial column no longer: the sequence it owned numbers nothing.
  if (!serial && live.ownedSequence !== null && dropDefault)
    steps.push(
      inTransaction(
        'drop sequence',
        `${on.schema}.${live.ownedSequence}`,
        `DROP SEQUENCE ${qualified(on.schema, live.ownedSequence)}`,
        'none',
        {},
      ),
    );
  // Identity needs NOT NULL; removing it leaves NOT NULL only where the manifest asks.
  const needsNotNull = wantNotNull || (wantIdentity !== '' && live.identity === '');
  const addsIdentity = aspects.has('identity') && live.identity === '' && wantIdentity !== '';
  if (!live.notNull && needsNotNull && (aspects.has('nullability') || aspects.has('identity')))
    steps.push(...setNotNull(on, column.name, addsIdentity));
  if (live.notNull && !wantNotNull && (aspects.has('nullability') || (aspects.has('identity') && wantIdentity === '')))
    steps.push(step('drop not null', 'DROP NOT NULL'));

  if (addsIdentity && identity) {
    steps.push(
      step('add identity', `ADD ${identityClause(identity)}`, { violations: outsideBounds(on, identity, column.name) }),
    );
    if (on.exists) steps.push(restartPastMax(on, column.name, 'add identity', identity));
  }
  // After a type change, which gives the sequence the column's type.
  if (aspects.has('identity options') && identity && live.identity !== '')
    steps.push(alterIdentity(on, identity, live, column.name));
  if (aspects.has('comment'))
    steps.push(
      inTransaction(
        'comment',
        object,
        commentOn(on.schema, table.name, column.name, column.comment),
        'SHARE UPDATE EXCLUSIVE',
        place,
      ),
    );
  return steps;
}

/**
 * The type change's action and what it does: converted as PostgreSQL does unasked where it can,
 * else by an explicit cast, else through the values' text form; what cannot convert is counted first.
 */
function typeChange(
  on: On,
  { table, column, live, liveKey }: ColumnChange,
  to: string,
  widening: boolean,
  how: 'assignment' | 'explicit' | undefined,
): [action: string, extra: Partial<Step>] {
  const object = `${on.schema}.${table.name}.${column.name}`;
  const name = q(column.name);
  const via = how === undefined ? '::text' : '';
  const using = widening || how === 'assignment' ? '' : ` USING ${name}${via}::${to}`;
  const test = conversionTest(to, how ?? 'explicit');
  const loss = {
    what: `changes the type of ${object} (values are cast)`,
    countSql: `select count(*) as n from ${qualified(on.schema, table.name)} where ${name} is not null`,
  };
  const violations = {
    constraint: column.name,
    what: `the change of ${object} to ${to}`,
    verb: 'cannot convert',
    // An adopted table's key under a base of another type: the way out is another base.
    advice:
      liveKey && column.origin !== 'table'
        ? `key column ${object} is ${live.type} and comes from ${column.origin}: give the table a ` +
          `base that keeps ${live.type} (under bases:, chosen with base: <name>)`
        : undefined,
    countSql: count(on, `a.${name} is not null and not ${test.name}(a.${name}${via})`),
    prelude: test.sql,
  };
  return [
    `SET DATA TYPE ${to}${using}`,
    {
      rewrites: !textWidening(live.type, to),
      scans: on.exists,
      loss: widening ? undefined : loss,
      violations: widening || !on.exists ? undefined : violations,
    },
  ];
}

/** A column added to an existing table: its default fills the rows (PostgreSQL 11+: no rewrite when constant). */
export function addColumnSteps(on: On, table: Table, column: Column): Step[] {
  const object = `${on.schema}.${table.name}.${column.name}`;
  const definition = columnDefinition(column, on.schema);
  const numbered = column.identity !== undefined || column.type.kind.endsWith('serial');
  // A stored generated column is computed for every row as it is added.
  const volatile =
    numbered || column.generated !== undefined || (column.default?.kind === 'sql' && VOLATILE.test(column.default.sql));
  const notNull = !column.nullable || column.primaryKey;
  const filled = numbered || column.default !== undefined;
  const sql = `ALTER TABLE ${qualified(on.schema, table.name)} ADD COLUMN ${definition}`;
  const steps = [
    inTransaction('add column', object, sql, 'ACCESS EXCLUSIVE', placeOf(on), {
      rewrites: on.exists && volatile,
      scans: on.exists && notNull && (!filled || volatile),
    }),
  ];
  if (column.comment !== undefined)
    steps.push(
      inTransaction(
        'comment',
        object,
        commentOn(on.schema, table.name, column.name, column.comment),
        'SHARE UPDATE EXCLUSIVE',
        placeOf(on),
      ),
    );
  return steps;
}

/** defaults PostgreSQL computes per row, so adding the column rewrites the table */
const VOLATILE = /\b(?:gen_random_uuid|uuid_generate_v\d\w*|random|clock_timestamp|timeofday|nextval)\s*\(/i;

/** A default spelled with a cast to the old type (`'x'::character varying` after varchar → text). */
function castsTo(dflt: string | null, from: string, to: string): boolean {
  const base = (type: string) => type.replace(/\(.*$/, '').replace(/\[\]$/, '');
  return dflt !== null && base(from) !== base(to) && dflt.includes(`::${base(from)}`);
}

/** Lengthening a varchar or turning it into text keeps the stored bytes: no rewrite. */
const textWidening = (from: string, to: string) =>
  /^(character varying|varchar|text)/i.test(from) && isWidening(from, to);

const count = (on: On, where: string) => `select count(*) as n from ${qualified(on.schema, on.table)} a where ${where}`;

/** An existing integer column becomes serial: a sequence it owns, numbering from past its largest value. */
function numberWithSequence(on: On, column: Column): Step[] {
  const t = qualified(on.schema, on.table);
  const name = `${on.table}_${column.name}_seq`.slice(0, 63);
  const seq = qualified(on.schema, name);
  const as = { smallserial: 'smallint', serial: 'integer', bigserial: 'bigint' }[column.type.kind as 'serial'];
  const object = `${on.schema}.${name}`;
  return [
    inTransaction(
      'create sequence',
      object,
      `CREATE SEQUENCE ${seq} AS ${as} OWNED BY ${t}.${q(column.name)}`,
      'none',
      {},
    ),
    inTransaction(
      'set default',
      `${on.schema}.${on.table}.${column.name}`,
      `ALTER TABLE ${t} ALTER COLUMN ${q(column.name)} SET DEFAULT nextval(${sqlQuote(seq)}::regclass)`,
      'ACCESS EXCLUSIVE',
      placeOf(on),
    ),
    restartPastMax(on, column.name, 'create sequence'),
  ];
}

/**
 * Moves the column's sequence (serial or identity) past the largest value already there (the
 * smallest, counting down), so the next insert does not collide: run after the ALTER, whose lock
 * keeps inserts out until the commit. Values short of the identity's start leave it where it starts.
 */
function restartPastMax(on: On, column: string, kind: Step['kind'], identity?: Identity): Step {
  const t = qualified(on.schema, on.table);
  const down = identity !== undefined && identity.increment < 0n;
  const past = identity === undefined ? 'IS NOT NULL' : `${down ? '<=' : '>='} ${identity.start}`;
  const sql =
    `SELECT setval(pg_get_serial_sequence(${sqlQuote(t)}, ${sqlQuote(column)}), m) ` +
    `FROM (SELECT ${down ? 'min' : 'max'}(${q(column)}) AS m FROM ${t}) x WHERE m ${past}`;
  return inTransaction(kind, `${on.schema}.${on.table}.${column}`, sql, 'ACCESS EXCLUSIVE', placeOf(on), {
    scans: true,
  });
}
