import { z } from 'zod';
import type { Diagnostic } from './diagnostics.js';
import {
  EDITOR_RULES,
  EXTENSION_NAME_PATTERN,
  LINT_GLOB_PATTERN,
  MAX_IDENTIFIER_BYTES,
  MAX_SQL_FRAGMENT,
  SIBLING_RULES,
  TENANT_DATABASE_RULE,
  TENANT_PATTERN_RULE,
  TYPE_SPELLINGS,
} from './value-rules.js';

/**
 * The shape of schema.yaml. Only structure is enforced here; names, types, defaults and
 * cross-references are checked while resolving the model, where the whole manifest is known.
 * The `.meta()` of each node is its hover text in editors and carries the rules on single values
 * (patterns, bounds) into the manifest's JSON Schema (json-schema.ts).
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
const flag = (what: string) =>
  z.boolean({ error: (iss) => `expected ${what}: true or false, got ${describe(iss.input)}` });
const list = <T extends z.ZodType>(item: T, what: string) =>
  z
    .array(item, { error: (iss) => `expected a list of ${what}s, got ${describe(iss.input)}` })
    .min(1, { error: `expected at least one ${what}` });
/** A string naming something: an identifier (the model checks it; the pattern is for the JSON Schema). */
const name = (what: string) => text(what).meta(EDITOR_RULES.identifier);
const names = (what: string) => list(name(what), what);
/**
 * The name of a constraint or index: any spelling PostgreSQL accepts (`PK_Order_ID`), so an adopted
 * database keeps its names; the model checks its length in bytes.
 */
const objectName = (what: string) =>
  text(what).meta({ ...EDITOR_RULES.objectName, minLength: 1, maxLength: MAX_IDENTIFIER_BYTES });
const dict = <T extends z.ZodType>(value: T, what: string) =>
  z.record(z.string().meta(EDITOR_RULES.identifier), value, {
    error: (iss) => `expected ${what} (a mapping of name: value), got ${describe(iss.input)}`,
  });

const SQL_TEXT = {
  description: 'One SQL expression: no `;`, no comments, no `$` outside quotes, balanced quotes and parentheses.',
  ...EDITOR_RULES.sql,
  maxLength: MAX_SQL_FRAGMENT,
  examples: ['now()', 'gen_random_uuid()', 'amount >= 0'],
};
const sqlText = () => text('an SQL expression').meta(SQL_TEXT);
export const rawSql = mapping({ sql: sqlText() }, '{ sql: <expression> }');
const checkSchema = mapping(
  {
    sql: sqlText(),
    name: objectName('a constraint name')
      .meta({ description: 'The constraint name, any spelling; default <table>_<key>_check.' })
      .optional(),
  },
  '{ sql: <expression>, name? }',
);

/** The forms a default can take; whether a literal fits the column's type is the model's business. */
const DEFAULT_FORMS = [
  { type: 'string', ...EDITOR_RULES.noNul },
  { type: ['number', 'boolean'] },
  { type: 'array', description: 'a list literal (array columns), or a JSON array (json, jsonb)' },
  {
    type: 'object',
    properties: { sql: { type: 'string', ...SQL_TEXT } },
    required: ['sql'],
    additionalProperties: false,
  },
  {
    type: 'object',
    properties: { value: { description: 'a JSON value (json, jsonb)' } },
    required: ['value'],
    additionalProperties: false,
  },
];

const FK_ACTIONS = ['cascade', 'restrict', 'no action', 'set null', 'set default'] as const;
const fkAction = (description: string) =>
  z
    .enum(FK_ACTIONS, { error: (iss) => `expected one of ${FK_ACTIONS.join(', ')}, got ${describe(iss.input)}` })
    .meta({ description, default: 'no action' });
const INDEX_METHODS = ['btree', 'hash', 'gin', 'gist', 'brin', 'spgist'] as const;

const wholeNumber = (what: string) =>
  z.bigint({ error: (iss) => `expected ${what} (a whole number), got ${describe(iss.input)}` });

/** The options of a sequence, standalone or an identity column's: CREATE SEQUENCE's, with its defaults. */
const sequenceOptions = {
  start: wholeNumber('a start value')
    .meta({ description: 'START WITH: the first value (default: minValue, or maxValue counting down).' })
    .optional(),
  increment: wholeNumber('an increment').meta({ description: 'INCREMENT BY, not 0.', default: 1 }).optional(),
  minValue: wholeNumber('a minimum').meta({ description: 'MINVALUE (default 1, counting up).' }).optional(),
  maxValue: wholeNumber('a maximum').meta({ description: "MAXVALUE (default: the type's largest)." }).optional(),
  cache: wholeNumber('a cache size').meta({ description: 'CACHE: values handed out ahead.', default: 1 }).optional(),
  cycle: flag('cycle').meta({ description: 'CYCLE: wraps around at the end.', default: false }).optional(),
};

const IDENTITY_MODES = ['always', 'by default'] as const;

/** `identity: always`, or the mapping form stating the options of the column's sequence. */
const identitySchema = z.union(
  [
    z.enum(IDENTITY_MODES),
    mapping(
      {
        mode: z
          .enum(IDENTITY_MODES, { error: (iss) => `expected mode: always or "by default", got ${describe(iss.input)}` })
          .meta({ description: 'GENERATED ALWAYS or BY DEFAULT.' }),
        ...sequenceOptions,
      },
      'an identity { mode, start?, increment?, minValue?, maxValue?, cache?, cycle? }',
    ),
  ],
  {
    // A word that is not a mode is most likely a misspelt one: the short form is what it says then.
    error: (iss) =>
      iss.code !== 'invalid_union'
        ? undefined
        : typeof iss.input === 'string'
          ? `expected identity: always or "by default", got ${describe(iss.input)}`
          : 'expected identity: always, "by default" or { mode, start?, increment?, minValue?, maxValue?, cache?, ' +
            `cycle? }, got ${describe(iss.input)}`,
  },
);

export const columnSchema = mapping(
  {
    type: text('a column type').meta({
      description: `The column's type: ${TYPE_SPELLINGS}.`,
      ...EDITOR_RULES.columnType,
      examples: [
        'uuid',
        'text',
        'varchar(320)',
        'integer',
        'bigint',
        'boolean',
        'numeric(10,2)',
        'timestamptz',
        'jsonb',
        'text[]',
      ],
    }),
    nullable: flag('nullable').meta({ description: 'Whether the column accepts NULL.', default: false }).optional(),
    default: z
      .unknown()
      .meta({
        description:
          'A literal of the column type (`0`, `member`, `[a, b]`, `"2024-01-01 00:00:00"`), `{ sql: <expression> }`, ' +
          'or `{ value: ... }` for a JSON object. Serial and identity columns take none.',
        anyOf: DEFAULT_FORMS,
      })
      .optional(),
    generated: rawSql
      .meta({
        description:
          'A generated column: GENERATED ALWAYS AS (<expression>) STORED, computed from the other columns of the ' +
          'row; takes no default, identity or onUpdate.',
      })
      .optional(),
    primaryKey: flag('primaryKey')
      .meta({ description: 'The primary key (one column; use the table-level primaryKey for several).' })
      .optional(),
    unique: flag('unique').meta({ description: 'A unique constraint named <table>_<column>_key.' }).optional(),
    comment: text('a comment')
      .meta({ description: 'COMMENT ON COLUMN, and a doc comment in the generated code.', ...EDITOR_RULES.noNul })
      .optional(),
    identity: identitySchema
      .meta({
        description:
          'GENERATED ALWAYS / BY DEFAULT AS IDENTITY (smallint, integer or bigint): `always`, `by default`, or ' +
          '{ mode, start?, increment?, minValue?, maxValue?, cache?, cycle? } for the options of its sequence.',
      })
      .optional(),
    enforce: z
      .literal('database', { error: (iss) => `expected enforce: database, got ${describe(iss.input)}` })
      .meta({
        description:
          'With onUpdate: now, the database itself refreshes the column on every UPDATE (a trigger push creates), ' +
          'so raw SQL, scripts and other services keep it current too.',
      })
      .optional(),
    onUpdate: z
      .literal('now', { error: (iss) => `expected onUpdate: now, got ${describe(iss.input)}` })
      .meta({
        description: 'Set to the current time on every update through Drizzle ($onUpdate); date and timestamp columns.',
      })
      .optional(),
    tsType: mapping(
      {
        import: text('a module path').meta({
          description:
            'The module exporting the type, as imported from generated/<service>/schema.ts: ./ or ../, ending in .js.',
          examples: ['../../src/types.js'],
        }),
        name: text('a type name').meta({ description: 'The exported type.', examples: ['Settings'] }),
      },
      'a TypeScript type { import, name }',
    )
      .meta({
        description: 'json and jsonb columns: the TypeScript type of their values (`.$type<Name>()`), checked by tsc.',
      })
      .optional(),
    references: mapping(
      {
        service: name('a service name')
          .meta({ description: 'The service owning the target table; required for another service.' })
          .optional(),
        table: name('a table name').meta({ description: 'The target table.' }),
        column: name('a column name')
          .meta({ description: 'The target column: a primary key or unique column of the same type.', default: 'id' })
          .optional(),
        onDelete: fkAction('ON DELETE action.').optional(),
        onUpdate: fkAction('ON UPDATE action.').optional(),
        name: objectName('a constraint name')
          .meta({ description: 'The constraint name, any spelling; default <table>_<column>_fkey.' })
          .optional(),
      },
      'a reference { table, column, service?, onDelete?, onUpdate?, name? }',
    )
      .meta({ description: 'A foreign key, named <table>_<column>_fkey unless it has a name.' })
      .optional(),
    renamedFrom: name('the old column name')
      .meta({ description: "The column's old name in the same table: push renames it, keeping its values." })
      .optional(),
  },
  'a column { type, nullable?, default?, ... }',
).meta({ id: 'column', description: 'A column.', allOf: SIBLING_RULES.column });

const columns = dict(columnSchema, 'columns');

/** The key of a base that is not a column (column names are lowercase, so it cannot clash with one). */
export const SOFT_DELETE_KEY = 'softDelete';

const softDeleteSchema = mapping(
  {
    flag: name('a column name').meta({
      description: 'The boolean NOT NULL column of this base that marks a row deleted.',
      examples: ['is_deleted'],
    }),
    at: name('a column name').meta({
      description: 'The nullable timestamp or timestamptz column of this base that holds when.',
      examples: ['deleted_at'],
    }),
  },
  'a soft-delete pair { flag, at }',
).meta({
  description:
    'The soft-delete pair of this base: every table inheriting it gets the CHECK <table>_soft_delete_check ' +
    '(flag = (at IS NOT NULL)), and the generated notDeleted / softDelete helpers use these columns.',
});

/** Columns by name, and the base's soft-delete pair under `softDelete`. */
const baseColumns = (description: string) =>
  z
    .object(
      { [SOFT_DELETE_KEY]: softDeleteSchema.optional() },
      {
        error: (iss) =>
          iss.code === 'invalid_type'
            ? `expected base columns (a mapping of name: column), got ${describe(iss.input)}`
            : undefined,
      },
    )
    .catchall(columnSchema)
    .meta({
      description,
      propertyNames: {
        pattern: `^(?:${SOFT_DELETE_KEY}$|${EDITOR_RULES.identifier.pattern.slice(1)})`,
        patternErrorMessage: `${EDITOR_RULES.identifier.patternErrorMessage}; or ${SOFT_DELETE_KEY}`,
      },
    });

/** A partition key: column names, or `{ sql: <expression> }` for an expression (partitions.md). */
const PARTITION_KEY_PART = z.union([name('a column name'), rawSql], {
  error: (iss) =>
    iss.code === 'invalid_union'
      ? `expected a column name or { sql: <expression> }, got ${describe(iss.input)}`
      : undefined,
});
const partitionKeyList = (strategy: string, description: string) =>
  list(PARTITION_KEY_PART, 'key column')
    .meta({ description: `${strategy}: ${description}` })
    .optional();

export const partitionBySchema = mapping(
  {
    range: partitionKeyList('PARTITION BY RANGE', 'the key columns or expressions, in order.'),
    list: partitionKeyList('PARTITION BY LIST', 'one column or expression.'),
    hash: partitionKeyList('PARTITION BY HASH', 'the key columns or expressions, in order.'),
  },
  'a partition key { range | list | hash: [columns] }',
).meta({
  description:
    'Makes the table partitioned: one of range, list or hash with its key. Rows live in the `partitions`; ' +
    'its primary key and unique constraints must include every key column.',
});

export const partitionSchema = mapping(
  {
    values: text('partition bounds')
      .meta({
        description:
          'The bounds as after FOR VALUES: FROM (...) TO (...) (range), IN (...) (list), ' +
          'WITH (MODULUS n, REMAINDER r) (hash).',
        ...EDITOR_RULES.sql,
        maxLength: MAX_SQL_FRAGMENT,
        examples: ["FROM ('2024-01-01') TO ('2025-01-01')", "IN ('eu', 'uk')", 'WITH (MODULUS 4, REMAINDER 0)'],
      })
      .optional(),
    default: z
      .literal(true, { error: (iss) => `expected default: true, got ${describe(iss.input)}` })
      .meta({ description: 'The default partition: rows no other partition takes (range and list).' })
      .optional(),
  },
  'a partition { values } or { default: true }',
).meta({ description: 'A partition: a table of the same columns holding the rows its bounds take.' });

const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: (iss) => `expected one of ${values.join(', ')}, got ${describe(iss.input)}` });

export const TRIGGER_EVENTS = ['insert', 'update', 'delete', 'truncate'] as const;

export const triggerSchema = mapping(
  {
    timing: oneOf(['before', 'after'] as const).meta({ description: 'When the trigger fires: BEFORE or AFTER.' }),
    events: list(oneOf(TRIGGER_EVENTS), 'event').meta({
      description: 'The statements that fire it (INSERT OR UPDATE …); truncate only for a statement trigger.',
      uniqueItems: true,
    }),
    forEach: oneOf(['row', 'statement'] as const).meta({ description: 'FOR EACH ROW or FOR EACH STATEMENT.' }),
    columns: names('column name')
      .meta({
        description:
          'UPDATE OF these columns: the trigger fires on an UPDATE only when its SET list names one of them ' +
          '(with the update event).',
        uniqueItems: true,
      })
      .optional(),
    when: rawSql
      .meta({
        description: 'A condition on OLD and NEW (row triggers): { sql: new.title is distinct from old.title }.',
      })
      .optional(),
    function: text('a function name').meta({
      description:
        "The trigger function: a name of the service's schema (one of its `functions`), or schema.name " +
        '(pg_catalog.tsvector_update_trigger).',
      pattern: '^[a-z_][a-z0-9_]*(\\.[a-z_][a-z0-9_]*)?$',
      examples: ['article_search', 'pg_catalog.tsvector_update_trigger'],
    }),
    args: z
      .array(text('an argument'), { error: (iss) => `expected a list of arguments, got ${describe(iss.input)}` })
      .meta({ description: 'The arguments the function reads in TG_ARGV, as strings.' })
      .optional(),
  },
  'a trigger { timing, events, forEach, columns?, when?, function, args? }',
).meta({ description: 'A trigger of the table, calling a trigger function: created or replaced by push.' });

export const policySchema = mapping(
  {
    as: oneOf(['permissive', 'restrictive'] as const)
      .meta({
        description: 'PERMISSIVE (any one lets a row through) or RESTRICTIVE (each must).',
        default: 'permissive',
      })
      .optional(),
    for: oneOf(['all', 'select', 'insert', 'update', 'delete'] as const)
      .meta({ description: 'The command it applies to.', default: 'all' })
      .optional(),
    to: list(text('a role name'), 'role name')
      .meta({ description: 'The roles it applies to (public, current_user, or a role); all when omitted.' })
      .optional(),
    using: rawSql.meta({ description: 'Which existing rows are visible: { sql: owner = current_user }.' }).optional(),
    withCheck: rawSql.meta({ description: 'Which new rows may be written: { sql: owner = current_user }.' }).optional(),
  },
  'a policy { as?, for?, to?, using?, withCheck? }',
).meta({ description: 'A row-level security policy of the table: created or replaced by push.' });

/** The privileges a table grants (GRANT … ON TABLE), in PostgreSQL's order. */
export const TABLE_PRIVILEGES = ['select', 'insert', 'update', 'delete', 'truncate', 'references', 'trigger'] as const;

/** `role: [privileges]` or `role: all`, by role name: any spelling (an adopted database's `App_Reader`), or public. */
export const grantsSchema = z
  .record(
    z.string().meta({ ...EDITOR_RULES.objectName, minLength: 1, maxLength: MAX_IDENTIFIER_BYTES }),
    z.union(
      [
        z.literal('all'),
        z
          .array(oneOf(TABLE_PRIVILEGES), {
            error: (iss) => `expected all or a list of privileges, got ${describe(iss.input)}`,
          })
          .min(1, { error: 'expected at least one privilege' }),
      ],
      {
        error: (iss) =>
          `expected all or a list of privileges (${TABLE_PRIVILEGES.join(', ')}), got ${describe(iss.input)}`,
      },
    ),
    { error: (iss) => `expected grants (a mapping of role: [privileges]), got ${describe(iss.input)}` },
  )
  .meta({
    description:
      'Privileges granted on the table, by role (or public): [select, insert, …] or all. Push grants what a ' +
      'role lacks and revokes nothing; the roles must exist (push creates none). Grants not declared here are ' +
      'left alone (verify lists them as unmanaged).',
  });

export const tableSchema = mapping(
  {
    base: z
      .union([z.literal(false), name('a base name')], {
        error: (iss) => `expected base: false or the name of a base, got ${describe(iss.input)}`,
      })
      .meta({
        description:
          'The base columns this table starts with: `false` for none, or the name of one of `bases`. Omitted: `base`.',
      })
      .optional(),
    mixins: names('mixin name')
      .meta({ description: 'Mixins whose columns follow the base columns, in this order.' })
      .optional(),
    comment: text('a comment')
      .meta({ description: 'COMMENT ON TABLE, and a doc comment in the generated code.', ...EDITOR_RULES.noNul })
      .optional(),
    columns: columns.meta({ description: "The table's own columns, after its base and mixin columns." }).optional(),
    primaryKey: names('column name')
      .meta({ description: 'A composite primary key (with `base: false` when the base has a key).' })
      .optional(),
    primaryKeyName: objectName('a constraint name')
      .meta({
        description:
          "The primary key constraint's name, any spelling (`PK_Order_ID`), whichever columns make the key; " +
          'default <table>_pkey.',
      })
      .optional(),
    indexes: z
      .array(
        mapping(
          {
            columns: z
              .array(
                z.union([name('column name'), rawSql], {
                  error: (iss) => `expected a column name or { sql: <expression> }, got ${describe(iss.input)}`,
                }),
                { error: (iss) => `expected a list of column names, got ${describe(iss.input)}` },
              )
              .min(1, { error: 'expected at least one column name' })
              .meta({
                description:
                  'The indexed columns, in order; an expression is written { sql: <expression> } (lower(email)).',
              }),
            name: objectName('an index name')
              .meta({ description: 'The index name, any spelling; default <table>_<columns>_idx.' })
              .optional(),
            unique: flag('unique').meta({ description: 'A unique index (btree).', default: false }).optional(),
            where: rawSql.meta({ description: 'A partial index predicate: { sql: <expression> }.' }).optional(),
            method: z
              .enum(INDEX_METHODS, {
                error: (iss) => `expected one of ${INDEX_METHODS.join(', ')}, got ${describe(iss.input)}`,
              })
              .meta({ description: 'The index method.', default: 'btree' })
              .optional(),
          },
          'an index { columns, unique?, where?, method?, name? }',
        ).meta({ allOf: SIBLING_RULES.index }),
        { error: (iss) => `expected a list of indexes, got ${describe(iss.input)}` },
      )
      .meta({ description: 'Indexes of the table.' })
      .optional(),
    uniques: z
      .array(
        mapping(
          {
            columns: names('column name').meta({ description: 'The columns unique together.' }),
            name: objectName('a constraint name')
              .meta({ description: 'The constraint name, any spelling; default <table>_<columns>_key.' })
              .optional(),
          },
          'a unique constraint { columns, name? }',
        ),
        { error: (iss) => `expected a list of unique constraints, got ${describe(iss.input)}` },
      )
      .meta({ description: 'Unique constraints over several columns.' })
      .optional(),
    foreignKeys: z
      .array(
        mapping(
          {
            columns: names('column name').meta({ description: 'The referencing columns, in order.' }),
            references: mapping(
              {
                service: name('a service name')
                  .meta({ description: 'The service owning the target table; required for another service.' })
                  .optional(),
                table: name('a table name').meta({ description: 'The target table.' }),
                columns: names('column name').meta({
                  description:
                    "The target's columns, paired in order with the referencing ones: its primary key or a unique " +
                    'constraint.',
                }),
              },
              'a target { table, columns, service? }',
            ).meta({ description: "The referenced table and its columns: its primary key or a unique constraint's." }),
            onDelete: fkAction('ON DELETE action.').optional(),
            onUpdate: fkAction('ON UPDATE action.').optional(),
            name: objectName('a constraint name')
              .meta({ description: 'The constraint name, any spelling; default <table>_<columns>_fkey.' })
              .optional(),
          },
          'a foreign key { columns, references: { table, columns, service? }, onDelete?, onUpdate?, name? }',
        ),
        { error: (iss) => `expected a list of foreign keys, got ${describe(iss.input)}` },
      )
      .meta({
        description:
          "Foreign keys over several columns (a single column's is its references:), named " +
          '<table>_<columns>_fkey unless named.',
      })
      .optional(),
    checks: dict(checkSchema, 'checks')
      .meta({
        description: 'Check constraints by key, named <table>_<key>_check unless named: { sql: <expression>, name? }.',
      })
      .optional(),
    partitionBy: partitionBySchema.optional(),
    partitions: dict(partitionSchema, 'partitions')
      .meta({
        description:
          'The partitions of a partitioned table, by name: created in the same schema by push; partitions not ' +
          'declared here are left alone (verify lists them as unmanaged).',
      })
      .optional(),
    rls: z
      .union([z.boolean(), z.literal('force')], {
        error: (iss) => `expected rls: true, false or force, got ${describe(iss.input)}`,
      })
      .meta({
        description:
          'Row-level security enabled on the table (ENABLE ROW LEVEL SECURITY); force: the table owner too is ' +
          'subject to its policies (and FORCE ROW LEVEL SECURITY).',
        default: false,
      })
      .optional(),
    policies: dict(policySchema, 'policies')
      .meta({
        description:
          'Row-level security policies of the table by name, created or replaced by push when they differ; ' +
          'policies not declared here are left alone (verify lists them as unmanaged).',
      })
      .optional(),
    grants: grantsSchema.optional(),
    triggers: dict(triggerSchema, 'triggers')
      .meta({
        description:
          'Triggers of the table by name, created or replaced by push when they differ; triggers not declared ' +
          'here are left alone (verify lists them as unmanaged).',
      })
      .optional(),
    from: text('<schema>.<table> or the old table name')
      .meta({
        description:
          'Where the table lives now, moved or renamed here by push with its rows: <schema>.<table>, or the old ' +
          "name in the service's own schema. From public, a schema no service owns, or another service's schema " +
          'that no longer declares it.',
        examples: ['public.users_user', 'old_name'],
      })
      .optional(),
  },
  'a table { columns, base?, mixins?, indexes?, from?, ... }',
).meta({ description: 'A table in the service schema.' });

const enumValues = list(
  text('enum value').meta({ ...EDITOR_RULES.enumValue, maxLength: MAX_IDENTIFIER_BYTES }),
  'enum value',
).meta({
  uniqueItems: true,
});

/** `name: [values]`, or the mapping form that can also declare renames. */
const enumSchema = z.union(
  [
    enumValues,
    mapping(
      {
        values: enumValues.meta({ description: 'The values, in order.' }),
        renamedFrom: name('the old enum name')
          .meta({ description: "The enum's old name in the same schema: push renames it." })
          .optional(),
        renamedValues: dict(text('an old enum value'), 'renamedValues')
          .meta({
            description: 'Values renamed by push, keeping the rows that hold them: { <new value>: <old value> }.',
          })
          .optional(),
      },
      'an enum { values, renamedFrom?, renamedValues? }',
    ),
  ],
  {
    error: (iss) =>
      iss.code === 'invalid_union'
        ? `expected a list of enum values or { values, renamedFrom?, renamedValues? }, got ${describe(iss.input)}`
        : undefined,
  },
);

/** A view's reloption: `security_barrier: true`, `check_option: local`, `fillfactor: 70`. */
const VIEW_OPTION = z.union([z.string(), z.boolean(), z.bigint()], {
  error: (iss) => `expected an option value (a string, number or true/false), got ${describe(iss.input)}`,
});

export const viewSchema = mapping(
  {
    sql: text('a query').meta({
      description:
        'The query after AS, schema-qualified (`select id, total from shop.orders where total > 100`): ' +
        'no `;`, no comments, no `$` outside quotes. Compared as the server prints it (pg_get_viewdef).',
      ...EDITOR_RULES.noNul,
      examples: ['select id, total from shop.orders where total > 100'],
    }),
    columns: dict(
      text('a column type').meta({ description: `The column's type: ${TYPE_SPELLINGS}.`, ...EDITOR_RULES.columnType }),
      'view columns',
    ).meta({
      description:
        "The view's columns in order, name: type, as the query yields them: the generated Drizzle view's columns, " +
        'checked by verify against the live view.',
      minProperties: 1,
    }),
    materialized: flag('materialized')
      .meta({ description: 'A materialized view: its rows are stored (REFRESH MATERIALIZED VIEW).', default: false })
      .optional(),
    with: dict(VIEW_OPTION, 'view options')
      .meta({
        description:
          'Storage options (WITH (...)): security_barrier, security_invoker, check_option for a view; ' +
          'fillfactor and the like for a materialized view.',
      })
      .optional(),
    indexes: z
      .array(
        mapping(
          {
            columns: names('column name').meta({ description: 'The indexed columns, in order.' }),
            name: name('an index name')
              .meta({ description: 'The index name; default <view>_<columns>_idx.' })
              .optional(),
            unique: flag('unique').meta({ description: 'A unique index.', default: false }).optional(),
          },
          'an index { columns, unique?, name? }',
        ),
        { error: (iss) => `expected a list of indexes, got ${describe(iss.input)}` },
      )
      .meta({ description: "A materialized view's indexes (btree)." })
      .optional(),
    grants: grantsSchema
      .meta({
        description:
          'Privileges granted on the view, by role (or public): [select, …] or all. Push grants what a role lacks ' +
          'and revokes nothing; grants not declared here are left alone (verify lists them as unmanaged).',
      })
      .optional(),
  },
  'a view { sql, columns, materialized?, with?, indexes?, grants? }',
).meta({ description: "A view of the service's schema, created and replaced by push." });

export const routineSchema = mapping(
  {
    args: text('an argument list')
      .meta({
        description:
          'The arguments as in CREATE FUNCTION, without the parentheses (`o shop.orders, factor numeric`); ' +
          'none when omitted.',
        examples: ['o shop.orders', 'customer uuid, since date'],
      })
      .optional(),
    returns: text('a return type')
      .meta({
        description: 'The return type (`numeric`, `trigger`, `setof shop.orders`); omitted only for a procedure.',
        examples: ['numeric', 'trigger'],
      })
      .optional(),
    procedure: flag('procedure')
      .meta({ description: 'A procedure (CALL), which returns nothing: no returns.', default: false })
      .optional(),
    language: oneOf(['sql', 'plpgsql'] as const).meta({ description: 'The language of the body.' }),
    body: text('a function body').meta({
      description:
        'The body as stored by the server (pg_proc.prosrc), without the $$ quotes: what push runs and verify ' +
        "compares. Name the service's objects schema-qualified (shop.orders).",
      ...EDITOR_RULES.noNul,
    }),
    volatility: oneOf(['volatile', 'stable', 'immutable'] as const)
      .meta({ description: 'The volatility class.', default: 'volatile' })
      .optional(),
  },
  'a function { args?, returns | procedure, language, body, volatility? }',
).meta({ description: "A function or procedure of the service's schema, created or replaced by push." });

export const sequenceSchema = mapping(
  {
    type: oneOf(['smallint', 'integer', 'bigint'] as const)
      .meta({ description: 'The type of its values.', default: 'bigint' })
      .optional(),
    ...sequenceOptions,
  },
  'a sequence { type?, start?, increment?, minValue?, maxValue?, cache?, cycle? }',
).meta({ description: "A standalone sequence of the service's schema (Drizzle's pgSequence), created by push." });

const domainSchema = mapping(
  {
    type: text('a type').meta({
      description: `The domain's base type: ${TYPE_SPELLINGS} (no serial).`,
      ...EDITOR_RULES.columnType,
      examples: ['text', 'varchar(320)', 'integer', 'numeric(10,2)'],
    }),
    notNull: flag('notNull')
      .meta({ description: 'NOT NULL: no column of the domain holds NULL.', default: false })
      .optional(),
    default: z
      .unknown()
      .meta({
        description:
          'The default of every column of the domain: a literal of the base type, or `{ sql: <expression> }`.',
        anyOf: DEFAULT_FORMS,
      })
      .optional(),
    checks: dict(rawSql, 'checks')
      .meta({ description: 'Check constraints by their own name: { sql: <expression of VALUE> }.' })
      .optional(),
  },
  'a domain { type, notNull?, default?, checks? }',
).meta({ description: 'A domain: a base type with NOT NULL, a default and checks, usable as a column type.' });

const compositeSchema = mapping(
  {
    attributes: dict(
      text('a type').meta({
        description: `An attribute's type: ${TYPE_SPELLINGS}, or a domain of the service (no serial).`,
        ...EDITOR_RULES.columnType,
      }),
      'attributes',
    ).meta({ description: 'The attributes by name, in order: each a type.', minProperties: 1 }),
  },
  'a composite type { attributes }',
).meta({ description: 'A composite type (CREATE TYPE … AS (…)): named attributes, usable as a column type.' });

/** Where a per-tenant service's tenants come from (tenants.md); the model checks that exactly one is given. */
export const tenantSourceSchema = mapping(
  {
    query: text('an SQL query')
      .meta({
        description:
          "A query on the service's database (the control database) whose first column is the tenant names; " +
          "with database:, a second column, when given, is the tenant's database URL.",
        examples: ['select slug from public.tenants'],
      })
      .optional(),
    schemas: z
      .literal(true, { error: (iss) => `expected schemas: true, got ${describe(iss.input)}` })
      .meta({ description: "The schemas that exist and match the pattern: each one's tenant." })
      .optional(),
    file: text('a file path')
      .meta({
        description:
          "A text file, relative to the manifest's folder: one tenant name a line (# comments); with database:, " +
          "the tenant's database URL may follow the name.",
        examples: ['tenants.txt'],
      })
      .optional(),
    list: names('tenant name').meta({ description: 'The tenant names themselves.' }).optional(),
  },
  'a tenant source { query | schemas | file | list }',
).meta({
  description:
    'Where the tenants come from: one of query, schemas, file or list. Omitted: only the tenants named by ' +
    '--tenant or by the library call.',
});

export const tenantsSchema = mapping(
  {
    schema: text('a schema name pattern')
      .meta({
        description:
          "Schema per tenant: each tenant's schema, lowercase letters, digits and _ around one {tenant}, which is " +
          "the tenant's name.",
        pattern: TENANT_PATTERN_RULE.pattern,
        patternErrorMessage: TENANT_PATTERN_RULE.patternErrorMessage,
        examples: ['tenant_{tenant}'],
      })
      .optional(),
    database: text('a database name or URL pattern')
      .meta({
        description:
          "Database per tenant: each tenant's database, a name with one {tenant} (on the server of the service's " +
          'URL) or a whole postgres:// URL with one {tenant} and no password; the service keeps its schema ' +
          'inside each tenant database.',
        pattern: TENANT_DATABASE_RULE.pattern,
        patternErrorMessage: TENANT_DATABASE_RULE.patternErrorMessage,
        examples: ['tenant_{tenant}', 'postgres://app@db2.internal:5432/tenant_{tenant}'],
      })
      .optional(),
    from: tenantSourceSchema.optional(),
  },
  'tenants { schema | database, from? }',
).meta({
  description:
    'The service is per tenant: one schema (schema:) or one database (database:) per tenant, named by the ' +
    'pattern, with the same tables; push and verify work on every tenant (tenants.md).',
});

export const serviceSchema = mapping(
  {
    schema: text('a Postgres schema name')
      .meta({
        description:
          "The service's own Postgres schema; default: the service name. " +
          'Not public, pg_*, information_schema or drizzle.',
        ...EDITOR_RULES.schema,
      })
      .optional(),
    databaseUrlEnv: text('an environment variable name')
      .meta({
        description:
          "The variable holding the service's database URL; default <SERVICE>_DATABASE_URL, then DATABASE_URL.",
        ...EDITOR_RULES.envName,
      })
      .optional(),
    enums: dict(enumSchema, 'enums')
      .meta({
        description:
          'Enums by name: a list of values, or { values, renamedFrom?, renamedValues? }; ' +
          "created in the service's schema.",
      })
      .optional(),
    domains: dict(domainSchema, 'domains')
      .meta({ description: "Domains by name, created in the service's schema; columns use them as types." })
      .optional(),
    composites: dict(compositeSchema, 'composites')
      .meta({ description: "Composite types by name, created in the service's schema; columns use them as types." })
      .optional(),
    tenants: tenantsSchema.optional(),
    tables: dict(tableSchema, 'tables').meta({ description: 'The tables of the service, by name.', minProperties: 1 }),
    functions: dict(routineSchema, 'functions')
      .meta({
        description:
          "Functions and procedures by name, created in the service's schema and replaced by push when their " +
          'signature, language, volatility or body differ; functions not declared here are left alone.',
      })
      .optional(),
    sequences: dict(sequenceSchema, 'sequences')
      .meta({
        description:
          "Standalone sequences by name, created in the service's schema and altered by push (never restarted); " +
          'sequences not declared here are left alone.',
      })
      .optional(),
    views: dict(viewSchema, 'views')
      .meta({
        description:
          "Views and materialized views by name, created in the service's schema and replaced by push when their " +
          'query, columns or options change; views not declared here are left alone.',
      })
      .optional(),
  },
  'a service { schema?, databaseUrlEnv?, tenants?, enums?, domains?, composites?, tables, functions?, ' +
    'sequences?, views? }',
).meta({ description: 'A service: one Postgres schema, its enums and tables, and one generated folder.' });

/**
 * Settings of `schemagen lint`. Only lint reads them (the model leaves them out), so the shape checks
 * each glob's spelling itself.
 */
export const lintSettingsSchema = mapping(
  {
    ignore: list(
      text('a path or glob')
        .regex(new RegExp(LINT_GLOB_PATTERN), { error: EDITOR_RULES.lintGlob.patternErrorMessage })
        .meta(EDITOR_RULES.lintGlob),
      'path or glob',
    )
      .meta({
        description:
          "Files and folders lint never reads unless named on its command line, relative to the manifest's " +
          'folder: `*` and `?` within a name, `**` for any folders; a folder matched is skipped whole.',
      })
      .optional(),
  },
  'lint settings { ignore? }',
).meta({ description: 'Settings of `schemagen lint`.' });

export const manifestSchema = mapping(
  {
    version: z
      .literal(1n, { error: (iss) => `expected version: 1, got ${describe(iss.input)}` })
      .meta({ description: 'The manifest format version: always 1.' }),
    drizzle: z
      .literal([0n, 1n], {
        error: (iss) => `expected drizzle: 0 or 1 (the drizzle-orm major to generate for), got ${describe(iss.input)}`,
      })
      .meta({
        description:
          'The drizzle-orm major the generated code is written for: 0 (0.x) or 1 (1.x). Omitted: the major of the ' +
          'drizzle-orm installed where the generated code resolves it, else 0.',
      })
      .optional(),
    extensions: list(
      text('an extension name')
        .regex(new RegExp(EXTENSION_NAME_PATTERN), { error: EDITOR_RULES.extension.patternErrorMessage })
        .meta({ ...EDITOR_RULES.extension, examples: ['pgcrypto', 'uuid-ossp', 'citext'] }),
      'extension name',
    )
      .meta({
        description:
          'Extensions the services need (pgcrypto, uuid-ossp, citext), once for the whole project: push creates ' +
          "each one missing from a service's database (CREATE EXTENSION IF NOT EXISTS, where the server puts it: " +
          'the first schema of the search path, normally public) and never drops one.',
      })
      .optional(),
    base: baseColumns(
      'Columns every table gets first, in this order, and optionally the soft-delete pair among them (softDelete). ' +
        'Omitted: id, created_at, updated_at, is_deleted, deleted_at.',
    ).optional(),
    bases: dict(baseColumns('Base columns, and optionally their soft-delete pair (softDelete).'), 'bases')
      .meta({ description: 'Other sets of base columns, by name; a table picks one with `base: <name>`.' })
      .optional(),
    mixins: dict(
      mapping(
        {
          include: names('mixin name').meta({ description: 'Other mixins whose columns come first.' }).optional(),
          columns: columns.meta({ description: "The mixin's columns." }).optional(),
          last: flag('last')
            .meta({
              description:
                "Its columns come after the table's own columns instead of before them (a trailing stamp such " +
                'as `updated`).',
              default: false,
            })
            .optional(),
        },
        'a mixin { columns, include?, last? }',
      ).meta({ description: 'A set of columns tables add with `mixins: [...]`.' }),
      'mixins',
    )
      .meta({ description: 'Column sets by name, added to a table after its base.' })
      .optional(),
    services: dict(serviceSchema, 'services').meta({
      description: 'The services, by name; each owns one Postgres schema.',
      minProperties: 1,
    }),
    lint: lintSettingsSchema.optional(),
  },
  'a manifest { version, drizzle?, extensions?, base?, bases?, mixins?, services, lint? }',
).meta({
  title: 'drizzle-schemagen manifest (schema.yaml)',
  description: 'One YAML manifest for every service on PostgreSQL.',
});

export type ManifestInput = z.infer<typeof manifestSchema>;
export type ServiceInput = z.infer<typeof serviceSchema>;
export type TableInput = z.infer<typeof tableSchema>;
export type ColumnInput = z.infer<typeof columnSchema>;
export type SoftDeleteInput = z.infer<typeof softDeleteSchema>;
export type EnumInput = z.infer<typeof enumSchema>;
export type DomainInput = z.infer<typeof domainSchema>;
export type CompositeInput = z.infer<typeof compositeSchema>;
export type PartitionByInput = z.infer<typeof partitionBySchema>;
export type PartitionInput = z.infer<typeof partitionSchema>;
export type ViewInput = z.infer<typeof viewSchema>;
export type PolicyInput = z.infer<typeof policySchema>;
export type GrantsInput = z.infer<typeof grantsSchema>;
export type TriggerInput = z.infer<typeof triggerSchema>;
export type RoutineInput = z.infer<typeof routineSchema>;
export type SequenceInput = z.infer<typeof sequenceSchema>;
export type TenantsInput = z.infer<typeof tenantsSchema>;
export type LintSettingsInput = z.infer<typeof lintSettingsSchema>;

export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string')
    return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
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
      for (const key of iss.keys)
        diagnostics.push({
          path: [...path, key],
          atKey: true,
          message: `unknown key ${JSON.stringify(key)}; expected one of: ${allowed}`,
        });
    } else if (iss.code === 'invalid_type' && iss.input === undefined && path.length > 0) {
      // A required key is absent: say so, at the mapping that lacks it.
      diagnostics.push({
        path,
        message: `missing key ${JSON.stringify(String(path.at(-1)))}; ${iss.message.replace(/, got nothing$/, '')}`,
      });
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
