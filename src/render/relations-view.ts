import type { Column, Relation, Service, Table } from '../model/types.js';
import { tsString } from './ts-escape.js';
import { wrapList } from './ts-code.js';

/**
 * relations.ts for either drizzle-orm major, already formatted: 0.x declares one `relations(table, ...)`
 * per table (relations v1); 1.x declares the whole service in one `defineRelations(schema, (r) => ...)`
 * (relations v2), every relation with its columns (`from`, `to`), so neither side needs an alias to be paired.
 */

/** How the service's module sees any table: the model's table and the module's expression for it. */
export interface TableRefs {
  readonly table: (service: string, table: string) => Table;
  /** `accounts`, or `authTables.accounts` for another service's table */
  readonly constant: (service: string, table: string) => string;
}

/** ... and its key among the tables of `db.query`. */
export interface QueryRefs extends TableRefs {
  /** `accounts`, or `authAccounts` / `'auth.accounts'` for another service's table (crossTableKeys) */
  readonly queryKey: (service: string, table: string) => string;
}

/** One table's relations in 0.x: `export const <bindingName> = relations(<tsName>, ({ <helpers> }) => ({ ... }))`. */
export interface RelationsV1View {
  readonly tsName: string;
  readonly bindingName: string;
  readonly helpers: string;
  readonly entries: readonly string[];
}

/** A table's relations in 1.x's `defineRelations` callback: `<key>: { <entries> }`. */
export interface RelationsV2View {
  readonly key: string;
  readonly entries: readonly string[];
}

/** relations v1 have no many-to-many: the relations through a join table are 1.x's alone. */
const v1Relations = (table: Table) => table.relations.filter((r) => r.through === undefined);

export function relationsV1(service: Service, refs: TableRefs): RelationsV1View[] {
  return service.tables
    .filter((t) => v1Relations(t).length > 0)
    .map((table) => ({
      tsName: table.tsName,
      bindingName: `${table.tsName}Relations`,
      helpers: [...new Set(v1Relations(table).map((r) => r.kind))].sort().reverse().join(', '),
      entries: v1Relations(table).map((r) => {
        const target = refs.constant(r.target.service, r.target.table);
        const options = r.relationName === undefined ? [] : [`relationName: ${tsString(r.relationName)}`];
        if (r.kind === 'one') {
          const remote = refs.table(r.fk.target.service, r.fk.target.table);
          options.unshift(
            `fields: [${r.fk.columns.map((c) => `${table.tsName}.${columnOf(table, c).tsKey}`).join(', ')}]`,
            `references: [${r.fk.target.columns.map((c) => `${target}.${columnOf(remote, c).tsKey}`).join(', ')}]`,
          );
        }
        if (options.length === 0) return `${r.key}: ${r.kind}(${target})`;
        const head = `${r.key}: ${r.kind}(${target}, `;
        return `${head}${wrapList('{', options, '})', 2, 2 + head.length + 1, ' ')}`;
      }),
    }));
}

/** The constants relations.ts imports from ./schema.js for 0.x: every table with relations and their targets here. */
export function relationsV1Imports(service: Service, refs: TableRefs): string {
  const names = service.tables.flatMap((t) => {
    const local = v1Relations(t).filter((r) => r.target.service === service.name);
    return v1Relations(t).length === 0
      ? []
      : [t.tsName, ...local.map((r) => refs.table(service.name, r.target.table).tsName)];
  });
  return [...new Set(names)].sort().join(', ');
}

export function relationsV2(service: Service, refs: QueryRefs): RelationsV2View[] {
  return service.tables
    .filter((t) => t.relations.length > 0)
    .map((table) => {
      const key = refs.queryKey(service.name, table.name);
      return { key, entries: table.relations.map((r) => relationV2(service.name, table, r, refs)) };
    });
}

/**
 * `r.one.x({ from, to, optional: false })` (optional only when the key column may be null), `r.many.x({ from, to })`,
 * or through a join table `r.many.x({ from: r.a.id.through(r.join.aId), to: r.x.id.through(r.join.xId) })`.
 */
function relationV2(service: string, table: Table, r: Relation, refs: QueryRefs): string {
  const column = (svc: string, tbl: string, name: string) =>
    `r${member(refs.queryKey(svc, tbl))}.${columnOf(refs.table(svc, tbl), name).tsKey}`;
  // One column stands alone; a key over several is a list, paired in order.
  const columns = (tbl: string, svc: string, names: readonly string[]) =>
    names.length === 1 ? column(svc, tbl, names[0]!) : `[${names.map((n) => column(svc, tbl, n)).join(', ')}]`;
  const here = (names: readonly string[]) => columns(table.name, service, names);
  const there = (names: readonly string[]) => columns(r.target.table, r.target.service, names);
  let options: string[];
  if (r.kind === 'one') {
    const optional = r.fk.columns.some((c) => columnOf(table, c).nullable) ? [] : ['optional: false'];
    options = [`from: ${here(r.fk.columns)}`, `to: ${there(r.fk.target.columns)}`, ...optional];
  } else if (r.through) {
    // A join table's keys are one column each (resolve-references.ts).
    const join = (names: readonly string[]) => columns(r.through!.table, service, names);
    options = [
      `from: ${here(r.fk.target.columns)}.through(${join(r.fk.columns)})`,
      `to: ${there(r.through.fk.target.columns)}.through(${join(r.through.fk.columns)})`,
    ];
  } else {
    options = [`from: ${here(r.fk.target.columns)}`, `to: ${there(r.fk.columns)}`];
  }
  const head = `${r.key}: r.${r.kind}${member(refs.queryKey(r.target.service, r.target.table))}(`;
  return `${head}${wrapList('{', options, '})', 4, 4 + head.length + 1, ' ')}`;
}

/** Property access for a key as tsKey prints it: `.authAccounts`, or `['auth.accounts']` for a quoted one. */
const member = (key: string) => (key.startsWith("'") ? `[${key}]` : `.${key}`);

function columnOf(table: Pick<Table, 'columns'>, name: string): Column {
  return table.columns.find((c) => c.name === name)!;
}
