import type { Service, Table } from '../../model/types.js';
import { qualified, quoteIdent, sqlQuote } from '../../shared/sql-quote.js';
import type { CatalogSchema, CatalogTable } from '../catalog/types.js';
import { checkCondition } from '../catalog/types.js';
import type { Queryable } from '../connect/queryable.js';
import { comparedWithServer, type Equivalence } from '../compare/equivalence.js';
import { declared } from './moves.js';
import type { Step } from './steps.js';

/**
 * Renames inside the schema: enums, enum values, columns, and constraints and indexes by their
 * shape. Checks and predicates match as drift compares them (equivalence.ts): where their texts
 * differ, the server spells the manifest's, in one batch for the service.
 */
export function renames(tx: Queryable, service: Service, catalog: CatalogSchema): Promise<Step[]> {
  return comparedWithServer(tx, (equivalence) => plannedRenames(service, catalog, equivalence));
}

function plannedRenames(service: Service, catalog: CatalogSchema, equivalence: Equivalence): Step[] {
  const out: Step[] = [];
  const schema = service.schema;
  const enums = new Map(catalog.enums.map((e) => [e.name, e.values] as const));
  for (const e of service.enums) {
    let live = enums.get(e.name);
    if (!live && e.renamedFrom && enums.has(e.renamedFrom)) {
      out.push(
        declared(
          'rename',
          `${schema}.${e.name}`,
          `ALTER TYPE ${qualified(schema, e.renamedFrom)} RENAME TO ${quoteIdent(e.name)}`,
        ),
      );
      live = enums.get(e.renamedFrom);
    }
    for (const r of e.renamedValues ?? []) {
      if (live?.includes(r.from) && !live.includes(r.to))
        out.push(
          declared(
            'rename',
            `${schema}.${e.name}`,
            `ALTER TYPE ${qualified(schema, e.name)} RENAME VALUE ${sqlQuote(r.from)} TO ${sqlQuote(r.to)}`,
          ),
        );
    }
  }
  // Index and key names share the schema's namespace with tables: a new name must be free in all of it.
  const taken = new Set(
    catalog.tables.flatMap((t) => [t.name, ...t.constraints.map((k) => k.name), ...t.indexes.map((i) => i.name)]),
  );
  for (const table of service.tables) {
    const live = catalog.tables.find((t) => t.name === table.name);
    if (live)
      out.push(
        ...columnRenames(service.schema, table, live),
        ...nameRenames(service.schema, table, live, taken, equivalence),
      );
  }
  return out;
}

function columnRenames(schema: string, table: Table, live: CatalogTable): Step[] {
  const has = new Set(live.columns.map((c) => c.name));
  return table.columns
    .filter((c) => c.renamedFrom && has.has(c.renamedFrom) && !has.has(c.name))
    .map((c) =>
      declared(
        'rename',
        `${schema}.${table.name}.${c.name}`,
        `ALTER TABLE ${qualified(schema, table.name)} RENAME COLUMN ` +
          `${quoteIdent(c.renamedFrom!)} TO ${quoteIdent(c.name)}`,
        `${schema}.${table.name}`,
      ),
    );
}

const key = (...parts: readonly (string | boolean | null | undefined)[]) => JSON.stringify(parts);
const fkKey = (
  columns: readonly (string | null)[],
  schema: string | null,
  table: string | null,
  to: readonly string[],
) => key('f', columns.join('\0'), schema, table, to.join('\0'));

/**
 * A constraint or index the manifest names differently but that is otherwise the same (an adopted
 * table's `users_user_pkey`, Django's hashed index names) is renamed rather than dropped and rebuilt.
 */
function nameRenames(
  schema: string,
  table: Table,
  live: CatalogTable,
  taken: Set<string>,
  equivalence: Equivalence,
): Step[] {
  const target = qualified(schema, table.name);
  const pk =
    table.primaryKey ??
    (table.columns.some((c) => c.primaryKey)
      ? { name: `${table.name}_pkey`, columns: table.columns.filter((c) => c.primaryKey).map((c) => c.name) }
      : undefined);
  const wanted = new Map<string, string>();
  if (pk) wanted.set(key('p', ...pk.columns), pk.name);
  for (const u of table.uniques) wanted.set(key('u', ...u.columns), u.name);
  for (const f of table.foreignKeys)
    wanted.set(fkKey(f.columns, f.target.schema, f.target.table, f.target.columns), f.name);
  const manifestNames = new Set([...wanted.values(), ...table.checks.map((c) => c.name)]);
  const out: Step[] = [];
  const place = `${schema}.${table.name}`;
  for (const k of live.constraints) {
    if (manifestNames.has(k.name)) continue;
    const name =
      k.type === 'c'
        ? table.checks.find((c) => !taken.has(c.name) && equivalence.check(schema, table, c.sql, checkCondition(k)))
            ?.name
        : wanted.get(
            k.type === 'f' ? fkKey(k.columns, k.refSchema, k.refTable, k.refColumns ?? []) : key(k.type, ...k.columns),
          );
    if (name && !taken.has(name)) {
      const sql = `ALTER TABLE ${target} RENAME CONSTRAINT ${quoteIdent(k.name)} TO ${quoteIdent(name)}`;
      out.push(declared('rename', `${place}.${name}`, sql, place));
      taken.add(name);
    }
  }
  for (const ix of live.indexes) {
    if (table.indexes.some((m) => m.name === ix.name)) continue;
    const match = table.indexes.find(
      (m) =>
        !taken.has(m.name) &&
        // An expression index is renamed only by its name: its keys read back in the server's spelling.
        m.keys.length === m.columns.length &&
        key(m.unique, m.method, ...m.columns) === key(ix.unique, ix.method, ...ix.columns) &&
        equivalence.predicate(schema, table, m.where, ix.predicate),
    );
    if (match) {
      const sql = `ALTER INDEX ${qualified(schema, ix.name)} RENAME TO ${quoteIdent(match.name)}`;
      out.push(declared('rename', `${place}.${match.name}`, sql, place));
      taken.add(match.name);
    }
  }
  return out;
}
