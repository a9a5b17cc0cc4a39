import { INTERVAL_FIELDS, TYPE_SPELLINGS, type IntervalFields } from '../manifest/value-rules.js';
import { CUSTOM_TYPES } from './custom-types.js';
import type { ColumnType, ScalarKind } from './types.js';

/** Type spellings accepted in schema.yaml, with the kind and the name Postgres prints. */
const SIMPLE: Record<string, readonly [ScalarKind, string]> = {
  uuid: ['uuid', 'uuid'],
  text: ['text', 'text'],
  smallint: ['smallint', 'smallint'],
  integer: ['integer', 'integer'],
  int: ['integer', 'integer'],
  bigint: ['bigint', 'bigint'],
  smallserial: ['smallserial', 'smallint'],
  serial: ['serial', 'integer'],
  bigserial: ['bigserial', 'bigint'],
  boolean: ['boolean', 'boolean'],
  real: ['real', 'real'],
  'double precision': ['double', 'double precision'],
  date: ['date', 'date'],
  time: ['time', 'time without time zone'],
  timetz: ['timetz', 'time with time zone'],
  timestamp: ['timestamp', 'timestamp without time zone'],
  timestamptz: ['timestamptz', 'timestamp with time zone'],
  interval: ['interval', 'interval'],
  json: ['json', 'json'],
  jsonb: ['jsonb', 'jsonb'],
  inet: ['inet', 'inet'],
  cidr: ['cidr', 'cidr'],
  macaddr: ['macaddr', 'macaddr'],
  macaddr8: ['macaddr8', 'macaddr8'],
  point: ['point', 'point'],
  line: ['line', 'line'],
  varchar: ['varchar', 'character varying'],
  char: ['char', 'character(1)'],
  bit: ['bit', 'bit(1)'],
  varbit: ['varbit', 'bit varying'],
  'bit varying': ['varbit', 'bit varying'],
  numeric: ['numeric', 'numeric'],
  ...Object.fromEntries(
    Object.entries(CUSTOM_TYPES)
      .filter(([, spec]) => !('sized' in spec))
      .map(([kind, spec]) => [kind, [kind as ScalarKind, spec.sql] as const]),
  ),
};

/** Time types that take a precision, with the words format_type() puts after it. */
const TIMES: Record<string, readonly [ScalarKind, string, string]> = {
  time: ['time', 'time', ' without time zone'],
  timetz: ['timetz', 'time', ' with time zone'],
  timestamp: ['timestamp', 'timestamp', ' without time zone'],
  timestamptz: ['timestamptz', 'timestamp', ' with time zone'],
};

const BIT_MAX = 83_886_080;

const SERIALS: ReadonlySet<ScalarKind> = new Set(['smallserial', 'serial', 'bigserial']);
export const isSerial = (t: ColumnType): boolean => SERIALS.has(t.kind);
export const isInteger = (t: ColumnType): boolean => ['smallint', 'integer', 'bigint'].includes(t.kind);

// Thousands of columns spell a few dozen types: each spelling is parsed once, its (readonly) result
// shared. A name may be an enum in one service and not another, so the key says which it is here.
const parsed = new Map<string, ColumnType>();
const NO_USER_TYPES: ReadonlyMap<string, ColumnType> = new Map();

/**
 * Parses a type spelling; returns an error message saying what was expected. `userTypes`: the
 * service's domains and composite types by name, each as its scalar type (userTypes.ts).
 */
export function parseColumnType(
  spelling: string,
  enums: ReadonlySet<string>,
  userTypes: ReadonlyMap<string, ColumnType> = NO_USER_TYPES,
): ColumnType | string {
  let rest = spelling.trim();
  let dims = 0;
  while (rest.endsWith('[]')) {
    dims++;
    rest = rest.slice(0, -2).trimEnd();
  }
  const user = SIMPLE[rest] ? undefined : userTypes.get(rest);
  if (user) return { ...user, dims, sql: rest + (dims > 0 ? '[]' : '') };
  const key = `${dims}\0${enums.has(rest) ? 'enum' : ''}\0${rest}`;
  const known = parsed.get(key);
  if (known) return known;
  const scalar = parseScalar(rest, enums);
  if (typeof scalar === 'string')
    return userTypes.size > 0 && scalar.startsWith('unknown column type')
      ? `${scalar}; this service's types: ${[...userTypes.keys()].join(', ')}`
      : scalar;
  if (dims > 0 && SERIALS.has(scalar.kind))
    return `${rest} cannot be an array; expected an integer type for an array column`;
  // format_type() prints one [] whatever the dimensions: the server does not tell them apart.
  const type = { ...scalar, dims, sql: scalar.sql + (dims > 0 ? '[]' : '') };
  parsed.set(key, type);
  return type;
}

function parseScalar(spelling: string, enums: ReadonlySet<string>): Omit<ColumnType, 'dims'> | string {
  const simple = SIMPLE[spelling];
  if (simple) return { kind: simple[0], sql: simple[1] };
  if (enums.has(spelling)) return { kind: 'enum', enumName: spelling, sql: spelling };
  const sized = /^(varchar|char)\s*\(\s*(\d+)\s*\)$/.exec(spelling);
  if (sized) {
    const length = Number(sized[2]);
    if (length < 1 || length > 10_485_760) return `${sized[1]} length must be between 1 and 10485760, got ${sized[2]}`;
    const kind = sized[1] as 'varchar' | 'char';
    return { kind, length, sql: `${kind === 'varchar' ? 'character varying' : 'character'}(${length})` };
  }
  const bits = /^(bit|varbit|bit varying)\s*\(\s*(\d+)\s*\)$/.exec(spelling);
  if (bits) {
    const length = Number(bits[2]);
    if (length < 1 || length > BIT_MAX) return `${bits[1]} length must be between 1 and ${BIT_MAX}, got ${bits[2]}`;
    const kind = bits[1] === 'bit' ? 'bit' : 'varbit';
    return { kind, length, sql: `${kind === 'bit' ? 'bit' : 'bit varying'}(${length})` };
  }
  const time = /^(time|timetz|timestamp|timestamptz)\s*\(\s*(\d+)\s*\)$/.exec(spelling);
  if (time) {
    const [kind, name, zone] = TIMES[time[1]!]!;
    const precision = Number(time[2]);
    if (precision > 6) return `${time[1]} precision must be between 0 and 6, got ${time[2]}`;
    return { kind, precision, sql: `${name}(${precision})${zone}` };
  }
  const interval = /^interval(?:\s+([a-z ]+?))?\s*(?:\(\s*(\d+)\s*\))?$/.exec(spelling);
  if (interval && (interval[1] !== undefined || interval[2] !== undefined)) return parseInterval(interval);
  const numeric = /^(?:numeric|decimal)\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)$/.exec(spelling);
  if (numeric) {
    const precision = Number(numeric[1]);
    const scale = Number(numeric[2] ?? 0);
    if (precision < 1 || precision > 1000) return `numeric precision must be between 1 and 1000, got ${precision}`;
    if (scale > precision) return `numeric scale (${scale}) must not exceed its precision (${precision})`;
    return { kind: 'numeric', precision, scale, sql: `numeric(${precision},${scale})` };
  }
  return unknown(spelling, enums);
}

function unknown(spelling: string, enums: ReadonlySet<string>): string {
  const known = enums.size > 0 ? `; this service's enums: ${[...enums].join(', ')}` : '';
  return `unknown column type ${JSON.stringify(spelling)}; expected one of ${TYPE_SPELLINGS}${known}`;
}

/** `interval day to second(3)`, `interval(3)`, `interval year`: precision only where seconds are held. */
function parseInterval(match: RegExpExecArray): Omit<ColumnType, 'dims'> | string {
  const fields = match[1]?.replace(/\s+/g, ' ') as IntervalFields | undefined;
  if (fields !== undefined && !INTERVAL_FIELDS.includes(fields))
    return `unknown interval fields ${JSON.stringify(fields)}; expected one of ${INTERVAL_FIELDS.join(', ')}`;
  const precision = match[2] === undefined ? undefined : Number(match[2]);
  if (precision !== undefined && precision > 6) return `interval precision must be between 0 and 6, got ${match[2]}`;
  if (precision !== undefined && fields !== undefined && !fields.endsWith('second'))
    return `interval ${fields} holds no seconds, so it takes no precision; expected interval ${fields}`;
  const sql = `interval${fields ? ` ${fields}` : ''}${precision === undefined ? '' : `(${precision})`}`;
  return { kind: 'interval', ...(fields && { fields }), ...(precision !== undefined && { precision }), sql };
}
