import type { Service } from '../../model/types.js';
import { isWidening } from '../compare/widening.js';

/**
 * Reads each planned DDL statement before it runs: which schemas it touches and whether it can lose
 * data. drizzle-kit quotes every identifier, so `"schema"."name"` pairs are the objects a statement
 * names; text inside string literals is skipped.
 */
export interface StatementScan {
  /** schemas named outside REFERENCES clauses */
  readonly touches: readonly string[];
  /** schemas named after REFERENCES */
  readonly references: readonly string[];
  readonly createsSchema?: string;
  readonly dropsSchema?: string;
}

export function scanStatement(sql: string): StatementScan {
  const touches: string[] = [];
  const references: string[] = [];
  const tokens = tokenize(sql);
  let afterReferences = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'word') afterReferences = t.text.toUpperCase() === 'REFERENCES';
    if (t.kind === 'ident' && tokens[i + 1]?.text === '.' && tokens[i + 2]?.kind === 'ident') {
      (afterReferences ? references : touches).push(t.text);
      afterReferences = false;
      i += 2;
    }
  }
  const head = tokens
    .slice(0, 2)
    .map((t) => t.text.toUpperCase())
    .join(' ');
  // CREATE SCHEMA [IF NOT EXISTS] name: the first token that is not part of the keywords.
  const schemaArg =
    tokens.slice(2).find((t) => t.kind === 'ident' || (t.kind === 'word' && !/^(IF|NOT|EXISTS)$/i.test(t.text)))
      ?.text ?? '';
  return {
    touches,
    references,
    createsSchema: head === 'CREATE SCHEMA' ? schemaArg : undefined,
    dropsSchema: head === 'DROP SCHEMA' ? schemaArg : undefined,
  };
}

/** Why a statement must not run as part of a push of `schema`, or undefined when it may. */
export function outsideSchema(sql: string, schema: string, referencable: ReadonlySet<string>): string | undefined {
  const scan = scanStatement(sql);
  if (scan.dropsSchema) return `drops schema ${scan.dropsSchema}`;
  if (scan.createsSchema !== undefined)
    return scan.createsSchema === schema ? undefined : `creates schema ${scan.createsSchema}, not ${schema}`;
  if (scan.touches.length === 0)
    return (
      `names no schema-qualified object, so it would act on the search path (public); ` +
      `expected objects in ${schema}`
    );
  const foreign = scan.touches.find((s) => s !== schema);
  if (foreign) return `touches schema ${foreign}; a push of ${schema} may only change ${schema}`;
  const badRef = scan.references.find((s) => s !== schema && !referencable.has(s));
  if (badRef) return `references schema ${badRef}, which the manifest does not reference from ${schema}`;
  return undefined;
}

export interface DataLoss {
  readonly statement: string;
  readonly what: string;
  /** counts rows that would lose data: all rows, or rows where the column is set */
  readonly countSql?: string;
  /** a dropped table, `"schema"."name"`: its CASCADE would also drop what depends on it */
  readonly dropsRelation?: string;
}

/**
 * Objects outside schema `$2` that depend on relation `$1` (foreign keys, views): `DROP TABLE …
 * CASCADE` would silently remove them, changing another service's schema.
 */
export const DEPENDENTS_ELSEWHERE = `
select format('constraint %s of %s.%s', k.conname, n.nspname, c.relname) as what
  from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace
 where k.confrelid = to_regclass($1) and n.nspname <> $2
union
select format('view %s.%s', n.nspname, v.relname)
  from pg_depend d join pg_rewrite r on r.oid = d.objid join pg_class v on v.oid = r.ev_class
  join pg_namespace n on n.oid = v.relnamespace
 where d.classid = 'pg_rewrite'::regclass and d.refclassid = 'pg_class'::regclass and d.refobjid = to_regclass($1)
   and v.oid <> d.refobjid and n.nspname <> $2
order by 1`;

const Q = '"((?:[^"]|"")+)"';
const PATTERNS: readonly [RegExp, (m: RegExpExecArray) => Omit<DataLoss, 'statement'>][] = [
  [
    new RegExp(`^DROP TABLE (?:IF EXISTS )?${Q}\\.${Q}`, 'i'),
    (m) => ({
      what: `drops table ${m[1]}.${m[2]}`,
      countSql: `select count(*) as n from "${m[1]}"."${m[2]}"`,
      dropsRelation: `"${m[1]}"."${m[2]}"`,
    }),
  ],
  [
    new RegExp(`^TRUNCATE (?:TABLE )?${Q}\\.${Q}`, 'i'),
    (m) => ({ what: `empties table ${m[1]}.${m[2]}`, countSql: `select count(*) as n from "${m[1]}"."${m[2]}"` }),
  ],
  [
    new RegExp(`^DELETE FROM ${Q}\\.${Q}`, 'i'),
    (m) => ({ what: `deletes rows of ${m[1]}.${m[2]}`, countSql: `select count(*) as n from "${m[1]}"."${m[2]}"` }),
  ],
  [
    new RegExp(`^ALTER TABLE ${Q}\\.${Q} DROP COLUMN (?:IF EXISTS )?${Q}`, 'i'),
    (m) => ({
      what: `drops column ${m[1]}.${m[2]}.${m[3]}`,
      countSql: `select count(*) as n from "${m[1]}"."${m[2]}" where "${m[3]}" is not null`,
    }),
  ],
  [
    new RegExp(`^ALTER TABLE ${Q}\\.${Q} ALTER COLUMN ${Q} SET DATA TYPE`, 'i'),
    (m) => ({
      what: `changes the type of ${m[1]}.${m[2]}.${m[3]} (values are cast)`,
      countSql: `select count(*) as n from "${m[1]}"."${m[2]}" where "${m[3]}" is not null`,
    }),
  ],
  [
    new RegExp(`^DROP TYPE (?:IF EXISTS )?${Q}\\.${Q}`, 'i'),
    (m) => ({ what: `drops enum ${m[1]}.${m[2]} (and with it any value not recreated)` }),
  ],
];

/** The current type of a column (catalog spelling), when the column exists. */
export type ColumnType = (schema: string, table: string, column: string) => string | undefined;

const SET_TYPE = new RegExp(`^ALTER TABLE ${Q}\\.${Q} ALTER COLUMN ${Q} SET DATA TYPE (.+?);?$`, 'is');

/** The column a `SET DATA TYPE` statement changes, and the type it asks for. */
export function retyped(sql: string): { schema: string; table: string; column: string; to: string } | undefined {
  const change = SET_TYPE.exec(sql.trim());
  const unquote = (name: string) => name.replace(/""/g, '"');
  return change
    ? { schema: unquote(change[1]!), table: unquote(change[2]!), column: unquote(change[3]!), to: change[4]! }
    : undefined;
}

export function dataLoss(sql: string, columnType?: ColumnType): DataLoss | undefined {
  const text = sql.trim();
  // A widening keeps every value (integer → bigint, varchar(40) → varchar(80) or text); a USING clause may not.
  const change = retyped(text);
  if (change && !/\bUSING\b/i.test(change.to)) {
    const current = columnType?.(change.schema, change.table, change.column);
    if (current !== undefined && isWidening(current, change.to)) return undefined;
  }
  for (const [re, describe] of PATTERNS) {
    const m = re.exec(text);
    if (m) return { statement: sql, ...describe(m) };
  }
  return undefined;
}

interface Token {
  readonly kind: 'ident' | 'word' | 'string' | 'punct';
  readonly text: string;
}

function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < sql.length;) {
    const c = sql[i]!;
    if (/\s/.test(c)) i++;
    else if (c === '"' || c === "'") {
      let j = i + 1;
      let text = '';
      for (; j < sql.length; j++) {
        if (sql[j] === c && sql[j + 1] === c) {
          text += c;
          j++;
        } else if (sql[j] === c) break;
        else text += sql[j];
      }
      tokens.push({ kind: c === '"' ? 'ident' : 'string', text });
      i = j + 1;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(sql.slice(i))![0];
      tokens.push({ kind: 'word', text: m });
      i += m.length;
    } else {
      tokens.push({ kind: 'punct', text: c });
      i++;
    }
  }
  return tokens;
}

/** The schemas a service's foreign keys point into: the only other schemas its statements may name. */
export function referencedSchemas(service: Service): string[] {
  return [...new Set(service.tables.flatMap((t) => t.foreignKeys.map((f) => f.target.schema)))];
}
