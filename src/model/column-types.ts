import { TYPE_SPELLINGS } from '../manifest/value-rules.js';
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
  timestamp: ['timestamp', 'timestamp without time zone'],
  timestamptz: ['timestamptz', 'timestamp with time zone'],
  interval: ['interval', 'interval'],
  json: ['json', 'json'],
  jsonb: ['jsonb', 'jsonb'],
  bytea: ['bytea', 'bytea'],
  inet: ['inet', 'inet'],
  varchar: ['varchar', 'character varying'],
  char: ['char', 'character(1)'],
  numeric: ['numeric', 'numeric'],
};

const SERIALS: ReadonlySet<ScalarKind> = new Set(['smallserial', 'serial', 'bigserial']);
export const isSerial = (t: ColumnType): boolean => SERIALS.has(t.kind);
export const isInteger = (t: ColumnType): boolean => ['smallint', 'integer', 'bigint'].includes(t.kind);

// Thousands of columns spell a few dozen types: each spelling is parsed once, its (readonly) result
// shared. A name may be an enum in one service and not another, so the key says which it is here.
const parsed = new Map<string, ColumnType>();

/** Parses a type spelling; returns an error message saying what was expected. */
export function parseColumnType(spelling: string, enums: ReadonlySet<string>): ColumnType | string {
  let rest = spelling.trim();
  let dims = 0;
  while (rest.endsWith('[]')) {
    dims++;
    rest = rest.slice(0, -2).trimEnd();
  }
  const key = `${dims}\0${enums.has(rest) ? 'enum' : ''}\0${rest}`;
  const known = parsed.get(key);
  if (known) return known;
  const scalar = parseScalar(rest, enums);
  if (typeof scalar === 'string') return scalar;
  if (dims > 0 && SERIALS.has(scalar.kind))
    return `${rest} cannot be an array; expected an integer type for an array column`;
  if (dims > 1) return `multi-dimensional arrays are not supported (${spelling}); expected at most one []`;
  const type = { ...scalar, dims, sql: scalar.sql + '[]'.repeat(dims) };
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
  const numeric = /^(?:numeric|decimal)\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)$/.exec(spelling);
  if (numeric) {
    const precision = Number(numeric[1]);
    const scale = Number(numeric[2] ?? 0);
    if (precision < 1 || precision > 1000) return `numeric precision must be between 1 and 1000, got ${precision}`;
    if (scale > precision) return `numeric scale (${scale}) must not exceed its precision (${precision})`;
    return { kind: 'numeric', precision, scale, sql: `numeric(${precision},${scale})` };
  }
  const known = enums.size > 0 ? `; this service's enums: ${[...enums].join(', ')}` : '';
  return `unknown column type ${JSON.stringify(spelling)}; expected one of ${TYPE_SPELLINGS}${known}`;
}
