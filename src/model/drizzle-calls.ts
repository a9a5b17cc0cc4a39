import type { Column, ColumnDefault, ColumnType, Identity, Index, IndexKey, Literal, Service, Table } from './types.js';
import { drizzleNumber, statedOptions } from './sequence-options.js';
import { sqlQuote } from '../shared/sql-quote.js';
import { isCustomKind, type CustomKind } from './custom-types.js';

/** The namespace the services' modules import generated/column-types.ts under. */
export const CUSTOM_TYPES_BINDING = 'columnTypes';
const customTypeBinding = (kind: CustomKind) => `${CUSTOM_TYPES_BINDING}.${kind}`;

/**
 * How each column and table constraint is spelled with drizzle-orm's pg-core builders, as data.
 * The TypeScript renderer prints it and the runtime table builder (used by push) executes it,
 * so the generated modules and what push plans from can never disagree.
 */
export type Arg =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'object'; readonly entries: readonly (readonly [string, Arg])[] }
  | { readonly kind: 'literal'; readonly value: Literal }
  | { readonly kind: 'sql'; readonly sql: string }
  | { readonly kind: 'thunk'; readonly sql: string }
  | { readonly kind: 'columns'; readonly columns: readonly string[] }
  /** an index's keys: its columns, and expressions as sql`…` naming the table's columns */
  | { readonly kind: 'index keys'; readonly keys: readonly IndexKey[] }
  | {
      readonly kind: 'foreignColumns';
      readonly service: string;
      readonly table: string;
      readonly columns: readonly string[];
    };

export interface Call {
  readonly method: string;
  readonly args: readonly Arg[];
  /** a type argument the TypeScript form carries (`$type<Settings>()`); nothing at run time */
  readonly typeArg?: string;
}

export interface ColumnCall {
  /** pg-core builder name, a custom type of the generated column-types module, or an enum's binding */
  readonly fn: string;
  readonly args: readonly Arg[];
  readonly chain: readonly Call[];
}

const str = (value: string): Arg => ({ kind: 'string', value });
const literalObject = (o: Record<string, string | number | boolean>): Arg => ({
  kind: 'object',
  entries: Object.entries(o).map(([k, v]) => [k, { kind: 'literal', value: v }] as const),
});

function builder(
  type: ColumnType,
  binding: TypeBinding,
): Pick<ColumnCall, 'fn'> & { options?: Record<string, string | number | boolean> } {
  type Options = Record<string, string | number | boolean>;
  const precision: Options = type.precision !== undefined ? { precision: type.precision } : {};
  const length = type.length !== undefined ? { length: type.length } : undefined;
  switch (type.kind) {
    case 'varchar':
    case 'char':
      return { fn: type.kind, options: length };
    case 'bit':
    case 'varbit':
      return { fn: customTypeBinding(type.kind), options: length };
    case 'numeric':
      return {
        fn: 'numeric',
        options: type.precision !== undefined ? { precision: type.precision, scale: type.scale ?? 0 } : undefined,
      };
    case 'bigint':
    case 'bigserial':
      return { fn: type.kind, options: { mode: 'bigint' } };
    case 'double':
      return { fn: 'doublePrecision' };
    case 'time':
    case 'timestamp':
      return { fn: type.kind, options: type.precision !== undefined ? precision : undefined };
    case 'timetz':
      return { fn: 'time', options: { withTimezone: true, ...precision } };
    case 'timestamptz':
      return { fn: 'timestamp', options: { withTimezone: true, ...precision } };
    case 'interval': {
      const options: Options = { ...(type.fields && { fields: type.fields }), ...precision };
      return { fn: 'interval', options: Object.keys(options).length > 0 ? options : undefined };
    }
    case 'enum':
    case 'domain':
    case 'composite':
      return { fn: binding(type) };
    default:
      if (isCustomKind(type.kind)) return { fn: customTypeBinding(type.kind) };
      return { fn: type.kind };
  }
}

function defaultCall(column: Column, d: ColumnDefault): Call {
  if (d.kind === 'sql') {
    const sql = d.sql.trim();
    if (sql === 'gen_random_uuid()' && column.type.kind === 'uuid' && column.type.dims === 0)
      return { method: 'defaultRandom', args: [] };
    if (sql === 'now()' && ['timestamp', 'timestamptz'].includes(column.type.kind) && column.type.dims === 0)
      return { method: 'defaultNow', args: [] };
    return { method: 'default', args: [{ kind: 'sql', sql: d.sql }] };
  }
  // Timestamps are Date objects in TypeScript, and drizzle-kit cannot serialize bigint defaults:
  // both are written as SQL text.
  if (['timestamp', 'timestamptz'].includes(column.type.kind)) {
    const text = Array.isArray(d.value) ? pgArray(d.value as readonly Literal[]) : String(d.value);
    return { method: 'default', args: [{ kind: 'sql', sql: sqlQuote(text) }] };
  }
  if (column.type.kind === 'bigint' || column.type.kind === 'bigserial') {
    const text = Array.isArray(d.value) ? sqlQuote(pgArray(d.value as readonly Literal[])) : String(d.value);
    return { method: 'default', args: [{ kind: 'sql', sql: text }] };
  }
  // drizzle-kit writes array and JSON defaults into SQL without escaping ' (nor " and \ in array
  // elements), and JSON strings without their JSON quotes: such defaults are written as SQL text.
  if (column.type.dims > 0 && (d.value as readonly Literal[]).some((v) => typeof v === 'string' && /['"\\]/.test(v))) {
    return { method: 'default', args: [{ kind: 'sql', sql: sqlQuote(pgArray(d.value as readonly Literal[])) }] };
  }
  if (
    (column.type.kind === 'json' || column.type.kind === 'jsonb') &&
    (typeof d.value === 'string' || JSON.stringify(d.value).includes("'"))
  ) {
    return { method: 'default', args: [{ kind: 'sql', sql: sqlQuote(JSON.stringify(d.value)) }] };
  }
  return { method: 'default', args: [{ kind: 'literal', value: d.value }] };
}

/** `{a,"b c"}`: Postgres' array literal, quoting elements the way it prints them back. */
export function pgArray(values: readonly Literal[]): string {
  const element = (v: Literal) => {
    const s = String(v);
    return s === '' || /[{}",\\\s]/.test(s) || /^null$/i.test(s) ? `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"` : s;
  };
  return `{${values.map(element).join(',')}}`;
}

/** The binding of a service's own enum, domain or composite type, which its module declares. */
export type TypeBinding = (type: ColumnType) => string;

/** The binding of `type`, an enum, domain or composite type of `service`. */
export const serviceTypeBinding =
  (service: Pick<Service, 'enums' | 'domains' | 'composites'>): TypeBinding =>
  (type) =>
    type.kind === 'domain'
      ? service.domains.find((d) => d.name === type.domainName)!.tsName
      : type.kind === 'composite'
        ? service.composites.find((c) => c.name === type.compositeName)!.tsName
        : service.enums.find((e) => e.name === type.enumName)!.tsName;

export function columnCall(column: Column, binding: TypeBinding): ColumnCall {
  const { fn, options } = builder(column.type, binding);
  const chain: Call[] = [];
  for (let d = 0; d < column.type.dims; d++) chain.push({ method: 'array', args: [] });
  if (column.primaryKey) chain.push({ method: 'primaryKey', args: [] });
  else if (!column.nullable) chain.push({ method: 'notNull', args: [] });
  if (column.identity) chain.push(identityCall(column.identity));
  if (column.generated) chain.push({ method: 'generatedAlwaysAs', args: [{ kind: 'sql', sql: column.generated }] });
  if (column.unique) chain.push({ method: 'unique', args: [str(column.unique)] });
  if (column.default) chain.push(defaultCall(column, column.default));
  if (column.onUpdateNow) chain.push({ method: '$onUpdate', args: [{ kind: 'thunk', sql: 'now()' }] });
  if (column.tsType) chain.push({ method: '$type', args: [], typeArg: column.tsType.name });
  return { fn, args: options ? [str(column.name), literalObject(options)] : [str(column.name)], chain };
}

/** `.generatedAlwaysAsIdentity({ startWith: 1000 })`: the options CREATE SEQUENCE would not take by itself. */
function identityCall(identity: Identity): Call {
  const { start, ...rest } = statedOptions(identity);
  const stated = { ...(start !== undefined && { startWith: start }), ...rest };
  const options = Object.fromEntries(
    Object.entries(stated).map(([k, v]) => [k, typeof v === 'bigint' ? drizzleNumber(v) : v]),
  );
  return {
    method: identity.mode === 'always' ? 'generatedAlwaysAsIdentity' : 'generatedByDefaultAsIdentity',
    args: Object.keys(options).length > 0 ? [literalObject(options)] : [],
  };
}

/** A table-level constraint: a pg-core function call followed by chained calls. */
export interface ConstraintCall {
  readonly fn: string;
  readonly args: readonly Arg[];
  readonly chain: readonly Call[];
}

function indexCall(ix: Index): ConstraintCall {
  const cols: Arg = { kind: 'index keys', keys: ix.keys };
  const chain: Call[] = [
    ix.method === 'btree' ? { method: 'on', args: [cols] } : { method: 'using', args: [str(ix.method), cols] },
  ];
  if (ix.where) chain.push({ method: 'where', args: [{ kind: 'sql', sql: ix.where }] });
  return { fn: ix.unique ? 'uniqueIndex' : 'index', args: [str(ix.name)], chain };
}

export function constraintCalls(table: Table): ConstraintCall[] {
  const calls: ConstraintCall[] = [];
  if (table.primaryKey) {
    const entries = [
      ['name', str(table.primaryKey.name)],
      ['columns', { kind: 'columns', columns: table.primaryKey.columns }],
    ] as const;
    calls.push({ fn: 'primaryKey', args: [{ kind: 'object', entries }], chain: [] });
  }
  for (const u of table.uniques) {
    if (u.columns.length === 1 && table.columns.find((c) => c.name === u.columns[0])?.unique === u.name) continue;
    calls.push({
      fn: 'unique',
      args: [str(u.name)],
      chain: [{ method: 'on', args: [{ kind: 'columns', columns: u.columns }] }],
    });
  }
  calls.push(...table.indexes.map(indexCall));
  for (const fk of table.foreignKeys) {
    const chain: Call[] = [];
    if (fk.onDelete) chain.push({ method: 'onDelete', args: [str(fk.onDelete)] });
    if (fk.onUpdate) chain.push({ method: 'onUpdate', args: [str(fk.onUpdate)] });
    calls.push({
      fn: 'foreignKey',
      args: [
        {
          kind: 'object',
          entries: [
            ['name', str(fk.name)],
            ['columns', { kind: 'columns', columns: fk.columns }],
            [
              'foreignColumns',
              {
                kind: 'foreignColumns',
                service: fk.target.service,
                table: fk.target.table,
                columns: fk.target.columns,
              },
            ],
          ],
        },
      ],
      chain,
    });
  }
  for (const c of table.checks)
    calls.push({ fn: 'check', args: [str(c.name), { kind: 'sql', sql: c.sql }], chain: [] });
  return calls;
}

/** The table's policies as pgPolicy(name, { as, for, to, using, withCheck }), the defaults left out. */
export function policyCalls(table: Table): ConstraintCall[] {
  return (table.policies ?? []).map((p) => {
    const entries: (readonly [string, Arg])[] = [];
    if (p.as !== 'permissive') entries.push(['as', str(p.as)]);
    if (p.for !== 'all') entries.push(['for', str(p.for)]);
    if (p.to.length > 0) entries.push(['to', { kind: 'literal', value: p.to }]);
    if (p.using !== undefined) entries.push(['using', { kind: 'sql', sql: p.using }]);
    if (p.withCheck !== undefined) entries.push(['withCheck', { kind: 'sql', sql: p.withCheck }]);
    return { fn: 'pgPolicy', args: [str(p.name), { kind: 'object', entries }], chain: [] };
  });
}
