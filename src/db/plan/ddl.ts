import { identityClause } from './identity.js';
import { columnTypeSql, defaultSql } from '../../model/sql-spelling.js';
import type { Column, Index, IndexKey, Table } from '../../model/types.js';
import { partitionKeySql } from '../compare/partitions.js';
import { wantedConstraints, type WantedConstraint } from '../compare/wanted.js';
import { qualified, quoteIdent as q, sqlQuote } from '../../shared/sql-quote.js';

/**
 * The DDL push writes, as text, from the model: every statement names its objects schema-qualified
 * and quoted, so the schema guard (guard.ts) can read what each one touches.
 */

/** `PRIMARY KEY ("a")`, `CHECK (…)`, `FOREIGN KEY ("a") REFERENCES "s"."t"("id") ON DELETE cascade` */
export function constraintBody(k: WantedConstraint): string {
  const cols = (columns: readonly string[]) => `(${columns.map(q).join(', ')})`;
  switch (k.type) {
    case 'p':
      return `PRIMARY KEY ${cols(k.columns)}`;
    case 'u':
      return `UNIQUE ${cols(k.columns)}`;
    case 'c':
      return `CHECK (${k.sql})`;
    case 'f': {
      const { target, onDelete, onUpdate } = k.fk;
      const actions = `${onDelete ? ` ON DELETE ${onDelete}` : ''}${onUpdate ? ` ON UPDATE ${onUpdate}` : ''}`;
      return (
        `FOREIGN KEY ${cols(k.fk.columns)} REFERENCES ${qualified(target.schema, target.table)}` +
        `${cols(target.columns)}${actions}`
      );
    }
  }
}

/**
 * `"name" type [GENERATED … AS IDENTITY | GENERATED ALWAYS AS (…) STORED] [DEFAULT …] [NOT NULL]`, for
 * CREATE TABLE and ADD COLUMN.
 */
export function columnDefinition(column: Column, schema: string): string {
  const parts = [q(column.name), columnTypeSql(column, schema, true)];
  if (column.identity) parts.push(identityClause(column.identity));
  if (column.generated !== undefined) parts.push(`GENERATED ALWAYS AS (${column.generated}) STORED`);
  const dflt = defaultSql(column);
  if (dflt !== undefined) parts.push(`DEFAULT ${dflt}`);
  if (!column.nullable || column.primaryKey) parts.push('NOT NULL');
  return parts.join(' ');
}

/**
 * `CREATE TABLE` with its columns and the constraints that need no other table (key, uniques,
 * checks), and its partition key; foreign keys are added once every table exists.
 */
export function createTable(schema: string, table: Table): string {
  const constraints = wantedConstraints(table)
    .filter((k) => k.type !== 'f')
    .map((k) => `CONSTRAINT ${q(k.name)} ${constraintBody(k)}`);
  const lines = [...table.columns.map((c) => columnDefinition(c, schema)), ...constraints];
  const partitioned = table.partitioning ? ` PARTITION BY ${partitionKeySql(table.partitioning)}` : '';
  return `CREATE TABLE ${qualified(schema, table.name)} (\n  ${lines.join(',\n  ')}\n)${partitioned}`;
}

/** A column quoted, an expression in parentheses, as CREATE INDEX takes them. */
export const indexKeySql = (k: IndexKey): string => ('column' in k ? q(k.column) : `(${k.sql})`);

/** `CREATE [UNIQUE] INDEX "name" ON "schema"."table" USING method ("a", (lower("b"))) [WHERE predicate]` */
export function createIndex(
  schema: string,
  table: string,
  ix: Index,
  options: { concurrently?: boolean } = {},
): string {
  const where = ix.where ? ` WHERE ${ix.where}` : '';
  const how = options.concurrently ? 'CONCURRENTLY ' : '';
  return (
    `CREATE ${ix.unique ? 'UNIQUE ' : ''}INDEX ${how}${q(ix.name)} ON ` +
    `${qualified(schema, table)} USING ${ix.method} ` +
    `(${ix.keys.map(indexKeySql).join(', ')})${where}`
  );
}

/**
 * `COMMENT ON TABLE|COLUMN … IS …` (NULL removes it). Push and migrations write comments with this
 * one statement.
 */
export function commentOn(schema: string, table: string, column: string | undefined, text: string | undefined): string {
  const target = `${qualified(schema, table)}${column === undefined ? '' : `.${q(column)}`}`;
  const value = text === undefined ? 'NULL' : sqlQuote(text);
  return `COMMENT ON ${column === undefined ? 'TABLE' : 'COLUMN'} ${target} IS ${value}`;
}
