import { qualified, quoteIdent as q } from '../../shared/sql-quote.js';
import { TOUCH_FUNCTION, touchFunction } from '../compare/triggers.js';
import { inTransaction, type Step } from './steps.js';

/**
 * The statements of a plan that stand alone: the schema and the update trigger's function created,
 * a table or column the manifest no longer has dropped (data loss, counted before push asks).
 */
export const createSchema = (schema: string): Step =>
  inTransaction('create schema', schema, `CREATE SCHEMA IF NOT EXISTS ${q(schema)}`, 'none', {});

/**
 * An extension the manifest lists, where the server puts it (the first schema of the search path);
 * IF NOT EXISTS, so two services of one database may both plan it. Push never drops one.
 */
export const createExtension = (name: string): Step =>
  inTransaction('create extension', name, `CREATE EXTENSION IF NOT EXISTS ${q(name)}`, 'none', {}, { declared: true });

export const createTouchFunction = (schema: string): Step =>
  inTransaction('create function', `${schema}.${TOUCH_FUNCTION}`, touchFunction(schema), 'none', {});

export function dropTable(schema: string, table: string): Step {
  const object = `${schema}.${table}`;
  const t = qualified(schema, table);
  const loss = { what: `drops table ${object}`, countSql: `select count(*) as n from ${t}`, dropsRelation: t };
  return inTransaction('drop table', object, `DROP TABLE ${t}`, 'ACCESS EXCLUSIVE', { table: object }, { loss });
}

export function dropColumn(schema: string, table: string, column: string): Step {
  const t = qualified(schema, table);
  const object = `${schema}.${table}.${column}`;
  const loss = {
    what: `drops column ${object}`,
    countSql: `select count(*) as n from ${t} where ${q(column)} is not null`,
  };
  const sql = `ALTER TABLE ${t} DROP COLUMN ${q(column)}`;
  return inTransaction('drop column', object, sql, 'ACCESS EXCLUSIVE', { table: `${schema}.${table}` }, { loss });
}

/** pg_constraint.contype in words, for the rule a dropped constraint removes. */
export const CONSTRAINT_KINDS: Record<string, string> = {
  p: 'primary key',
  u: 'unique constraint',
  f: 'foreign key',
  c: 'check',
  x: 'exclusion constraint',
};
