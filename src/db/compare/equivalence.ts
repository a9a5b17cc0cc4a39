import type { Column, IndexKey, Table } from '../../model/types.js';
import type { CatalogIndex } from '../catalog/types.js';
import type { Queryable } from '../connect/queryable.js';
import { deparse, expressionKey, type DeclaredColumn, type Expression } from './deparse.js';
import { columnTypeSql, defaultSql } from '../../model/sql-spelling.js';
import { normalizeSql } from './normalize.js';

/**
 * Whether the catalog's text of an expression is what the manifest asks for. The caller's textual
 * normalization (normalize.ts) settles almost every case for free; where it sees a difference, the
 * server's own spelling of the manifest's expression (deparse.ts) decides. A comparison is run
 * through `comparedWithServer`: a first run notes the expressions it needs spelled, one batch asks
 * the server, and the comparison runs again with the answers.
 */
export class Equivalence {
  private readonly pending = new Map<string, Expression>();
  private readonly answers = new Map<string, string | undefined>();

  /** A check's condition: the same text once normalized, or the server's spelling of the manifest's check. */
  check(schema: string, table: Table, sql: string, condition: string): boolean {
    return normalizeSql(condition) === normalizeSql(sql) || this.same(checkExpression(schema, table, sql), condition);
  }

  /** An index predicate: none on either side, the same text once normalized, or the server's spelling. */
  predicate(schema: string, table: Table, want: string | undefined, live: string | null): boolean {
    if (normalizeSql(live ?? '') === normalizeSql(want ?? '')) return true;
    return want !== undefined && live !== null && this.same(predicateExpression(schema, table, want), live);
  }

  /** An index's keys: the same columns in order, each expression alike once normalized or as the server spells it. */
  indexKeys(schema: string, table: Table, want: readonly IndexKey[], live: CatalogIndex['keys']): boolean {
    return (
      want.length === live.length &&
      want.every((k, i) => {
        const l = live[i]!;
        if ('column' in k || 'column' in l) return 'column' in k && 'column' in l && k.column === l.column;
        const e: Expression = { kind: 'index key', sql: k.sql, columns: declaredColumns(schema, table) };
        return normalizeSql(l.sql) === normalizeSql(k.sql) || this.same(e, l.sql);
      })
    );
  }

  /** `live` is how the server stores `e`; false while it has not been asked, or when it refused `e`. */
  same(e: Expression, live: string): boolean {
    return this.spelling(e) === live;
  }

  /** The server's text of `e`, once asked; undefined before, and when it refused `e`. */
  spelling(e: Expression): string | undefined {
    const key = expressionKey(e);
    if (!this.answers.has(key)) this.pending.set(key, e);
    return this.answers.get(key);
  }

  get waiting(): boolean {
    return this.pending.size > 0;
  }

  async ask(db: Queryable): Promise<void> {
    const asked = [...this.pending];
    this.pending.clear();
    const texts = await deparse(
      db,
      asked.map(([, e]) => e),
    );
    asked.forEach(([key], i) => this.answers.set(key, texts[i]));
  }
}

/**
 * Runs `compare` until it needs nothing more spelled: with every textual match it runs once and
 * costs no round trip (the no-op push and verify); otherwise once more per batch it asked for.
 */
export async function comparedWithServer<T>(db: Queryable, compare: (e: Equivalence) => T): Promise<T> {
  const equivalence = new Equivalence();
  for (;;) {
    const result = compare(equivalence);
    if (!equivalence.waiting) return result;
    await equivalence.ask(db);
  }
}

const checkExpression = (schema: string, table: Table, sql: string): Expression => ({
  kind: 'check',
  sql,
  columns: declaredColumns(schema, table),
});

const predicateExpression = (schema: string, table: Table, sql: string): Expression => ({
  kind: 'predicate',
  sql,
  columns: declaredColumns(schema, table),
});

/** A column's default as an expression of its type; undefined for none. */
export function defaultExpression(schema: string, column: Column): Expression | undefined {
  const sql = defaultSql(column);
  return sql === undefined ? undefined : { kind: 'default', sql, columns: [], type: columnTypeSql(column, schema) };
}

// The columns of a table as the manifest types them, worked out once per (cached) table object.
const declared = new WeakMap<Table, { schema: string; columns: readonly DeclaredColumn[] }>();

export function declaredColumns(schema: string, table: Table): readonly DeclaredColumn[] {
  let d = declared.get(table);
  if (d?.schema !== schema) {
    d = { schema, columns: table.columns.map((c) => ({ name: c.name, type: columnTypeSql(c, schema) })) };
    declared.set(table, d);
  }
  return d.columns;
}
