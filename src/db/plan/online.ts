import type { Index } from '../../model/types.js';
import type { WantedConstraint } from '../compare/wanted.js';
import { qualified, quoteIdent as q } from '../../shared/sql-quote.js';
import { constraintBody, createIndex } from './ddl.js';
import { inTransaction, online, type Lock, type Place, type Step } from './steps.js';

/**
 * The forms a change takes on a live table. On a server (not PGlite), a table that holds rows gets
 * the non-blocking form: indexes built and dropped CONCURRENTLY after the commit, foreign keys and
 * checks added NOT VALID and validated after the commit, NOT NULL proven by a validated check,
 * uniques attached to an index built concurrently. Everything else runs in the transaction.
 */
export interface On {
  readonly schema: string;
  readonly table: string;
  /** the table exists before the push (it is not created by it) */
  readonly exists: boolean;
  /** it exists and holds rows, on a server: the online forms apply */
  readonly busy: boolean;
  /** a partitioned table: no CONCURRENTLY on it, no NOT VALID foreign keys */
  readonly partitioned: boolean;
  readonly rows?: number;
}

export const placeOf = (on: On): Place =>
  on.exists ? { table: `${on.schema}.${on.table}`, rows: on.rows } : { table: `${on.schema}.${on.table}` };
const target = (on: On) => qualified(on.schema, on.table);
const count = (on: On, where: string) => `select count(*) as n from ${target(on)} a where ${where}`;

/** PostgreSQL truncates names at 63 bytes; helpers keep their suffix. */
export const helperName = (base: string, suffix: string) => {
  const kept = Buffer.from(base)
    .subarray(0, 63 - suffix.length)
    .toString()
    .replace(/\uFFFD$/, '');
  return `${kept}${suffix}`;
};
export const NN_SUFFIX = '_schemagen_nn';
export const notNullHelper = (column: string) => helperName(column, NN_SUFFIX);
const swapName = (index: string) => helperName(index, '_schemagen_swap');

/** The rows breaking a rule, counted before anything is applied (existingViolations). */
function violationsOf(on: On, k: WantedConstraint): Step['violations'] {
  if (!on.exists) return undefined;
  if (k.type === 'c') return { constraint: k.name, what: `check ${k.name}`, countSql: count(on, `not (${k.sql})`) };
  if (k.type === 'f') {
    // MATCH SIMPLE (the default): a row with a null in any of the key's columns references nothing.
    const { columns, target: t } = k.fk;
    const present = columns.map((c) => `a.${q(c)} is not null`).join(' and ');
    const matched = columns.map((c, i) => `b.${q(t.columns[i]!)} = a.${q(c)}`).join(' and ');
    const orphans = count(
      on,
      `${present} and not exists (select 1 from ${qualified(t.schema, t.table)} b where ${matched})`,
    );
    return { constraint: k.name, what: `foreign key ${k.name}`, countSql: orphans };
  }
  return undefined;
}

/**
 * Adds a declared constraint (`replacing` the live one of its name in the same statement); on a busy
 * table, without holding writes while the rows are checked.
 */
export function addConstraint(on: On, k: WantedConstraint, replacing?: string): Step[] {
  const object = `${on.schema}.${on.table}.${k.name}`;
  const drop = replacing === undefined ? '' : `DROP CONSTRAINT ${q(replacing)}, `;
  const add = `ALTER TABLE ${target(on)} ${drop}ADD CONSTRAINT ${q(k.name)} ${constraintBody(k)}`;
  const lock: Lock = k.type === 'f' ? 'SHARE ROW EXCLUSIVE' : 'ACCESS EXCLUSIVE';
  const violations = violationsOf(on, k);
  const validateLater = (k.type === 'c' || (k.type === 'f' && !on.partitioned)) && on.busy && !on.partitioned;
  const partitionedKey = k.type === 'f' && on.partitioned && on.busy;
  if (validateLater)
    return [
      inTransaction('add constraint', object, `${add} NOT VALID`, lock, placeOf(on)),
      validate(on, k.name, violations),
    ];
  if (k.type === 'u' && on.busy && !on.partitioned)
    return [...(replacing === undefined ? [] : [dropConstraint(on, replacing, 'u')]), ...uniqueSteps(on, k)];
  const hazard = partitionedKey ? { hazard: partitionedForeignKey(on) } : {};
  return [inTransaction('add constraint', object, add, lock, placeOf(on), { scans: on.exists, violations, ...hazard })];
}

/** PostgreSQL before 18 refuses NOT VALID on a partitioned table's foreign key: rows are checked while writes wait. */
const partitionedForeignKey = (on: On) =>
  `scans ${on.schema}.${on.table} (every partition) under SHARE ROW EXCLUSIVE: writes wait until it ends ` +
  '(PostgreSQL before 18 cannot add a foreign key NOT VALID to a partitioned table)';

/** VALIDATE CONSTRAINT after the commit: reads every row under a lock that lets writes go on. */
export function validate(on: On, name: string, violations?: Step['violations']): Step {
  return online(
    'validate constraint',
    `${on.schema}.${on.table}.${name}`,
    `ALTER TABLE ${target(on)} VALIDATE CONSTRAINT ${q(name)}`,
    'SHARE UPDATE EXCLUSIVE',
    placeOf(on),
    { scans: true, undo: `ALTER TABLE ${target(on)} DROP CONSTRAINT IF EXISTS ${q(name)}`, violations },
  );
}

export function dropConstraint(on: On, name: string, type: string, removesRule?: string): Step {
  const lock: Lock = type === 'f' ? 'SHARE ROW EXCLUSIVE' : 'ACCESS EXCLUSIVE';
  const sql = `ALTER TABLE ${target(on)} DROP CONSTRAINT ${q(name)}`;
  return inTransaction('drop constraint', `${on.schema}.${on.table}.${name}`, sql, lock, placeOf(on), { removesRule });
}

/** UNIQUE on a table holding rows: a unique index built concurrently, then attached as the constraint. */
function uniqueSteps(on: On, k: WantedConstraint & { type: 'u' }): Step[] {
  const cols = k.columns.map(q).join(', ');
  const notNull = k.columns.map((c) => `${q(c)} is not null`).join(' and ');
  const groups = `select count(*) as n from ${target(on)} where ${notNull} group by ${cols} having count(*) > 1`;
  const object = `${on.schema}.${on.table}.${k.name}`;
  return [
    online(
      'create index',
      object,
      `CREATE UNIQUE INDEX CONCURRENTLY ${q(k.name)} ON ${target(on)} (${cols})`,
      'SHARE UPDATE EXCLUSIVE',
      placeOf(on),
      {
        scans: true,
        undo: `DROP INDEX CONCURRENTLY IF EXISTS ${qualified(on.schema, k.name)}`,
        violations: {
          constraint: k.name,
          what: `unique constraint ${k.name}`,
          countSql: `select coalesce(sum(n), 0) as n from (${groups}) d`,
        },
      },
    ),
    online(
      'add constraint',
      object,
      `ALTER TABLE ${target(on)} ADD CONSTRAINT ${q(k.name)} UNIQUE USING INDEX ${q(k.name)}`,
      'ACCESS EXCLUSIVE',
      placeOf(on),
    ),
  ];
}

/**
 * Builds an index: concurrently on a busy table (a changed one beside the old, then swapped in);
 * a partitioned table has no concurrent build, so its index is built in the transaction.
 */
export function buildIndex(on: On, ix: Index, replacing: boolean): Step[] {
  const object = `${on.schema}.${on.table}.${ix.name}`;
  if (!on.busy || on.partitioned) {
    const drop = replacing ? [dropIndex(on, ix.name)] : [];
    const build = inTransaction(
      'create index',
      object,
      createIndex(on.schema, on.table, ix),
      on.exists ? 'SHARE' : 'none',
      placeOf(on),
      {
        scans: on.exists,
      },
    );
    return [...drop, build];
  }
  const concurrently = (name: string) =>
    online(
      'create index',
      `${on.schema}.${on.table}.${name}`,
      createIndex(on.schema, on.table, { ...ix, name }, { concurrently: true }),
      'SHARE UPDATE EXCLUSIVE',
      placeOf(on),
      {
        scans: true,
        undo: `DROP INDEX CONCURRENTLY IF EXISTS ${qualified(on.schema, name)}`,
      },
    );
  if (!replacing) return [concurrently(ix.name)];
  const temp = swapName(ix.name);
  return [
    concurrently(temp),
    dropIndex(on, ix.name),
    online(
      'rename index',
      object,
      `ALTER INDEX ${qualified(on.schema, temp)} RENAME TO ${q(ix.name)}`,
      'SHARE UPDATE EXCLUSIVE',
      placeOf(on),
    ),
  ];
}

/** Drops an index: concurrently from a busy table, else in the transaction. */
export function dropIndex(on: On, name: string, removesRule?: string): Step {
  const object = `${on.schema}.${on.table}.${name}`;
  if (on.busy && !on.partitioned)
    return online(
      'drop index',
      object,
      `DROP INDEX CONCURRENTLY IF EXISTS ${qualified(on.schema, name)}`,
      'SHARE UPDATE EXCLUSIVE',
      placeOf(on),
      { removesRule },
    );
  return inTransaction(
    'drop index',
    object,
    `DROP INDEX ${qualified(on.schema, name)}`,
    on.exists ? 'ACCESS EXCLUSIVE' : 'none',
    placeOf(on),
    {
      removesRule,
    },
  );
}

/**
 * SET NOT NULL; on a busy table proven first by a validated check, so the SET skips its scan. `now`:
 * in the transaction whatever the table (identity added in the same push needs it there).
 */
export function setNotNull(on: On, column: string, now = false): Step[] {
  const object = `${on.schema}.${on.table}.${column}`;
  const sql = `ALTER TABLE ${target(on)} ALTER COLUMN ${q(column)} SET NOT NULL`;
  const nulls = count(on, `${q(column)} is null`);
  const what = `NOT NULL on ${on.schema}.${on.table}.${column}`;
  if (!on.busy || now)
    return [
      inTransaction('set not null', object, sql, 'ACCESS EXCLUSIVE', placeOf(on), {
        scans: on.exists,
        violations: on.exists ? { constraint: column, what, countSql: nulls } : undefined,
      }),
    ];
  const helper = notNullHelper(column);
  const add =
    `ALTER TABLE ${target(on)} DROP CONSTRAINT IF EXISTS ${q(helper)}, ADD CONSTRAINT ` +
    `${q(helper)} CHECK (${q(column)} IS NOT NULL) NOT VALID`;
  return [
    inTransaction('add constraint', `${on.schema}.${on.table}.${helper}`, add, 'ACCESS EXCLUSIVE', placeOf(on)),
    validate(on, helper, { constraint: helper, what, countSql: nulls }),
    online('set not null', object, sql, 'ACCESS EXCLUSIVE', placeOf(on)),
    online(
      'drop constraint',
      `${on.schema}.${on.table}.${helper}`,
      `ALTER TABLE ${target(on)} DROP CONSTRAINT ${q(helper)}`,
      'ACCESS EXCLUSIVE',
      placeOf(on),
    ),
  ];
}
