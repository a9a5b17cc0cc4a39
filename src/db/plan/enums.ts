import type { Enum, Service } from '../../model/types.js';
import { qualified, quoteIdent as q, sqlQuote } from '../../shared/sql-quote.js';
import { defaultSql } from '../../model/sql-spelling.js';
import type { EnumColumn } from './facts.js';
import { inTransaction, type Step } from './steps.js';

/**
 * Enum changes. New values are added in place (ADD VALUE … BEFORE/AFTER), which needs no rewrite.
 * A value removed or moved needs a new type: the old one is renamed aside, the new one created, the
 * columns using it cast through text (refused while rows hold a removed value), the old one dropped.
 */
export interface EnumPlan {
  readonly steps: readonly Step[];
  /** `schema.table.column` of the columns recast: views reading them are recreated around the change */
  readonly recast: readonly string[];
  readonly refusals: readonly string[];
}

const values = (list: readonly string[]) => list.map(sqlQuote).join(', ');

export function createEnum(schema: string, e: Enum): Step {
  const sql = `CREATE TYPE ${qualified(schema, e.name)} AS ENUM (${values(e.values)})`;
  return inTransaction('create enum', `${schema}.${e.name}`, sql, 'none', {});
}

/** Values added where the live ones keep their order; otherwise the type is replaced. */
export function changeEnum(
  service: Service,
  e: Enum,
  live: readonly string[],
  columns: readonly EnumColumn[],
): EnumPlan {
  const schema = service.schema;
  const type = qualified(schema, e.name);
  const object = `${schema}.${e.name}`;
  const kept = e.values.filter((v) => live.includes(v));
  if (kept.length === live.length && kept.every((v, i) => v === live[i])) {
    const steps = e.values.flatMap((v, i) => {
      if (live.includes(v)) return [];
      const next = e.values.slice(i + 1).find((x) => live.includes(x));
      const place = next !== undefined ? ` BEFORE ${sqlQuote(next)}` : '';
      return [
        inTransaction('add enum value', object, `ALTER TYPE ${type} ADD VALUE ${sqlQuote(v)}${place}`, 'none', {}),
      ];
    });
    return { steps, recast: [], refusals: [] };
  }
  const using = columns.filter((c) => c.enum === e.name);
  const refusals = using
    .filter((c) => c.schema !== schema)
    .map(
      (c) =>
        `enum ${object} is used by ${c.schema}.${c.table}.${c.column} of another schema; its values can only ` +
        `be removed or reordered once no other schema uses it`,
    );
  if (refusals.length > 0) return { steps: [], recast: [], refusals };
  const aside = `${e.name}_schemagen_old`.slice(0, 63);
  const removed = live.filter((v) => !e.values.includes(v));
  const steps: Step[] = [
    inTransaction('replace enum', object, `ALTER TYPE ${type} RENAME TO ${q(aside)}`, 'none', {}),
    inTransaction('replace enum', object, `CREATE TYPE ${type} AS ENUM (${values(e.values)})`, 'none', {}),
  ];
  for (const c of using) {
    const t = qualified(c.schema, c.table);
    const place = { table: `${c.schema}.${c.table}` };
    const column = service.tables.find((x) => x.name === c.table)?.columns.find((x) => x.name === c.column);
    const alter = (action: string) => `ALTER TABLE ${t} ALTER COLUMN ${q(c.column)} ${action}`;
    const to = `${type}${c.array ? '[]' : ''}`;
    const held = c.array
      ? `exists (select 1 from unnest(a.${q(c.column)}) x where x::text in (${values(removed)}))`
      : `a.${q(c.column)}::text in (${values(removed)})`;
    const violations = {
      constraint: e.name,
      what: `removing ${removed.map(sqlQuote).join(', ')} from enum ${object}`,
      verb: 'is refused while values remain in',
      countSql: `select count(*) as n from ${t} a where ${held}`,
    };
    if (c.hasDefault)
      steps.push(
        inTransaction(
          'drop default',
          `${c.schema}.${c.table}.${c.column}`,
          alter('DROP DEFAULT'),
          'ACCESS EXCLUSIVE',
          place,
        ),
      );
    steps.push(
      inTransaction(
        'change column type',
        `${c.schema}.${c.table}.${c.column}`,
        alter(`SET DATA TYPE ${to} USING ${q(c.column)}::text${c.array ? '[]' : ''}::${to}`),
        'ACCESS EXCLUSIVE',
        place,
        { rewrites: true, scans: true, violations: removed.length > 0 ? violations : undefined },
      ),
    );
    const dflt = column && defaultSql(column);
    if (c.hasDefault && dflt)
      steps.push(
        inTransaction(
          'set default',
          `${c.schema}.${c.table}.${c.column}`,
          alter(`SET DEFAULT ${dflt}`),
          'ACCESS EXCLUSIVE',
          place,
        ),
      );
  }
  steps.push(inTransaction('replace enum', object, `DROP TYPE ${qualified(schema, aside)}`, 'none', {}));
  return { steps, recast: using.map((c) => `${c.schema}.${c.table}.${c.column}`), refusals: [] };
}

/** Drops an enum the manifest no longer declares; refused while a column of another schema uses it. */
export function dropEnum(schema: string, name: string, columns: readonly EnumColumn[]): EnumPlan {
  const users = columns.filter((c) => c.enum === name && c.schema !== schema);
  if (users.length > 0)
    return {
      steps: [],
      recast: [],
      refusals: users.map(
        (c) => `enum ${schema}.${name} is used by ${c.schema}.${c.table}.${c.column} of another schema`,
      ),
    };
  const step = inTransaction('drop enum', `${schema}.${name}`, `DROP TYPE ${qualified(schema, name)}`, 'none', {});
  return { steps: [step], recast: [], refusals: [] };
}
