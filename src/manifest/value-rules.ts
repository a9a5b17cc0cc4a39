/**
 * Rules on single values of schema.yaml, and between keys of one mapping. The model enforces them
 * (with messages that say what is wrong); the manifest's JSON Schema states the same rules, built
 * from these constants, so an editor flags the same mistakes while typing.
 */

import { MIGRATIONS_SCHEMA } from '../shared/conventions.js';

export const MAX_IDENTIFIER_BYTES = 63;

/** A lowercase identifier: quoted everywhere, so reserved words are fine. */
export const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** The identifier rule with its length bound: the characters are ASCII, so characters are bytes. */
export const IDENTIFIER_PATTERN = `^(?!__proto__$)[a-z_][a-z0-9_]{0,${MAX_IDENTIFIER_BYTES - 1}}$`;

/** Schemas no service may own: Postgres' own, `public`, and the migration history's. */
export const isReservedSchema = (schema: string) =>
  schema === 'public' || schema === 'information_schema' || schema.startsWith('pg_') || schema === MIGRATIONS_SCHEMA;

const RESERVED_SCHEMA_AHEAD = `(?!pg_|(?:public|information_schema|${MIGRATIONS_SCHEMA})$)`;
const SCHEMA_PATTERN = `^${RESERVED_SCHEMA_AHEAD}${IDENTIFIER_PATTERN.slice(1)}`;

/** The placeholder of a per-tenant schema pattern: the tenant's name. */
export const TENANT_PLACEHOLDER = '{tenant}';

/** A per-tenant schema pattern: identifier characters around exactly one {tenant}. */
export const TENANT_PATTERN_RULE = {
  pattern: '^[a-z0-9_]*\\{tenant\\}[a-z0-9_]*$',
  patternErrorMessage: 'expected lowercase letters, digits and _ around one {tenant}, e.g. tenant_{tenant}',
};

/**
 * A per-tenant database pattern: a database name (identifier characters) or a postgres:// URL, around
 * exactly one {tenant} (the model checks the count and that a URL holds no password).
 */
export const TENANT_DATABASE_RULE = {
  pattern: '^([a-z0-9_]*\\{tenant\\}[a-z0-9_]*|postgres(ql)?://.*\\{tenant\\}.*)$',
  patternErrorMessage:
    'expected a database name of lowercase letters, digits and _ around one {tenant} (tenant_{tenant}), ' +
    'or a postgres:// URL with one {tenant}',
};

export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** An extension's name as CREATE EXTENSION takes it: lowercase letters, digits, _ and - (uuid-ossp). */
export const EXTENSION_NAME_PATTERN = `^[a-z0-9_][a-z0-9_-]{0,${MAX_IDENTIFIER_BYTES - 1}}$`;

/** Postgres text cannot hold NUL (comments, enum values, literals). */
const NO_NUL_PATTERN = '^[^\\u0000]*$';

/** Enum values are labels, not identifiers: anything but NUL, 1 to 63 bytes (the JSON Schema bounds characters). */
const ENUM_VALUE_PATTERN = '^[^\\u0000]+$';

/** Raw SQL longer than this is refused; an expression in a manifest is a few dozen characters. */
export const MAX_SQL_FRAGMENT = 2000;

/**
 * The lexical part of the single-expression rule (see sqlFragmentProblem): not blank; no `;` at all;
 * outside quotes no `$`, `--` or `/*`; every quote closed. A quoted string or identifier is one token
 * ending at the next quote of its kind (a doubled quote reads as two adjacent tokens), so every text
 * has one reading and the pattern never backtracks far. Balanced parentheses are beyond a pattern.
 */
export const SQL_FRAGMENT_PATTERN =
  `^(?=[\\s\\S]*\\S)(?:[^'"$;/\\u0000-]|-(?!-)|/(?!\\*)` + `|'[^';\\u0000]*'|"[^";\\u0000]*")*$`;

/** 1 to 10485760, Postgres' limit for varchar(n) and char(n); leading zeros read as the same number. */
const CHAR_LENGTH =
  '0*(?:[1-9]\\d{0,6}|10[0-3]\\d{5}|104[0-7]\\d{4}|1048[0-4]\\d{3}|10485[0-6]\\d{2}|104857[0-5]\\d|10485760)';
/** 1 to 1000, the precision numeric(p,s) allows. */
const PRECISION = '0*(?:[1-9]\\d{0,2}|1000)';

/** What an interval may hold: `interval day to second`, … */
export const INTERVAL_FIELDS = [
  'year',
  'month',
  'day',
  'hour',
  'minute',
  'second',
  'year to month',
  'day to hour',
  'day to minute',
  'day to second',
  'hour to minute',
  'hour to second',
  'minute to second',
] as const;
export type IntervalFields = (typeof INTERVAL_FIELDS)[number];

const INTERVAL_FIELDS_PATTERN = INTERVAL_FIELDS.map((f) => f.replace(/ /g, '\\s+')).join('|');

/** 0 to 6 fractional digits of seconds (time, timestamp, interval). */
const SECONDS_PRECISION = '\\(\\s*0*[0-6]\\s*\\)';

/**
 * Column type spellings: a built-in type or an enum of the service (both identifiers), `double
 * precision`, `bit varying`, `varchar(n)`, `char(n)`, `numeric(p,s)`, `bit(n)`, `varbit(n)`,
 * `timestamp(p)` and the other times, `interval <fields>(p)`, with any number of `[]`; serials have no
 * arrays. Which identifiers name real types, and that the scale fits the precision, are checked by the model.
 */
export const COLUMN_TYPE_PATTERN =
  '^\\s*(?!(?:small|big)?serial\\s*\\[)(?:double precision|bit varying|[a-z_][a-z0-9_]*' +
  `|(?:varchar|char)\\s*\\(\\s*${CHAR_LENGTH}\\s*\\)` +
  `|(?:numeric|decimal)\\s*\\(\\s*${PRECISION}\\s*(?:,\\s*\\d+\\s*)?\\)` +
  `|(?:bit|varbit|bit varying)\\s*\\(\\s*0*[1-9]\\d{0,7}\\s*\\)` +
  `|(?:time|timetz|timestamp|timestamptz)\\s*${SECONDS_PRECISION}` +
  `|interval(?:\\s+(?:${INTERVAL_FIELDS_PATTERN}))?\\s*(?:${SECONDS_PRECISION})?` +
  ')(?:\\s*\\[\\])*\\s*$';

export const TYPE_SPELLINGS =
  'uuid, text, varchar(n), char(n), smallint, integer, bigint, smallserial, serial, bigserial, boolean, ' +
  'numeric(p,s), real, double precision, money, date, time(p), timetz(p), timestamp(p), timestamptz(p), ' +
  'interval [fields] [(p)], json, jsonb, bytea, xml, tsvector, tsquery, bit(n), varbit(n), ' +
  'inet, cidr, macaddr, macaddr8, point, line, lseg, box, path, polygon, circle, ' +
  'int4range, int8range, numrange, tsrange, tstzrange, daterange and their multiranges (int4multirange, …), ' +
  'citext (of the citext extension), ' +
  'an enum of the service, or any of these followed by [] for an array ([][] for two dimensions)';

/**
 * A path or glob relative to the manifest's folder, with `/` between folders: not blank, no leading
 * `/` (absolute) or `!` (gitignore's negation, which lint does not have), no `.` or `..` part, no `\`.
 */
export const LINT_GLOB_PATTERN = '^(?![/!])(?!(?:.*/)?\\.{1,2}(?:/|$))(?=[\\s\\S]*\\S)[^\\\\\\u0000]+$';

/**
 * The patterns as JSON Schema keywords, each with the message an editor shows when it fails
 * (yaml-language-server reads `patternErrorMessage`; the pattern itself would be unreadable).
 */
const rule = (pattern: string, patternErrorMessage: string) => ({ pattern, patternErrorMessage });
export const EDITOR_RULES = {
  identifier: rule(
    IDENTIFIER_PATTERN,
    'expected a lowercase name: letters, digits and _, starting with a letter or _, ' +
      `at most ${MAX_IDENTIFIER_BYTES} characters`,
  ),
  schema: rule(SCHEMA_PATTERN, 'expected a lowercase name of its own: not public, information_schema, pg_* or drizzle'),
  envName: rule(ENV_NAME.source, 'expected an environment variable name: letters, digits and _'),
  noNul: rule(NO_NUL_PATTERN, 'Postgres text cannot hold a NUL character'),
  enumValue: rule(ENUM_VALUE_PATTERN, `expected 1 to ${MAX_IDENTIFIER_BYTES} bytes without NUL`),
  objectName: rule(ENUM_VALUE_PATTERN, `expected a name of 1 to ${MAX_IDENTIFIER_BYTES} bytes without NUL`),
  sql: rule(
    SQL_FRAGMENT_PATTERN,
    'expected one SQL expression: no ;, no -- or /* comments, no $ outside quotes, quotes closed',
  ),
  extension: rule(
    EXTENSION_NAME_PATTERN,
    `expected an extension name: lowercase letters, digits, _ and -, at most ${MAX_IDENTIFIER_BYTES} characters`,
  ),
  lintGlob: rule(
    LINT_GLOB_PATTERN,
    "expected a path or glob relative to the manifest's folder (test/fixtures, **/*.sql): / between folders, " +
      'no leading / or !, no . or .. parts',
  ),
  columnType: rule(
    COLUMN_TYPE_PATTERN,
    'expected a column type (hover for the list) or an enum name, optionally followed by [] or [][]; ' +
      'varchar(n) and char(n) up to 10485760, numeric precision up to 1000, no serial arrays',
  ),
} as const;

/** This key is present, with a value matching `schema` (draft-07 has no dependentSchemas). */
const has = (key: string, schema: object = {}) => ({ properties: { [key]: schema }, required: [key] });
/** Property schemas for `then`, merged into one `properties`; errorMessage is what editors say. */
const typeMatches = (pattern: string, patternErrorMessage?: string) => ({
  type: { type: 'string', pattern, ...(patternErrorMessage && { patternErrorMessage }) },
});
/** No default (null is refused by the column schema itself). */
const noDefault = { default: { type: 'null', errorMessage: 'this column takes its default from a sequence' } };

/**
 * Rules between keys of one mapping, for editors (draft-07 if/then, messages that yaml-language-server
 * shows); the model checks them with its own messages. Enum names never shadow these built-in type
 * names, which the model reads first.
 */
export const SIBLING_RULES = {
  column: [
    {
      if: has('primaryKey', { const: true }),
      then: { properties: { nullable: { const: false, errorMessage: 'a primary key column cannot be nullable' } } },
    },
    {
      if: has('identity'),
      then: {
        properties: {
          ...typeMatches('^\\s*(?:smallint|integer|int|bigint)\\s*$', 'identity needs smallint, integer or bigint'),
          ...noDefault,
        },
      },
    },
    {
      if: has('onUpdate'),
      then: {
        properties: typeMatches(
          '^\\s*(?:date|timestamp|timestamptz)(?:\\s*\\[\\])?\\s*$',
          'onUpdate: now needs a date or timestamp column',
        ),
      },
    },
    { if: { properties: typeMatches('^\\s*(?:small|big)?serial\\s*$') }, then: { properties: noDefault } },
    {
      if: has('generated'),
      then: {
        properties: {
          default: { type: 'null', errorMessage: 'a generated column takes no default' },
          identity: { type: 'null', errorMessage: 'a generated column cannot be an identity' },
        },
      },
    },
  ],
  index: [
    {
      if: has('unique', { const: true }),
      then: { properties: { method: { const: 'btree', errorMessage: 'a unique index must use btree' } } },
    },
    {
      if: has('method', { enum: ['hash', 'spgist'] }),
      then: { properties: { columns: { type: 'array', maxItems: 1 } } },
    },
  ],
};
