import type { IndexKey, Table } from '../../model/types.js';
import type { CatalogConstraint, CatalogTable } from '../catalog/types.js';
import { checkCondition } from '../catalog/types.js';
import type { Equivalence } from './equivalence.js';
import { list, same, type Noted } from './types.js';
import { wantedConstraints, type WantedConstraint } from './wanted.js';

const FK_ACTION: Record<string, string> = {
  a: 'no action',
  r: 'restrict',
  c: 'cascade',
  n: 'set null',
  d: 'set default',
};

/** The table's constraints and indexes against the live ones: missing, changed, not validated, undeclared. */
export function diffConstraints(
  schema: string,
  table: Table,
  actual: CatalogTable,
  at: Noted,
  equivalence: Equivalence,
) {
  // Exclusion constraints are what import reports as beyond the manifest; verify compares the kinds it declares.
  const declarable = actual.constraints.filter((k) => k.type !== 'x');
  const constraints = new Map(declarable.map((k) => [k.name, k] as const));
  const what = { p: 'primary key', u: 'unique constraint', f: 'foreign key', c: 'check constraint' } as const;
  for (const want of wantedConstraints(table)) {
    const where = `${table.name}.${want.name}`;
    const live = constraints.get(want.name);
    constraints.delete(want.name);
    const add = (message: string, replacing?: CatalogConstraint) =>
      at(where, message, { kind: 'add constraint', table, constraint: want, live: replacing });
    if (!live) {
      add(`${what[want.type]} is missing`);
      continue;
    }
    if (live.type !== want.type) {
      add(`is a ${live.type} constraint; expected ${what[want.type]}`, live);
      continue;
    }
    const differences = constraintDifferences(want, live, (sql, condition) =>
      equivalence.check(schema, table, sql, condition),
    );
    differences.forEach((message, i) => (i === 0 ? add(message, live) : at(where, message)));
    // Validated after the commit: push validates it (online.ts validationSteps).
    if (differences.length === 0 && live.validated === false)
      at(where, `${what[want.type]} is NOT VALID (its validation never finished); push validates it`, {
        kind: 'validate constraint',
        table,
        live,
      });
  }
  // NOT NULL and other implicit constraints are not listed; anything left was added by hand.
  for (const live of constraints.values())
    at(`${table.name}.${live.name}`, 'constraint is not in the manifest', { kind: 'drop constraint', table, live });

  const indexes = new Map(actual.indexes.map((i) => [i.name, i] as const));
  for (const index of table.indexes) {
    const live = indexes.get(index.name);
    indexes.delete(index.name);
    const where = `${table.name}.${index.name}`;
    if (!live) {
      at(where, 'index is missing', { kind: 'create index', table, index });
      continue;
    }
    const differences = [
      live.valid === false && 'index is invalid (a concurrent build failed or was interrupted); push rebuilds it',
      live.unique !== index.unique &&
        `index is ${live.unique ? '' : 'not '}unique; expected ${index.unique ? '' : 'not '}unique`,
      live.method !== index.method && `index method is ${live.method}; expected ${index.method}`,
      !equivalence.indexKeys(schema, table, index.keys, live.keys) &&
        `index covers ${list(live.columns)}; expected ${list(index.keys.map(keyText))}`,
      !equivalence.predicate(schema, table, index.where, live.predicate) &&
        `index predicate is ${live.predicate ?? 'none'}; expected ${index.where ?? 'none'}`,
    ].filter((d): d is string => d !== false);
    // One change rebuilds the index, whatever differs in it.
    differences.forEach((message, i) =>
      at(where, message, i === 0 ? { kind: 'create index', table, index, live } : undefined),
    );
  }
  for (const live of indexes.values())
    at(`${table.name}.${live.name}`, 'index is not in the manifest', { kind: 'drop index', table, live });
}

const keyText = (k: IndexKey) => ('column' in k ? k.column : k.sql);

/** How a live constraint of the expected name and type differs from the declared one. */
function constraintDifferences(
  want: WantedConstraint,
  live: CatalogConstraint,
  sameCheck: (sql: string, condition: string) => boolean,
): string[] {
  const what = { p: 'primary key', u: 'unique constraint', f: 'foreign key', c: 'check constraint' }[want.type];
  switch (want.type) {
    case 'p':
    case 'u':
      return same(live.columns, want.columns)
        ? []
        : [`${what} covers ${list(live.columns)}; expected ${list(want.columns)}`];
    case 'c':
      // A check added NOT VALID (online push) says so in its definition; its validity is reported apart.
      return sameCheck(want.sql, checkCondition(live))
        ? []
        : [`check is ${live.definition}; expected CHECK (${want.sql})`];
    case 'f': {
      const { fk } = want;
      const out: string[] = [];
      if (!same(live.columns, fk.columns))
        out.push(`${what} covers ${list(live.columns)}; expected ${list(fk.columns)}`);
      const target = `${fk.target.schema}.${fk.target.table}(${fk.target.columns.join(', ')})`;
      const liveTarget = `${live.refSchema}.${live.refTable}(${(live.refColumns ?? []).join(', ')})`;
      if (liveTarget !== target) out.push(`references ${liveTarget}; expected ${target}`);
      for (const [key, wanted] of [
        ['onDelete', fk.onDelete],
        ['onUpdate', fk.onUpdate],
      ] as const) {
        const got = FK_ACTION[live[key] ?? 'a'];
        if (got !== (wanted ?? 'no action')) out.push(`${key} is ${got}; expected ${wanted ?? 'no action'}`);
      }
      return out;
    }
  }
}
