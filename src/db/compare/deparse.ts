import { conditionOf, triggerAction } from '../catalog/types.js';
import type { Db, Queryable } from '../connect/queryable.js';
import { quoteIdent, sqlQuote } from '../../shared/sql-quote.js';

/**
 * PostgreSQL's own spelling of the manifest's expressions. The catalog shows a check, a default or
 * an index predicate as the server deparses what it stored (`status IN ('a','b')` reads back
 * `status = ANY (ARRAY['a'::text, 'b'::text])`, BETWEEN as two comparisons, literals with their
 * casts); no textual rule keeps up with that. So the expressions are stored on temporary tables
 * shaped like the manifest's, read back with the functions the catalog reader uses, and rolled
 * back: the comparison then is between two texts of one printer.
 */

/** Where an expression sits: each is stored and printed its own way. */
export type ExpressionKind =
  | 'check'
  | 'domain check'
  | 'default'
  | 'predicate'
  | 'index key'
  | 'generated'
  | 'partition key'
  | 'partition bound'
  | 'view'
  | 'signature'
  | 'trigger'
  | 'policy';

export interface DeclaredColumn {
  readonly name: string;
  /** the SQL type the manifest gives it, an enum schema-qualified */
  readonly type: string;
}

export interface Expression {
  readonly kind: ExpressionKind;
  readonly sql: string;
  /** the table's columns, which a check, a predicate or a generated column may name; none for a default */
  readonly columns: readonly DeclaredColumn[];
  /** the column type of a default or a generated column; a domain check's base type */
  readonly type?: string;
  /**
   * a partition bound's table key (`RANGE ("at")`), which the bound is read against; a trigger's
   * timing and events (`BEFORE INSERT`), its `sql` being what follows the table (`FOR EACH ROW …`);
   * a policy's clause, USING or WITH CHECK
   */
  readonly key?: string;
}

/**
 * The server's text of each expression, as the catalog reader reads it (a check's condition, the
 * default, the predicate, the generation expression); undefined where the server refused one (a
 * type the push has yet to create, say). The batch costs a few round trips (open a savepoint or a
 * transaction, one batch of statements, one read, roll back); texts are remembered per connection
 * handle, so a push comparing several times asks once.
 */
export async function deparse(db: Queryable, expressions: readonly Expression[]): Promise<(string | undefined)[]> {
  let known = spelled.get(db);
  if (!known) spelled.set(db, (known = new Map()));
  const keys = expressions.map(expressionKey);
  const asked = [...new Map(keys.map((k, i) => [k, expressions[i]!] as const))].filter(([k]) => !known.has(k));
  if (asked.length > 0) {
    const texts = await serverTexts(
      db,
      asked.map(([, e]) => e),
    );
    // A refusal is not remembered: the push may create the missing type before it compares again.
    asked.forEach(([k], i) => texts[i] !== undefined && known.set(k, texts[i]));
  }
  return keys.map((k) => known.get(k));
}

/** Texts by handle: another database, or another session's settings (TimeZone, search_path), may print otherwise. */
const spelled = new WeakMap<Queryable, Map<string, string>>();

export const expressionKey = (e: Expression): string =>
  JSON.stringify([e.kind, e.sql, e.type ?? null, e.key ?? null, e.columns.map((c) => [c.name, c.type])]);

let batches = 0;

async function serverTexts(db: Queryable, expressions: readonly Expression[]): Promise<(string | undefined)[]> {
  // Names no other batch of this session uses; manifest names are lowercase, so `K` and `E<i>` are free.
  const prefix = `schemagen_deparse_${++batches}_`;
  const statements: string[] = [];
  const tables = new Map<string, string>();
  const tableFor = (columns: readonly DeclaredColumn[]) => {
    const key = JSON.stringify(columns);
    let name = tables.get(key);
    if (name === undefined) {
      tables.set(key, (name = `pg_temp.${quoteIdent(`${prefix}${tables.size}`)}`));
      // Guarded too: a role without TEMP, or a standby, leaves every expression unknown, not an error.
      statements.push(guarded(`CREATE TEMP TABLE ${name} ("K" integer)`));
      // Column by column: a type that does not exist yet fails only what names that column.
      for (const c of columns)
        statements.push(guarded(`ALTER TABLE ${name} ADD COLUMN ${quoteIdent(c.name)} ${c.type}`));
    }
    return name;
  };
  expressions.forEach((e, i) => {
    const table = tableFor(
      e.kind === 'default' || e.kind === 'domain check' || e.kind === 'view' || e.kind === 'signature' ? [] : e.columns,
    );
    statements.push(guarded(...storing(e, table, quoteIdent(`E${i}`), quoteIdent(`${prefix}E${i}`))));
  });
  const rows = await rolledBack(db, async (q) => {
    await q.batch(statements);
    return q.query<{ item: string; text: string }>(READ_BACK, [prefix]);
  });
  const texts: (string | undefined)[] = expressions.map(() => undefined);
  for (const { item, text } of rows ?? []) {
    const i = Number(item.slice(1));
    const kind = expressions[i]!.kind;
    texts[i] =
      kind === 'check' || kind === 'domain check' ? conditionOf(text) : kind === 'trigger' ? triggerAction(text) : text;
  }
  return texts;
}

/** The statements that store `e` on `table` as item `item` (a constraint or column; `index` names an index). */
function storing(e: Expression, table: string, item: string, index: string): string[] {
  switch (e.kind) {
    case 'check':
      return [`ALTER TABLE ${table} ADD CONSTRAINT ${item} CHECK (${e.sql})`];
    // A temporary domain of the base type: VALUE means what it means in the manifest's domain.
    case 'domain check':
      return [`CREATE DOMAIN pg_temp.${index} AS ${e.type} CONSTRAINT ${item} CHECK (${e.sql})`];
    case 'default':
      // SET DEFAULT rather than ADD COLUMN … DEFAULT, which would evaluate a stable default once.
      return [
        `ALTER TABLE ${table} ADD COLUMN ${item} ${e.type}`,
        `ALTER TABLE ${table} ALTER COLUMN ${item} SET DEFAULT (${e.sql})`,
      ];
    case 'predicate':
      return [`CREATE INDEX ${index} ON ${table} ("K") WHERE (${e.sql})`];
    case 'index key':
      return [`CREATE INDEX ${index} ON ${table} ((${e.sql}))`];
    case 'generated':
      return [`ALTER TABLE ${table} ADD COLUMN ${item} ${e.type} GENERATED ALWAYS AS (${e.sql}) STORED`];
    // A table of the declared columns partitioned by the key (read back as `E<i>`), and for a bound one
    // partition of such a table (its parent `P<i>`, which the read-back leaves out).
    case 'partition key':
      return [`CREATE TEMP TABLE ${index} (LIKE ${table}) PARTITION BY ${e.sql}`];
    // A view's query, on a temporary view (a materialized view's query prints the same way).
    case 'view':
      return [`CREATE TEMP VIEW ${index} AS ${e.sql}`];
    // A function's arguments (`sql`) and result (`type`; none for a procedure), on an empty temporary one.
    case 'signature':
      return [
        e.type === undefined
          ? `CREATE PROCEDURE pg_temp.${index}(${e.sql}) LANGUAGE plpgsql AS 'begin end'`
          : `CREATE FUNCTION pg_temp.${index}(${e.sql}) RETURNS ${e.type} LANGUAGE plpgsql AS 'begin end'`,
      ];
    // A trigger on the temporary table of the declared columns, which its condition may name.
    case 'trigger':
      return [`CREATE TRIGGER ${index} ${e.key} ON ${table} ${e.sql}`];
    // A policy's condition on the temporary table of the declared columns.
    case 'policy':
      return [`CREATE POLICY ${index} ON ${table} ${e.key} (${e.sql})`];
    case 'partition bound': {
      const parent = index.replace(/"$/, '_P"');
      return [
        `CREATE TEMP TABLE ${parent} (LIKE ${table}) PARTITION BY ${e.key}`,
        `CREATE TEMP TABLE ${index} PARTITION OF ${parent} ${e.sql}`,
      ];
    }
  }
}

/**
 * A DO block whose failure (a missing type, a function that does not exist, an expression a check
 * refuses) is its own: the batch goes on and the item reads back as unknown. The body is an
 * ordinary quoted string, so no text of the manifest can end it.
 */
const guarded = (...statements: string[]) =>
  `DO ${sqlQuote(`BEGIN ${statements.join('; ')}; EXCEPTION WHEN others THEN NULL; END`)}`;

/** The same functions, with the same arguments, as the catalog reader (catalog/query.ts). */
const READ_BACK = `
select k.conname as item, pg_get_constraintdef(k.oid, true) as text
  from pg_constraint k join pg_class c on c.oid = k.conrelid
 where c.relnamespace = pg_my_temp_schema() and starts_with(c.relname, $1::text) and k.contype = 'c'
union all
select k.conname, pg_get_constraintdef(k.oid, true)
  from pg_constraint k join pg_type t on t.oid = k.contypid
 where t.typnamespace = pg_my_temp_schema() and starts_with(t.typname, $1::text) and k.contype = 'c'
union all
select a.attname, pg_get_expr(d.adbin, case when a.attgenerated = '' then 0 else d.adrelid end)
  from pg_attrdef d join pg_attribute a on a.attrelid = d.adrelid and a.attnum = d.adnum
  join pg_class c on c.oid = d.adrelid
 where c.relnamespace = pg_my_temp_schema() and starts_with(c.relname, $1::text)
union all
select substr(c.relname, length($1::text) + 1), pg_get_expr(i.indpred, i.indrelid)
  from pg_index i join pg_class c on c.oid = i.indexrelid
 where c.relnamespace = pg_my_temp_schema() and starts_with(c.relname, $1::text) and i.indpred is not null
union all
select substr(c.relname, length($1::text) + 1), pg_get_indexdef(i.indexrelid, 1, true)
  from pg_index i join pg_class c on c.oid = i.indexrelid
 where c.relnamespace = pg_my_temp_schema() and starts_with(c.relname, $1::text) and i.indkey[0] = 0
union all
select substr(c.relname, length($1::text) + 1),
       case when c.relispartition then pg_get_expr(c.relpartbound, c.oid) else pg_get_partkeydef(c.oid) end
  from pg_class c
 where c.relnamespace = pg_my_temp_schema() and starts_with(c.relname, $1::text) and c.relname !~ '_P$'
   and (c.relispartition or c.relkind = 'p')
union all
select substr(c.relname, length($1::text) + 1), pg_get_viewdef(c.oid, true)
  from pg_class c
 where c.relnamespace = pg_my_temp_schema() and starts_with(c.relname, $1::text) and c.relkind = 'v'
union all
select substr(p.proname, length($1::text) + 1),
       '(' || pg_get_function_arguments(p.oid) || ') → ' || coalesce(pg_get_function_result(p.oid), '')
  from pg_proc p
 where p.pronamespace = pg_my_temp_schema() and starts_with(p.proname, $1::text)
union all
select substr(p.polname, length($1::text) + 1), pg_get_expr(coalesce(p.polqual, p.polwithcheck), p.polrelid)
  from pg_policy p join pg_class c on c.oid = p.polrelid
 where c.relnamespace = pg_my_temp_schema() and starts_with(p.polname, $1::text)
union all
select substr(t.tgname, length($1::text) + 1), pg_get_triggerdef(t.oid)
  from pg_trigger t join pg_class c on c.oid = t.tgrelid
 where c.relnamespace = pg_my_temp_schema() and starts_with(t.tgname, $1::text)`;

class Discard {
  constructor(readonly value: unknown) {}
}

/**
 * Runs `fn` where what it creates is thrown away: under a savepoint of the transaction `db` is in
 * (push), or in a transaction of its own (verify, whose snapshot is read-only and refuses CREATE).
 * Undefined when `db` offers neither.
 */
async function rolledBack<T>(db: Queryable, fn: (q: Queryable) => Promise<T>): Promise<T | undefined> {
  const scope = isDb(db) ? db.transaction.bind(db) : db.savepoint?.bind(db);
  if (!scope) return undefined;
  try {
    await scope(async (q) => {
      throw new Discard(await fn(q));
    });
  } catch (err) {
    if (err instanceof Discard) return err.value as T;
    throw err;
  }
  return undefined;
}

const isDb = (q: Queryable): q is Db => typeof (q as Partial<Db>).transaction === 'function';
