import { actualDefault, expectedDefault, normalizeSql } from '../db/compare/normalize.js';
import { importIdentity, type SequenceHomes } from './sequences.js';
import { pgArray } from '../model/drizzle-calls.js';
import { parseColumnType } from '../model/column-types.js';
import { isExtensionType } from '../model/custom-types.js';
import { resolveDefault } from '../model/defaults.js';
import { sqlFragmentProblem } from '../model/sql-fragment.js';
import type { Column, ColumnType, Literal } from '../model/types.js';
import type { CatalogColumn } from '../db/catalog/types.js';
import { sqlQuote } from '../shared/sql-quote.js';

/** A column as the manifest writes it; key order is the order it is written in. */
export type ColumnSpec = Record<string, unknown>;

/** format_type() spellings of built-in types that differ from the manifest's; others are the same. */
const RENAMED: Record<string, string> = {
  'time without time zone': 'time',
  'time with time zone': 'timetz',
  'timestamp without time zone': 'timestamp',
  'timestamp with time zone': 'timestamptz',
  'character varying': 'varchar',
  character: 'char',
  'bit varying': 'varbit',
};
const SERIAL: Record<string, string> = { smallint: 'smallserial', integer: 'serial', bigint: 'bigserial' };

/** `timestamp(3) with time zone` → `timestamptz(3)`, `character varying(20)` → `varchar(20)`. */
const WITH_MODIFIER = /^([a-z ]+?)\(([\d,]+)\)((?: with(?:out)? time zone)?)$/;

/** The manifest spelling of a column's type, or undefined when the manifest has none. */
export function typeSpelling(c: CatalogColumn): string | undefined {
  const isArray = c.type.endsWith('[]');
  const suffix = isArray ? '[]'.repeat(Math.max(c.dims, 1)) : '';
  if (c.typeKind === 'e') return c.typeName + suffix;
  if (!['b', 'r', 'm'].includes(c.typeKind)) return undefined;
  if (c.typeSchema !== 'pg_catalog' && !isExtensionType(c.typeName)) return undefined;
  const scalar = isArray ? c.type.slice(0, -2) : c.type;
  const sized = WITH_MODIFIER.exec(scalar);
  const name = sized ? sized[1]! + sized[3]! : scalar;
  const spelling = (RENAMED[name] ?? name) + (sized ? `(${sized[2]})` : '');
  // What the model reads back is what the server spells: anything else has no manifest form.
  const parsed = parseColumnType(spelling, new Set());
  return typeof parsed !== 'string' && parsed.sql === scalar ? spelling + suffix : undefined;
}

export type ImportedColumn =
  | { readonly name: string; readonly spec: ColumnSpec; readonly note?: string }
  | { readonly name: string; readonly problem: string };

/** Type, nullability, default, identity and comment; keys and references are the table's to add. */
export function importColumn(
  c: CatalogColumn,
  enumValues: (name: string) => readonly string[] | undefined,
  /** the column's domain or composite type, when the manifest declares it beside the table */
  userType?: ColumnType,
): ImportedColumn {
  const spelling = userType
    ? c.typeName + '[]'.repeat(c.type.endsWith('[]') ? Math.max(c.dims, 1) : 0)
    : typeSpelling(c);
  if (!spelling) return { name: c.name, problem: `type ${c.type} has no manifest form` };
  // A generated column's expression is in pg_attrdef too, where a default would be.
  if (c.generated && (c.default === null || sqlFragmentProblem(c.default)))
    return { name: c.name, problem: 'generated column whose expression the manifest cannot hold' };
  const serial = c.ownedSequence !== null && c.default?.startsWith('nextval(') && SERIAL[spelling];
  const enumName = c.typeKind === 'e' ? c.typeName : undefined;
  const userTypes = userType ? new Map([[c.typeName, userType]]) : undefined;
  const type = parseColumnType(serial || spelling, new Set(enumName ? [enumName] : []), userTypes);
  if (typeof type === 'string') return { name: c.name, problem: type };
  const spec: ColumnSpec = { type: serial || spelling };
  if (!c.notNull) spec['nullable'] = true;
  let note: string | undefined;
  // A nextval() on a sequence no column owns (what pg_dump restores without OWNED BY) stays as it is
  // read: left out, every insert without the key would fail.
  if (c.generated) spec['generated'] = { sql: c.default };
  else if (c.default !== null && !serial && c.identity === '') {
    const d = importDefault(c.default, type, enumName ? enumValues(enumName) : undefined);
    if (d === undefined) note = `default ${c.default} is not a single SQL expression the manifest accepts; left out`;
    else spec['default'] = d;
  }
  if (c.identity) spec['identity'] = importIdentity(c);
  if (c.comment !== null) spec['comment'] = c.comment;
  return note ? { name: c.name, spec, note } : { name: c.name, spec };
}

/** A literal when it means exactly what the database holds, else `{ sql }`; undefined when neither works. */
export function importDefault(text: string, type: ColumnType, enumValues?: readonly string[]): unknown {
  const column = (d: Column['default']) => ({ type, default: d }) as Column;
  const wanted = actualDefault(text, column(undefined));
  for (const candidate of literalCandidates(text, type)) {
    const resolved = resolveDefault(candidate, { type, enumValues, identity: false });
    if (typeof resolved === 'string') continue;
    // Arrays are spelled by the database itself when verified; the text read back is that spelling.
    const written =
      type.dims > 0 && resolved.kind === 'literal'
        ? normalizeSql(sqlQuote(pgArray(resolved.value as Literal[])))
        : expectedDefault(column(resolved));
    if (written === wanted) return candidate;
  }
  return sqlFragmentProblem(text) ? undefined : { sql: text };
}

const QUOTED = /^'((?:[^']|'')*)'(?:::[^']+)?$/s;
const NUMBER = /^\(?(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\)?(?:::[a-z ]+)?$/i;

/** What the default could be written as in YAML (integers as bigint, the way the loader reads them). */
function literalCandidates(text: string, type: ColumnType): unknown[] {
  const quoted = QUOTED.exec(text)?.[1]?.replace(/''/g, "'");
  const number = NUMBER.exec(text)?.[1] ?? (quoted !== undefined && NUMBER.test(quoted) ? quoted : undefined);
  if (type.dims > 0) {
    if (quoted === undefined || /["\\]/.test(quoted) || !/^\{.*\}$/s.test(quoted)) return [];
    const items = quoted === '{}' ? [] : quoted.slice(1, -1).split(',');
    return [items.map((item) => scalarValue(item, type) ?? item)];
  }
  if (type.kind === 'json' || type.kind === 'jsonb') {
    if (quoted === undefined) return [];
    try {
      const parsed = JSON.parse(quoted) as unknown;
      return [parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? { value: parsed } : parsed];
    } catch {
      return [];
    }
  }
  if (text === 'true' || text === 'false') return [text === 'true'];
  const raw = number ?? quoted;
  if (raw === undefined) return [];
  const value = scalarValue(raw, type);
  return value === undefined ? [raw] : [value, raw];
}

function scalarValue(raw: string, type: ColumnType): unknown {
  if (['smallint', 'integer', 'bigint', 'numeric'].includes(type.kind) && /^-?\d+$/.test(raw)) return BigInt(raw);
  if (['real', 'double'].includes(type.kind) && Number.isFinite(Number(raw))) return Number(raw);
  if (type.kind === 'boolean' && (raw === 'true' || raw === 'false')) return raw === 'true';
  return undefined;
}

/**
 * A column's spec with its `nextval` default naming the sequence where it is declared: the server
 * prints a sequence of the search path (public) bare, and one that moves with its tables would not be
 * found there by a push elsewhere.
 */
export function withSequenceHome(spec: ColumnSpec, homes: SequenceHomes): ColumnSpec {
  const d = spec['default'] as { sql?: unknown } | undefined;
  const m = typeof d?.sql === 'string' ? NEXTVAL.exec(d.sql) : null;
  if (!m) return spec;
  const [schema = 'public', name] = m.slice(1).map((x) => x?.replace(/^"|"$/g, '').replace(/""/g, '"'));
  const home = homes.get(`${schema}.${name}`);
  if (!home || home === schema) return spec;
  return { ...spec, default: { sql: `nextval('${quoted(home)}.${quoted(name!)}'::regclass)` } };
}

/** `nextval('name'::regclass)` or `nextval('schema.name'::regclass)`, each part maybe double-quoted. */
const NEXTVAL = /^nextval\('(?:("(?:[^"']|"")+"|[^."']+)\.)?("(?:[^"']|"")+"|[^."']+)'::regclass\)$/;

/** An identifier as regclass input spells it: double-quoted unless a plain lower-case name. */
const quoted = (name: string) => (/^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`);
