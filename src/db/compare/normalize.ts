import { pgArray } from '../../model/drizzle-calls.js';
import type { Column, Literal } from '../../model/types.js';
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
  const cast = foreignCast(text, column);
  const norm = normalizedDefault(text, column);
  return cast === undefined ? norm : `${norm}::${cast}`;
}

function normalizedDefault(text: string, column: Column): string {
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

/**
 * The type a default's literal is cast to when it is not the column's own type: `'x'::character
 * varying` on a text column, left by a type change. Stripping casts would hide that difference;
 * a default of the other spelling is read as different, and the server then compares (equivalence.ts).
 */
export function foreignCast(text: string, column: Column): string | undefined {
  const cast = LITERAL_CAST.exec(text)?.[1];
  if (cast === undefined) return undefined;
  const bare = (type: string) =>
    stripSchema(type)
      .replace(TYPMOD, '')
      .replace(/^character(?=\[|$)/, 'bpchar');
  return bare(cast) === bare(column.type.sql) ? undefined : cast;
}

/** `'…'::type`, the whole text: a literal and its cast, the form Postgres gives a literal default. */
const NAME = '(?:"[^"]+"|[a-z_][a-z0-9_ ]*)';
const TYPMOD = /\(\d+(?:,\s*\d+)?\)/;
const LITERAL_CAST = new RegExp(`^'(?:[^']|'')*'::(${NAME}(?:\\.${NAME})?(?:${TYPMOD.source})?(?:\\[\\])*)$`, 's');

/** `crm."order"[]` → `order[]`: an enum type is compared without its schema and quotes. */
export function stripSchema(type: string): string {
  let out = stripped.get(type);
  if (out === undefined)
    stripped.set(type, (out = type.replace(/^(?:"[^"]+"|[a-z_][a-z0-9_]*)\./, '').replace(/"/g, '')));
  return out;
}
// Thousands of columns spell a few dozen types.
const stripped = new Map<string, string>();

/** Kinds whose literals are written bare (numbers, booleans), not quoted. */
export const SCALAR_KINDS: ReadonlySet<string> = new Set([
  'boolean',
  'smallint',
  'integer',
  'bigint',
  'real',
  'double',
  'numeric',
]);

function literalForm(value: Literal, column: Column): string {
  // Arrays of other element types than text and enums, times, intervals and addresses have their
  // server's spelling ({t,f}, '02:00:00'): where the text differs, the server compares (equivalence.ts).
  if (column.type.dims > 0) return sqlQuote(pgArray(value as readonly Literal[]));
  if (column.type.kind === 'json' || column.type.kind === 'jsonb') return sqlQuote(canonicalJson(value));
  return SCALAR_KINDS.has(column.type.kind) ? canonicalScalar(String(value)) : sqlQuote(String(value));
}

const canonicalScalar = (s: string) => (/^-?[\d.]+(e[+-]?\d+)?$/i.test(s) ? String(Number(s)) : s.toLowerCase());

/** JSON with its keys sorted, one text for one value; a bigint as a number. */
export function canonicalJson(value: Literal): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v as Literal)}`).join(',')}}`;
  }
  return JSON.stringify(typeof value === 'bigint' ? Number(value) : value);
}
