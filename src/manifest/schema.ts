import { z } from 'zod';
import type { Diagnostic } from './diagnostics.js';

/**
 * The shape of schema.yaml. Only structure lives here; names, types, defaults and
 * cross-references are checked while resolving the model, where the whole manifest is known.
 */

/** Prefix smuggling the allowed keys through zod's message into the per-key diagnostics. */
const ALLOWED = 'allowed keys: ';

/** A mapping with a fixed set of keys; unknown keys are reported one by one with the allowed set. */
function mapping<T extends z.ZodRawShape>(shape: T, what: string) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (iss) => {
      if (iss.code === 'unrecognized_keys') return `${ALLOWED}${allowed}`;
      if (iss.code === 'invalid_type') return `expected ${what} (a mapping), got ${describe(iss.input)}`;
      return undefined;
    },
  });
}

const text = (what: string) => z.string({ error: (iss) => `expected ${what} (a string), got ${describe(iss.input)}` });
const flag = (what: string) => z.boolean({ error: (iss) => `expected ${what}: true or false, got ${describe(iss.input)}` });
const names = (what: string) =>
  z.array(text(what), { error: (iss) => `expected a list of ${what}s, got ${describe(iss.input)}` }).min(1, { error: `expected at least one ${what}` });
const dict = <T extends z.ZodType>(value: T, what: string) =>
  z.record(z.string(), value, { error: (iss) => `expected ${what} (a mapping of name: value), got ${describe(iss.input)}` });

export const rawSql = mapping({ sql: text('an SQL expression') }, '{ sql: <expression> }');

const FK_ACTIONS = ['cascade', 'restrict', 'no action', 'set null', 'set default'] as const;
const fkAction = z.enum(FK_ACTIONS, { error: (iss) => `expected one of ${FK_ACTIONS.join(', ')}, got ${describe(iss.input)}` });
const INDEX_METHODS = ['btree', 'hash', 'gin', 'gist', 'brin', 'spgist'] as const;

export const columnSchema = mapping(
  {
    type: text('a column type'),
    nullable: flag('nullable').optional(),
    default: z.unknown().optional(),
    primaryKey: flag('primaryKey').optional(),
    unique: flag('unique').optional(),
    comment: text('a comment').optional(),
    identity: z.enum(['always', 'by default'], { error: (iss) => `expected identity: always or "by default", got ${describe(iss.input)}` }).optional(),
    onUpdate: z.literal('now', { error: (iss) => `expected onUpdate: now, got ${describe(iss.input)}` }).optional(),
    references: mapping(
      {
        service: text('a service name').optional(),
        table: text('a table name'),
        column: text('a column name').optional(),
        onDelete: fkAction.optional(),
        onUpdate: fkAction.optional(),
      },
      'a reference { table, column, service?, onDelete?, onUpdate? }',
    ).optional(),
    renamedFrom: text('the old column name').optional(),
  },
  'a column { type, nullable?, default?, ... }',
);

const columns = dict(columnSchema, 'columns');

export const tableSchema = mapping(
  {
    base: z.union([z.literal(false), text('a base name')], { error: (iss) => `expected base: false or the name of a base, got ${describe(iss.input)}` }).optional(),
    mixins: names('mixin name').optional(),
    comment: text('a comment').optional(),
    columns: columns.optional(),
    primaryKey: names('column name').optional(),
    indexes: z
      .array(
        mapping(
          {
            columns: names('column name'),
            name: text('an index name').optional(),
            unique: flag('unique').optional(),
            where: rawSql.optional(),
            method: z.enum(INDEX_METHODS, { error: (iss) => `expected one of ${INDEX_METHODS.join(', ')}, got ${describe(iss.input)}` }).optional(),
          },
          'an index { columns, unique?, where?, method?, name? }',
        ),
        { error: (iss) => `expected a list of indexes, got ${describe(iss.input)}` },
      )
      .optional(),
    uniques: z
      .array(mapping({ columns: names('column name'), name: text('a constraint name').optional() }, 'a unique constraint { columns, name? }'), {
        error: (iss) => `expected a list of unique constraints, got ${describe(iss.input)}`,
      })
      .optional(),
    checks: dict(rawSql, 'checks').optional(),
    from: text('<schema>.<table> or the old table name').optional(),
  },
  'a table { columns, base?, mixins?, indexes?, from?, ... }',
);

/** `name: [values]`, or the mapping form that can also declare renames. */
const enumSchema = z.union(
  [
    names('enum value'),
    mapping(
      {
        values: names('enum value'),
        renamedFrom: text('the old enum name').optional(),
        renamedValues: dict(text('an old enum value'), 'renamedValues').optional(),
      },
      'an enum { values, renamedFrom?, renamedValues? }',
    ),
  ],
  { error: (iss) => (iss.code === 'invalid_union' ? `expected a list of enum values or { values, renamedFrom?, renamedValues? }, got ${describe(iss.input)}` : undefined) },
);

export const serviceSchema = mapping(
  {
    schema: text('a Postgres schema name').optional(),
    databaseUrlEnv: text('an environment variable name').optional(),
    enums: dict(enumSchema, 'enums').optional(),
    tables: dict(tableSchema, 'tables'),
  },
  'a service { schema?, databaseUrlEnv?, enums?, tables }',
);

export const manifestSchema = mapping(
  {
    version: z.literal(1n, { error: (iss) => `expected version: 1, got ${describe(iss.input)}` }),
    base: columns.optional(),
    bases: dict(columns, 'bases').optional(),
    mixins: dict(mapping({ include: names('mixin name').optional(), columns: columns.optional() }, 'a mixin { columns, include? }'), 'mixins').optional(),
    services: dict(serviceSchema, 'services'),
  },
  'a manifest { version, base?, bases?, mixins?, services }',
);

export type ManifestInput = z.infer<typeof manifestSchema>;
export type ServiceInput = z.infer<typeof serviceSchema>;
export type TableInput = z.infer<typeof tableSchema>;
export type ColumnInput = z.infer<typeof columnSchema>;
export type EnumInput = z.infer<typeof enumSchema>;

export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'bigint') return `number ${value}`;
  return `${typeof value} ${String(value)}`;
}

export function parseShape(data: unknown): { manifest?: ManifestInput; diagnostics: Diagnostic[] } {
  const result = manifestSchema.safeParse(data, { reportInput: true });
  if (result.success) return { manifest: result.data, diagnostics: [] };
  const diagnostics: Diagnostic[] = [];
  const collect = (iss: z.core.$ZodIssue, prefix: readonly PropertyKey[]) => {
    const path = [...prefix, ...iss.path].map((p) => (typeof p === 'symbol' ? String(p) : p));
    const branch = iss.code === 'invalid_union' ? matchingBranch(iss.errors) : undefined;
    if (branch) for (const inner of branch) collect(inner, path);
    else if (iss.code === 'unrecognized_keys') {
      const allowed = iss.message.startsWith(ALLOWED) ? iss.message.slice(ALLOWED.length) : '';
      for (const key of iss.keys) diagnostics.push({ path: [...path, key], atKey: true, message: `unknown key ${JSON.stringify(key)}; expected one of: ${allowed}` });
    } else if (iss.code === 'invalid_type' && iss.input === undefined && path.length > 0) {
      // A required key is absent: say so, at the mapping that lacks it.
      diagnostics.push({ path, message: `missing key ${JSON.stringify(String(path.at(-1)))}; ${iss.message.replace(/, got nothing$/, '')}` });
    } else {
      diagnostics.push({ path, message: iss.message });
    }
  };
  for (const iss of result.error.issues) collect(iss, []);
  return { diagnostics };
}

/**
 * Of a union's alternatives, the one whose shape the input took (its problems lie inside it, or are
 * unknown keys): its problems say more than "expected a list or a mapping".
 */
function matchingBranch(branches: readonly (readonly z.core.$ZodIssue[])[]): readonly z.core.$ZodIssue[] | undefined {
  const near = branches.filter((issues) => issues.some((i) => i.path.length > 0 || i.code === 'unrecognized_keys'));
  return near.length === 1 ? near[0] : undefined;
}
