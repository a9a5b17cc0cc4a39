import { pgArray } from '../../model/drizzle-calls.js';
import type { Column, Literal } from '../../model/types.js';
import type { Queryable } from '../connect/queryable.js';
import { sqlQuote } from '../../shared/sql-quote.js';

/**
 * Postgres stores expressions in its own spelling: `(deleted_at IS NULL)`, `'member'::auth.role`,
 * `(0)::numeric`. These helpers bring the manifest's text and the catalog's text to one form, so
 * verify compares meaning rather than punctuation.
 */
export function normalizeSql(text: string): string {
  let out = normalized.get(text);
  if (out === undefined) {
    // A schema of thousands of tables repeats a few dozen expressions (now(), 'draft'::state, …).
    if (normalized.size > 10_000) normalized.clear();
    normalized.set(text, (out = normalize(text)));
  }
  return out;
}

const normalized = new Map<string, string>();

function normalize(text: string): string {
  let out = '';
  // A negative number is stored quoted and cast (`total > -1` reads back `(total > '-1'::integer)`).
  const unquoted = text.replace(QUOTED_NUMBER_CAST, '$1');
  for (const [i, part] of unquoted.split("'").entries()) {
    // Even parts are outside string literals; odd parts are literal contents and kept verbatim.
    out +=
      i % 2 === 1
        ? `'${part}'`
        : operatorsAsStored(stripCasts(part))
            .replace(/[()\s"]/g, '')
            .toLowerCase();
  }
  return out;
}

const IDENT = '(?:"[^"]+"|[a-z_][a-z0-9_]*)';
/** `::type`, `::schema.type`, `::character varying(20)[]`, `::timestamp with time zone`: the casts Postgres adds. */
const CAST = new RegExp(
  `::\\s*${IDENT}(?:\\.${IDENT})?(?:\\s+varying|\\s+precision|\\s+with(?:out)?\\s+time\\s+zone)?` +
    `(?:\\(\\d+(?:,\\s*\\d+)?\\))?(?:\\[\\])*`,
  'gi',
);
const stripCasts = (s: string) => s.replace(CAST, '');

/** Operators Postgres stores under another name: `x NOT LIKE y` reads back `x !~~ y`, `!=` as `<>`. */
const OPERATORS: readonly [RegExp, string][] = [
  [/\bnot\s+ilike\b/gi, ' !~~* '],
  [/\bnot\s+like\b/gi, ' !~~ '],
  [/\bilike\b/gi, ' ~~* '],
  [/\blike\b/gi, ' ~~ '],
  [/!=/g, '<>'],
];
const operatorsAsStored = (s: string) => OPERATORS.reduce((text, [re, op]) => text.replace(re, op), s);
/** `'-1000'::integer`: only casts to number types, so a text '-5' keeps its quotes. */
const QUOTED_NUMBER_CAST =
  /'(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)'(?=::\s*(?:smallint|integer|bigint|numeric|real|double precision)\b)/gi;

/** The default as the catalog would show it, in the normalized form; undefined for none. */
export function expectedDefault(column: Column): string | undefined {
  const d = column.default;
  if (column.type.kind.endsWith('serial')) return normalizeSql(`nextval('x')`).replace(/'x'/, "'*'");
  if (!d) return undefined;
  if (d.kind === 'sql') return normalizeSql(d.sql);
  return literalForm(d.value, column);
}

export function actualDefault(text: string | null, column: Column): string | undefined {
  if (text === null) return undefined;
  if (column.type.kind.endsWith('serial'))
    return /^nextval\(/.test(text) ? normalizeSql(`nextval('x')`).replace(/'x'/, "'*'") : normalizeSql(text);
  const norm = normalizeSql(text);
  const scalarNumber = SCALAR_KINDS.has(column.type.kind) && column.type.dims === 0;
  // A quoted numeric or boolean literal ('-5'::integer) means the same as the bare one.
  const unquoted = scalarNumber ? /^'(-?[\d.]+(?:e[+-]?\d+)?|true|false)'$/i.exec(norm)?.[1] : undefined;
  if (unquoted !== undefined) return canonicalScalar(unquoted);
  if (['json', 'jsonb'].includes(column.type.kind) && column.type.dims === 0) {
    const json = /^'(.*)'$/s.exec(norm)?.[1];
    if (json !== undefined) {
      try {
        return sqlQuote(canonicalJson(JSON.parse(json.replace(/''/g, "'")) as Literal));
      } catch {
        return norm;
      }
    }
  }
  return scalarNumber && /^-?[\d.]+$/.test(norm) ? canonicalScalar(norm) : norm;
}

const SCALAR_KINDS: ReadonlySet<string> = new Set([
  'boolean',
  'smallint',
  'integer',
  'bigint',
  'real',
  'double',
  'numeric',
]);

function literalForm(value: Literal, column: Column): string {
  // Arrays print in the element type's own spelling ({t,f}, times with their offset): the database
  // says how; enum arrays (their type is schema-qualified) print as written.
  if (column.type.dims > 0)
    return column.type.kind === 'enum'
      ? sqlQuote(pgArray(value as readonly Literal[]))
      : dbCanonical(column, pgArray(value as readonly Literal[]));
  switch (column.type.kind) {
    case 'json':
    case 'jsonb':
      return sqlQuote(canonicalJson(value));
    case 'timestamp':
    case 'timestamptz':
    case 'time':
    case 'interval':
    case 'inet':
      return dbCanonical(column, String(value));
    case 'boolean':
    case 'smallint':
    case 'integer':
    case 'bigint':
    case 'real':
    case 'double':
    case 'numeric':
      return canonicalScalar(String(value));
    default:
      return sqlQuote(String(value));
  }
}

const canonicalScalar = (s: string) => (/^-?[\d.]+(e[+-]?\d+)?$/i.test(s) ? String(Number(s)) : s.toLowerCase());

/**
 * Times, intervals and addresses have many spellings ('2 hours' is stored as '02:00:00'); only
 * Postgres knows the canonical one. These defaults become placeholders that `canonicalizeDefaults`
 * resolves with one query.
 */
const PLACEHOLDER = '\u0000canonical:';
const dbCanonical = (column: Column, text: string) => `${PLACEHOLDER}${JSON.stringify([column.type.sql, text])}`;

export async function canonicalizeDefaults(db: Queryable, expected: readonly string[]): Promise<Map<string, string>> {
  const pending = [...new Set(expected.filter((e) => e.startsWith(PLACEHOLDER)))];
  const out = new Map<string, string>();
  if (pending.length === 0) return out;
  const pairs = pending.map((p) => JSON.parse(p.slice(PLACEHOLDER.length)) as [string, string]);
  // Types come from the model (validated spellings), values are bound parameters.
  // Quoted as the catalog shows a default ('…' with ' doubled): format('%L') would write E'…' for backslashes.
  // format('%s') prints the value as its type does (inet without /32), unlike a cast to text.
  const select = pairs
    .map(([type], i) => `'''' || replace(format('%s', ($${i + 1}::text)::${type}), '''', '''''') || '''' as c${i}`)
    .join(', ');
  const rows = await db.query<Record<string, string>>(
    `select ${select}`,
    pairs.map(([, text]) => text),
  );
  pending.forEach((p, i) => out.set(p, normalizeSql(rows[0]![`c${i}`]!)));
  return out;
}

function canonicalJson(value: Literal): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v as Literal)}`).join(',')}}`;
  }
  return JSON.stringify(typeof value === 'bigint' ? Number(value) : value);
}
