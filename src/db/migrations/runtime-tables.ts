import { sql } from 'drizzle-orm-0';
import * as pgCore from 'drizzle-orm-0/pg-core';
import { CUSTOM_TYPES, customTypeSql } from '../../model/custom-types.js';
import { userTypeSql } from '../../model/user-type-code.js';
import {
  columnCall,
  constraintCalls,
  CUSTOM_TYPES_BINDING,
  serviceTypeBinding,
  type Arg,
  type Call,
} from '../../model/drizzle-calls.js';
import type { Model, Service, Table } from '../../model/types.js';

/**
 * Builds the drizzle objects the generated modules declare, in-process, from the same call
 * descriptions the renderer prints. Push plans from these, so it needs no TypeScript loader.
 */
type AnyFn = (...args: unknown[]) => unknown;
type Builder = Record<string, AnyFn>;

/** generated/column-types.ts's declarations, made from the same data (custom-types.ts). */
const customTypes: Record<string, AnyFn> = Object.fromEntries(
  Object.entries(CUSTOM_TYPES).map(([kind, spec]) => [
    `${CUSTOM_TYPES_BINDING}.${kind}`,
    pgCore.customType<{ data: unknown; config: { length?: number } }>({
      dataType: (config) => customTypeSql(spec, config),
    }) as unknown as AnyFn,
  ]),
);

export interface RuntimeService {
  /** what a generated schema module exports: the pgSchema, enums and tables */
  readonly exports: Record<string, unknown>;
  readonly tables: ReadonlyMap<string, pgCore.PgTable>;
}

/**
 * With `forService`, only that service and the services its foreign keys reach (transitively: drizzle
 * reads a referenced table's config, which resolves that table's own references) are built; a push
 * of one service in a large model then skips building every other service's tables.
 */
export function buildRuntimeTables(model: Model, forService?: string): Map<string, RuntimeService> {
  const built = new Map<string, RuntimeService>();
  const wanted = forService === undefined ? undefined : dependencyClosure(model, forService);
  // Constraint callbacks run lazily (when drizzle reads the table config), after every table exists.
  const resolve = (service: string, table: string) => ({
    object: built.get(service)!.tables.get(table) as unknown as Record<string, unknown>,
    table: model.services.find((s) => s.name === service)!.tables.find((t) => t.name === table)!,
  });
  for (const service of model.services)
    if (!wanted || wanted.has(service.name)) built.set(service.name, buildService(service, resolve));
  return built;
}

function dependencyClosure(model: Model, name: string): Set<string> {
  const byName = new Map(model.services.map((s) => [s.name, s] as const));
  const out = new Set<string>();
  const visit = (n: string) => {
    if (out.has(n)) return;
    out.add(n);
    for (const dep of byName.get(n)?.dependsOn ?? []) visit(dep);
  };
  visit(name);
  return out;
}

type Resolve = (service: string, table: string) => { object: Record<string, unknown>; table: Table };
interface Scope {
  readonly t: Record<string, unknown>;
  readonly table: Table;
  readonly resolve: Resolve;
}

function buildService(service: Service, resolve: Resolve): RuntimeService {
  const schema = pgCore.pgSchema(service.schema);
  const exports: Record<string, unknown> = { [service.schemaTsName]: schema };
  const fns: Record<string, AnyFn> = {
    ...(pgCore as unknown as Record<string, AnyFn>),
    ...customTypes,
  };
  for (const e of service.enums) {
    const enumFn = schema.enum(e.name, e.values as [string, ...string[]]);
    fns[e.tsName] = enumFn as unknown as AnyFn;
    exports[e.tsName] = enumFn;
  }
  for (const t of [...service.domains, ...service.composites]) {
    const typeFn = pgCore.customType<{ data: unknown }>({ dataType: () => userTypeSql(service.schema, t) });
    fns[t.tsName] = typeFn as unknown as AnyFn;
  }
  const binding = serviceTypeBinding(service);
  const tables = new Map<string, pgCore.PgTable>();
  for (const table of service.tables) {
    const columnScope: Scope = { t: {}, table, resolve };
    const columns = Object.fromEntries(
      table.columns.map((c) => {
        const call = columnCall(c, binding);
        return [
          c.tsKey,
          chain(fns[call.fn]!(...call.args.flatMap((a) => args(a, columnScope))), call.chain, columnScope),
        ];
      }),
    );
    const extra = (t: Record<string, unknown>) =>
      constraintCalls(table).map((k) =>
        chain(fns[k.fn]!(...k.args.flatMap((a) => args(a, { t, table, resolve }))), k.chain, { t, table, resolve }),
      );
    // schemagen-lint-ignore hand-written-table: builds the manifest's tables from the model at run time
    const obj = schema.table(
      table.name,
      columns as Record<string, pgCore.PgColumnBuilderBase>,
      extra as never,
    ) as unknown as pgCore.PgTable;
    tables.set(table.name, obj);
    exports[table.tsName] = obj;
  }
  return { exports, tables };
}

function chain(start: unknown, calls: readonly Call[], scope: Scope): unknown {
  return calls.reduce(
    (obj, call) => (obj as Builder)[call.method]!(...call.args.flatMap((a) => args(a, scope))),
    start,
  );
}

/** Column lists are spread into variadic calls such as `.on(a, b)`. */
function args(a: Arg, scope: Scope): unknown[] {
  const v = value(a, scope);
  return a.kind === 'columns' ? (v as unknown[]) : [v];
}

const keyOf = (table: Table, column: string) => table.columns.find((c) => c.name === column)!.tsKey;

function value(a: Arg, scope: Scope): unknown {
  switch (a.kind) {
    case 'string':
    case 'literal':
      return a.value;
    case 'sql':
      return sql.raw(a.sql);
    case 'thunk':
      return () => sql.raw(a.sql);
    case 'columns':
      return a.columns.map((c) => scope.t[keyOf(scope.table, c)]);
    case 'foreignColumns': {
      const target = scope.resolve(a.service, a.table);
      return a.columns.map((c) => target.object[keyOf(target.table, c)]);
    }
    case 'object':
      return Object.fromEntries(a.entries.map(([k, v]) => [k, value(v, scope)]));
  }
}
