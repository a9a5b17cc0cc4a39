import type { CatalogSchema } from '../catalog/types.js';
import type { Queryable } from '../connect/queryable.js';
import { quoteIdent as q } from '../../shared/sql-quote.js';
import type { ColumnType } from './guard.js';
import { isWidening } from '../compare/widening.js';

/** The table-level lock a statement takes, weakest to strongest (PostgreSQL's names). */
export type Lock =
  'none' | 'ROW EXCLUSIVE' | 'SHARE UPDATE EXCLUSIVE' | 'SHARE' | 'SHARE ROW EXCLUSIVE' | 'ACCESS EXCLUSIVE';

/** One statement of a push with what it does to a live table. */
export interface Step {
  readonly sql: string;
  /** `transaction`: inside the service's transaction; `online`: after it commits, on its own */
  readonly phase: 'transaction' | 'online';
  readonly lock: Lock;
  /** `schema.table` the lock is taken on */
  readonly table?: string;
  /** the table's estimated rows (pg_class.reltuples); absent for a new or never-analysed table */
  readonly rows?: number;
  readonly rewrites: boolean;
  readonly scans: boolean;
  /** set when it scans or rewrites a table holding rows while writes (and maybe reads) wait */
  readonly hazard?: string;
  /** run when the step fails, so nothing half-made stays behind (an invalid index, an unvalidated constraint) */
  readonly undo?: string;
  /**
   * for a step adding or validating a rule: which constraint, how to name it, and the query counting
   * the rows that break it (run before anything is applied: existingViolations)
   */
  readonly violations?: { readonly constraint: string; readonly what: string; readonly countSql: string };
}

/** A constraint a push would add that existing rows break. */
export interface Violation {
  readonly constraint: string;
  readonly message: string;
}

export interface TableFacts {
  readonly rows?: number;
  readonly populated: boolean;
}

/** What the planner needs to know about the live tables of one schema. */
export interface Facts {
  readonly tables: ReadonlyMap<string, TableFacts>;
  /** index name → the table it is on */
  readonly indexTable: ReadonlyMap<string, string>;
}

const FACTS = `
select c.relname as name, c.reltuples::float8 as estimate, pg_relation_size(c.oid) > 0 as populated,
       coalesce((select json_agg(ic.relname) from pg_index i join pg_class ic on ic.oid = i.indexrelid
                  where i.indrelid = c.oid), '[]') as indexes
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
 where n.nspname = $1 and c.relkind in ('r', 'p')`;

/** Row estimates and index owners; a table whose data file is not empty counts as holding rows. */
export async function readFacts(db: Queryable, schema: string): Promise<Facts> {
  type Row = { name: string; estimate: number; populated: boolean; indexes: string[] | string };
  const rows = await db.query<Row>(FACTS, [schema]);
  const tables = new Map<string, TableFacts>();
  const indexTable = new Map<string, string>();
  for (const r of rows) {
    // reltuples is -1 until the table is first vacuumed or analysed: its estimate is then unknown.
    tables.set(r.name, {
      rows: r.estimate >= 0 ? Math.round(r.estimate) : undefined,
      populated: r.populated || r.estimate > 0,
    });
    const indexes = typeof r.indexes === 'string' ? (JSON.parse(r.indexes) as string[]) : r.indexes;
    for (const ix of indexes) indexTable.set(ix, r.name);
  }
  return { tables, indexTable };
}

const I = '"((?:[^"]|"")+)"';
const CREATE_INDEX = new RegExp(`^CREATE (UNIQUE )?INDEX (IF NOT EXISTS )?${I} ON (?:ONLY )?${I}\\.${I}(.*)$`, 'is');
const DROP_INDEX = new RegExp(`^DROP INDEX (?:IF EXISTS )?${I}\\.${I}$`, 'is');
const ALTER = new RegExp(`^ALTER TABLE (?:ONLY )?${I}\\.${I} (.*)$`, 'is');
const ADD_CONSTRAINT = new RegExp(`^ADD CONSTRAINT ${I} (FOREIGN KEY|CHECK|UNIQUE)(.*)$`, 'is');
const SET_NOT_NULL = new RegExp(`^ALTER COLUMN ${I} SET NOT NULL$`, 'is');
const SET_TYPE = new RegExp(`^ALTER COLUMN ${I} SET DATA TYPE (.+)$`, 'is');
const FK_TARGET = new RegExp(`^ \\(${I}\\) REFERENCES ${I}\\.${I}\\s*\\(${I}\\)`, 'is');
/** defaults PostgreSQL must compute per row, so adding the column rewrites the table */
const VOLATILE = new RegExp(
  String.raw`\b(?:gen_random_uuid|uuid_generate_v\d\w*|random|clock_timestamp|timeofday|nextval)\s*\(` +
    String.raw`|\bGENERATED\b|\b(?:small|big)?serial\b`,
  'i',
);

const unq = (name: string) => name.replace(/""/g, '"');
const bare = (sql: string) => sql.trim().replace(/;\s*$/, '');
/** PostgreSQL truncates names at 63 bytes; helpers keep their suffix. */
const helperName = (base: string, suffix: string) => {
  const kept = Buffer.from(base)
    .subarray(0, 63 - suffix.length)
    .toString()
    .replace(/\uFFFD$/, '');
  return `${kept}${suffix}`;
};
const NN_SUFFIX = '_schemagen_nn';
export const notNullHelper = (column: string) => helperName(column, NN_SUFFIX);
const swapName = (index: string) => helperName(index, '_schemagen_swap');

/**
 * Turns planned statements into steps. With `online` (a server, not PGlite), a change to a table that
 * holds rows takes its non-blocking form: indexes built and dropped CONCURRENTLY after commit, foreign
 * keys and checks added NOT VALID and validated after commit, NOT NULL proven by a validated check,
 * uniques built from a concurrent index. Everything else runs in the transaction as planned.
 */
export function planSteps(
  planned: readonly string[],
  schema: string,
  facts: Facts,
  columnType: ColumnType,
  online: boolean,
): Step[] {
  const populated = (table: string) => online && (facts.tables.get(table)?.populated ?? false);
  const at = (table: string) => ({ table: `${schema}.${table}`, rows: facts.tables.get(table)?.rows });
  const statements = planned.map(bare);
  // A dropped index re-created under the same name is a changed index: build the new one beside it.
  const dropped = new Set(statements.flatMap((s) => (DROP_INDEX.exec(s) ? [unq(DROP_INDEX.exec(s)![2]!)] : [])));
  const recreated = new Set<string>();
  for (const s of statements) {
    const m = CREATE_INDEX.exec(s);
    if (m && dropped.has(unq(m[3]!)) && populated(unq(m[5]!))) recreated.add(unq(m[3]!));
  }
  // A helper check we add again replaces the one a killed push left; drizzle-kit's plan to drop it goes.
  const helpers = new Set<string>();
  const steps: Step[] = [];
  const tx = (sql: string, lock: Lock, table: string | undefined, rewrites = false, scans = false): Step => ({
    sql,
    phase: 'transaction',
    lock,
    ...(table ? at(table) : {}),
    rewrites,
    scans,
  });
  const later = (sql: string, lock: Lock, table: string, extra: Partial<Step> = {}): Step => ({
    sql,
    phase: 'online',
    lock,
    ...at(table),
    rewrites: false,
    scans: false,
    ...extra,
  });
  for (const sql of statements) {
    const index = CREATE_INDEX.exec(sql);
    if (index) {
      const [, unique = '', ifNot = '', rawName, , rawTable, rest] = index;
      const name = unq(rawName!);
      const table = unq(rawTable!);
      if (!populated(table)) {
        steps.push(tx(sql, facts.tables.has(table) ? 'SHARE' : 'none', table, false, facts.tables.has(table)));
        continue;
      }
      const build = (as: string) =>
        `CREATE ${unique}INDEX CONCURRENTLY ${ifNot}${q(as)} ON ${q(schema)}.${q(table)}${rest}`;
      const undo = (as: string) => `DROP INDEX CONCURRENTLY IF EXISTS ${q(schema)}.${q(as)}`;
      if (!recreated.has(name)) {
        steps.push(later(build(name), 'SHARE UPDATE EXCLUSIVE', table, { scans: true, undo: undo(name) }));
        continue;
      }
      const temp = swapName(name);
      steps.push(later(build(temp), 'SHARE UPDATE EXCLUSIVE', table, { scans: true, undo: undo(temp) }));
      steps.push(later(undo(name), 'SHARE UPDATE EXCLUSIVE', table));
      steps.push(later(`ALTER INDEX ${q(schema)}.${q(temp)} RENAME TO ${q(name)}`, 'SHARE UPDATE EXCLUSIVE', table));
      continue;
    }
    const drop = DROP_INDEX.exec(sql);
    if (drop) {
      const table = facts.indexTable.get(unq(drop[2]!));
      if (recreated.has(unq(drop[2]!))) continue; // dropped by the swap above
      const concurrently = `DROP INDEX CONCURRENTLY IF EXISTS ${q(schema)}.${q(unq(drop[2]!))}`;
      if (table && populated(table)) steps.push(later(concurrently, 'SHARE UPDATE EXCLUSIVE', table));
      else steps.push(tx(sql, table ? 'ACCESS EXCLUSIVE' : 'none', table));
      continue;
    }
    const alter = ALTER.exec(sql);
    if (alter) {
      const table = unq(alter[2]!);
      steps.push(
        ...alterSteps(table, alter[3]!, {
          schema,
          populated,
          tx,
          later,
          columnType,
          helpers,
          exists: facts.tables.has(table),
        }),
      );
      continue;
    }
    steps.push(otherStep(sql, schema, facts, at));
  }
  const holdsRows = (qualified: string | undefined) =>
    facts.tables.get(qualified?.slice(schema.length + 1) ?? '')?.populated ?? false;
  const replanned = (s: Step) => s.phase === 'transaction' && helpers.has(droppedHelper(s.sql) ?? '');
  return steps.filter((s) => !replanned(s)).map((s) => withHazard(s, holdsRows(s.table)));
}

interface AlterContext {
  readonly schema: string;
  readonly exists: boolean;
  readonly populated: (table: string) => boolean;
  readonly tx: (sql: string, lock: Lock, table: string | undefined, rewrites?: boolean, scans?: boolean) => Step;
  readonly later: (sql: string, lock: Lock, table: string, extra?: Partial<Step>) => Step;
  readonly columnType: ColumnType;
  readonly helpers: Set<string>;
}

function alterSteps(table: string, action: string, c: AlterContext): Step[] {
  const target = `${q(c.schema)}.${q(table)}`;
  const sql = `ALTER TABLE ${target} ${action}`;
  const full = c.exists && c.populated(table);
  const constraint = ADD_CONSTRAINT.exec(action);
  const kind = constraint?.[2]!.toUpperCase();
  // Added NOT VALID in the transaction (no scan), validated after the commit.
  const validate = (added: string, name: string, lockOn: Lock, what: string, countSql: string): Step[] => [
    c.tx(added, lockOn, table),
    c.later(`ALTER TABLE ${target} VALIDATE CONSTRAINT ${q(name)}`, 'SHARE UPDATE EXCLUSIVE', table, {
      scans: true,
      undo: `ALTER TABLE ${target} DROP CONSTRAINT IF EXISTS ${q(name)}`,
      violations: { constraint: name, what, countSql },
    }),
  ];
  const count = (where: string) => `select count(*) as n from ${target} a where ${where}`;
  // The rows breaking a check: counted before the transaction runs (existingViolations), whichever way it is added.
  const checkRule = (name: string, rest: string) => {
    const expr = /^\s*\((.*)\)\s*$/s.exec(rest)?.[1] ?? 'false';
    return { constraint: name, what: `check ${name}`, countSql: count(`not (${expr})`) };
  };
  if (constraint && full) {
    const name = unq(constraint[1]!);
    const rest = constraint[3]!;
    if (kind === 'CHECK') {
      const { what, countSql } = checkRule(name, rest);
      return validate(`${sql} NOT VALID`, name, 'ACCESS EXCLUSIVE', what, countSql);
    }
    if (kind === 'FOREIGN KEY') {
      const fk = FK_TARGET.exec(rest);
      const orphans = fk
        ? count(
            `a.${q(fk[1]!)} is not null and not exists (select 1 from ` +
              `${q(fk[2]!)}.${q(fk[3]!)} b where b.${q(fk[4]!)} = a.${q(fk[1]!)})`,
          )
        : 'select 0 as n';
      return validate(`${sql} NOT VALID`, name, 'SHARE ROW EXCLUSIVE', `foreign key ${name}`, orphans);
    }
    return uniqueSteps(name, rest, target, table, c);
  }
  const notNull = SET_NOT_NULL.exec(action);
  if (notNull && full) {
    const column = unq(notNull[1]!);
    const helper = notNullHelper(column);
    c.helpers.add(helper);
    const add =
      `ALTER TABLE ${target} DROP CONSTRAINT IF EXISTS ${q(helper)}, ADD CONSTRAINT ` +
      `${q(helper)} CHECK (${q(column)} IS NOT NULL) NOT VALID`;
    return [
      ...validate(
        add,
        helper,
        'ACCESS EXCLUSIVE',
        `NOT NULL on ${c.schema}.${table}.${column}`,
        count(`${q(column)} is null`),
      ),
      // The validated check proves the column holds no null, so SET NOT NULL skips its scan.
      c.later(sql, 'ACCESS EXCLUSIVE', table),
      c.later(`ALTER TABLE ${target} DROP CONSTRAINT ${q(helper)}`, 'ACCESS EXCLUSIVE', table),
    ];
  }
  if (!c.exists) return [c.tx(sql, 'none', undefined)];
  const lock = kind === 'FOREIGN KEY' ? 'SHARE ROW EXCLUSIVE' : 'ACCESS EXCLUSIVE';
  const step = c.tx(sql, lock, table, rewrites(table, action, c.columnType, c.schema), scans(action));
  return [kind === 'CHECK' ? { ...step, violations: checkRule(unq(constraint![1]!), constraint![3]!) } : step];
}

/** UNIQUE [NULLS NOT DISTINCT] (cols) on a table holding rows: a unique index built concurrently, then attached. */
function uniqueSteps(name: string, rest: string, target: string, table: string, c: AlterContext): Step[] {
  const cols = /\(([^)]*)\)\s*$/s.exec(rest)?.[1] ?? '';
  const nullsNotDistinct = /NULLS NOT DISTINCT/i.test(rest);
  const notNull = nullsNotDistinct
    ? ''
    : `where ${cols
        .split(',')
        .map((x) => `${x.trim()} is not null`)
        .join(' and ')}`;
  const groups = `select count(*) as n from ${target} ${notNull} group by ${cols} having count(*) > 1`;
  const build =
    `CREATE UNIQUE INDEX CONCURRENTLY ${q(name)} ON ${target} ` +
    `(${cols})${nullsNotDistinct ? ' NULLS NOT DISTINCT' : ''}`;
  return [
    c.later(build, 'SHARE UPDATE EXCLUSIVE', table, {
      scans: true,
      undo: `DROP INDEX CONCURRENTLY IF EXISTS ${q(c.schema)}.${q(name)}`,
      violations: {
        constraint: name,
        what: `unique constraint ${name}`,
        countSql: `select coalesce(sum(n), 0) as n from (${groups}) d`,
      },
    }),
    c.later(`ALTER TABLE ${target} ADD CONSTRAINT ${q(name)} UNIQUE USING INDEX ${q(name)}`, 'ACCESS EXCLUSIVE', table),
  ];
}

/** Whether an ALTER TABLE action rewrites every row (PostgreSQL 11+: a constant default does not). */
function rewrites(table: string, action: string, columnType: ColumnType, schema: string): boolean {
  if (/^ADD COLUMN /i.test(action)) return VOLATILE.test(action);
  const type = SET_TYPE.exec(action);
  if (!type) return false;
  const current = columnType(schema, table, unq(type[1]!));
  // Lengthening a varchar or turning it into text keeps the stored bytes.
  const text = current !== undefined && /^(character varying|varchar|text)/i.test(current);
  return !(text && isWidening(current, type[2]!) && !/\bUSING\b/i.test(type[2]!));
}

/** Actions that read every row to check it, under the statement's lock. */
const VALIDATING_CONSTRAINT = /(^|,\s*)ADD CONSTRAINT .* (CHECK|FOREIGN KEY|UNIQUE|PRIMARY KEY)\b(?!.*NOT VALID$)/is;
const scans = (action: string) =>
  VALIDATING_CONSTRAINT.test(action) ||
  /^ALTER COLUMN .* SET NOT NULL$/is.test(action) ||
  // A new NOT NULL column is checked row by row unless a constant default fills it.
  (/^ADD COLUMN .*\bNOT NULL\b/is.test(action) && (!/\bDEFAULT\b/i.test(action) || VOLATILE.test(action)));

function otherStep(sql: string, schema: string, facts: Facts, at: (table: string) => Partial<Step>): Step {
  const on = new RegExp(`^(?:DROP TABLE|TRUNCATE|COMMENT ON (?:TABLE|COLUMN)) (?:IF EXISTS )?${I}\\.${I}`, 'is').exec(
    sql,
  );
  const table = on && unq(on[1]!) === schema && facts.tables.has(unq(on[2]!)) ? unq(on[2]!) : undefined;
  const lock: Lock = !table ? 'none' : /^COMMENT/i.test(sql) ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE';
  const place = table ? at(table) : {};
  return { sql, phase: 'transaction', lock, ...place, rewrites: /^TRUNCATE/i.test(sql), scans: false };
}

const DROP_CONSTRAINT = new RegExp(`^ALTER TABLE ${I}\\.${I} DROP CONSTRAINT ${I}$`, 'is');
const droppedHelper = (sql: string) => DROP_CONSTRAINT.exec(sql)?.[3]?.replace(/""/g, '"');

/** Writes wait behind SHARE and stronger locks; reads too behind ACCESS EXCLUSIVE. */
function withHazard(step: Step, holdsRows: boolean): Step {
  if (!holdsRows || step.phase !== 'transaction' || !(step.rewrites || step.scans)) return step;
  if (step.lock === 'none' || step.lock === 'SHARE UPDATE EXCLUSIVE') return step;
  const who = step.lock === 'ACCESS EXCLUSIVE' ? 'reads and writes' : 'writes';
  const rows = step.rows === undefined ? '' : ` (about ${step.rows} rows)`;
  const work = step.rewrites ? 'rewrites' : 'scans';
  return { ...step, hazard: `${work} ${step.table}${rows} under ${step.lock}: ${who} wait until it ends` };
}

/** VALIDATE for each constraint left NOT VALID (a push killed between its phases); helpers are re-planned instead. */
export function validationSteps(catalog: CatalogSchema, schema: string): Step[] {
  return catalog.tables.flatMap((t) =>
    t.constraints
      .filter((k) => k.validated === false && !k.name.endsWith(NN_SUFFIX))
      .map((k): Step => ({
        sql: `ALTER TABLE ${q(schema)}.${q(t.name)} VALIDATE CONSTRAINT ${q(k.name)}`,
        phase: 'online',
        lock: 'SHARE UPDATE EXCLUSIVE',
        table: `${schema}.${t.name}`,
        rewrites: false,
        scans: true,
      })),
  );
}
