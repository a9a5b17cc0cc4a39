import { isIP } from 'node:net';
import { describe } from '../manifest/schema.js';
import { isSerial } from './column-types.js';
import { isDateLiteral, isIntervalLiteral, isTimeLiteral, isTimestampLiteral } from './datetime-literals.js';
import { sqlFragmentProblem } from './sql-fragment.js';
import type { ColumnDefault, ColumnType, Literal } from './types.js';
import { plural } from '../shared/plural.js';

const INT_RANGE = {
  smallint: [-(2n ** 15n), 2n ** 15n - 1n],
  integer: [-(2n ** 31n), 2n ** 31n - 1n],
  bigint: [-(2n ** 63n), 2n ** 63n - 1n],
} as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DECIMAL = /^-?\d+(\.\d+)?$/;

export interface DefaultContext {
  readonly type: ColumnType;
  readonly enumValues?: readonly string[];
  readonly identity: boolean;
}

/** Checks a manifest `default:` against the column type; returns the default or what was expected. */
export function resolveDefault(raw: unknown, ctx: DefaultContext): ColumnDefault | string {
  if (isSerial(ctx.type) || ctx.identity)
    return 'serial and identity columns take their default from a sequence; expected no default';
  if (raw === null) return 'a null default is implicit for nullable columns; expected a value or no default';
  if (typeof raw === 'object' && !Array.isArray(raw)) {
    const keys = Object.keys(raw as object);
    if (keys.length === 1 && keys[0] === 'sql') {
      const sql = (raw as { sql: unknown }).sql;
      if (typeof sql !== 'string') return `expected default: { sql: <expression> } with a string, got ${describe(sql)}`;
      return sqlFragmentProblem(sql) ?? { kind: 'sql', sql };
    }
    if (keys.length === 1 && keys[0] === 'value') return literal((raw as { value: unknown }).value, ctx);
    return (
      `default is a mapping with keys ${keys.join(', ') || '(none)'}; expected { sql: ` +
      `<expression> } for raw SQL or { value: <literal> } for a JSON object`
    );
  }
  return literal(raw, ctx);
}

function literal(raw: unknown, ctx: DefaultContext): ColumnDefault | string {
  const value = ctx.type.dims > 0 ? arrayLiteral(raw, ctx) : scalarLiteral(raw, ctx);
  return isProblem(value) ? value.problem : { kind: 'literal', value };
}

/** A class, so no JSON literal can be mistaken for a problem. */
class Problem {
  constructor(readonly problem: string) {}
}
type Checked = Literal | Problem;
const isProblem = (v: Checked): v is Problem => v instanceof Problem;

function arrayLiteral(raw: unknown, ctx: DefaultContext): Checked {
  if (!Array.isArray(raw)) return new Problem(`expected a list for a default of ${ctx.type.sql}, got ${describe(raw)}`);
  if ((ctx.type.kind === 'json' || ctx.type.kind === 'jsonb') && raw.length > 0) {
    return new Problem(
      `expected [] or { sql: <expression> } for a default of ${ctx.type.sql}; a list ` +
        `of JSON values has no literal form here`,
    );
  }
  const out: Literal[] = [];
  for (const item of raw) {
    const v = scalarLiteral(item, ctx);
    if (isProblem(v)) return v;
    out.push(v);
  }
  return out;
}

function scalarLiteral(raw: unknown, ctx: DefaultContext): Checked {
  const t = ctx.type;
  const bad = (expected: string): Checked =>
    new Problem(`default ${describe(raw)} does not fit ${t.sql}; expected ${expected}`);
  if (typeof raw === 'string' && raw.includes('\0'))
    return new Problem('default contains a NUL character, which Postgres text cannot hold');
  switch (t.kind) {
    case 'uuid':
      return typeof raw === 'string' && UUID.test(raw) ? raw : bad('a UUID string, or { sql: gen_random_uuid() }');
    case 'text':
      return typeof raw === 'string' ? raw : bad('a string');
    case 'varchar':
    case 'char': {
      if (typeof raw !== 'string') return bad('a string');
      // A char without a length is char(1).
      const max = t.length ?? (t.kind === 'char' ? 1 : undefined);
      return max === undefined || [...raw].length <= max ? raw : bad(`at most ${plural(max, 'character')}`);
    }
    case 'smallint':
    case 'integer':
    case 'bigint': {
      const [lo, hi] = INT_RANGE[t.kind];
      if (typeof raw !== 'bigint' || raw < lo || raw > hi) return bad(`an integer between ${lo} and ${hi}`);
      return t.kind === 'bigint' ? raw : Number(raw);
    }
    case 'boolean':
      return typeof raw === 'boolean' ? raw : bad('true or false');
    case 'numeric': {
      const s =
        typeof raw === 'bigint'
          ? String(raw)
          : typeof raw === 'number' && Number.isFinite(raw)
            ? String(raw)
            : typeof raw === 'string'
              ? raw
              : '';
      if (!DECIMAL.test(s)) return bad('a decimal number');
      if (t.precision !== undefined) {
        const [whole = ''] = s.replace('-', '').split('.');
        if (whole.replace(/^0+/, '').length > t.precision - (t.scale ?? 0))
          return bad(`at most ${t.precision - (t.scale ?? 0)} digits before the point`);
      }
      return s;
    }
    case 'real':
    case 'double':
      if (typeof raw === 'bigint' && raw >= BigInt(Number.MIN_SAFE_INTEGER) && raw <= BigInt(Number.MAX_SAFE_INTEGER))
        return Number(raw);
      return typeof raw === 'number' && Number.isFinite(raw) ? raw : bad('a finite number');
    case 'date':
      return typeof raw === 'string' && isDateLiteral(raw) ? raw : bad('an existing calendar date YYYY-MM-DD');
    case 'time':
      return typeof raw === 'string' && isTimeLiteral(raw) ? raw : bad('a time HH:MM[:SS] from 00:00 to 24:00');
    case 'timestamp':
    case 'timestamptz':
      return typeof raw === 'string' && isTimestampLiteral(raw)
        ? raw
        : bad('a timestamp such as 2024-01-31 12:00:00, or { sql: now() }');
    case 'interval':
      return typeof raw === 'string' && isIntervalLiteral(raw)
        ? raw
        : bad('an interval such as 1 day, 2 hours 30 minutes or P1DT2H');
    case 'inet':
      return typeof raw === 'string' && isIP(raw.split('/')[0] ?? '') !== 0 ? raw : bad('an IP address');
    case 'enum':
      if (typeof raw === 'string' && ctx.enumValues?.includes(raw)) return raw;
      return bad(`one of the enum's values: ${(ctx.enumValues ?? []).join(', ')}`);
    case 'json':
    case 'jsonb':
      return jsonValue(raw) ?? bad('a JSON value (use { value: ... } for an object)');
    case 'domain':
      return bad(`{ sql: <expression> }, or no default: the domain's own default applies`);
    default:
      return bad('{ sql: <expression> } (this type has no literal form)');
  }
}

/** YAML data as JSON; bigint only where it fits a JS number. */
function jsonValue(raw: unknown): Literal | undefined {
  if (raw === null || typeof raw === 'string' || typeof raw === 'boolean') return raw;
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : undefined;
  if (typeof raw === 'bigint')
    return raw >= BigInt(Number.MIN_SAFE_INTEGER) && raw <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(raw) : undefined;
  if (Array.isArray(raw)) {
    const items = raw.map(jsonValue);
    return items.every((i) => i !== undefined) ? (items as Literal[]) : undefined;
  }
  if (typeof raw === 'object') {
    const out: Record<string, Literal> = {};
    for (const [k, v] of Object.entries(raw as object)) {
      const j = jsonValue(v);
      if (j === undefined || k.includes('\0')) return undefined;
      Object.defineProperty(out, k, { value: j, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return undefined;
}
