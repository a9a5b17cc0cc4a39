import type { ColumnType, Index } from './types.js';

/**
 * Which index methods have a default operator class for each column type, as Postgres ships them
 * (pg_opclass where opcdefault). Anything else fails at push time, so it is refused up front.
 */
type Method = Index['method'];
const ORDERED: readonly Method[] = ['btree', 'hash', 'brin'];

function methodsFor(t: ColumnType): readonly Method[] {
  if (t.dims > 0) return ['btree', 'hash', 'gin'];
  // A domain is indexed with its base type's operator classes.
  if (t.kind === 'domain') return methodsFor(t.base!);
  switch (t.kind) {
    case 'json':
      return [];
    case 'jsonb':
      return ['btree', 'hash', 'gin'];
    case 'enum':
    case 'composite':
    case 'boolean':
      return ['btree', 'hash'];
    case 'text':
    case 'varchar':
    case 'inet':
    case 'cidr':
      return [...ORDERED, 'spgist'];
    case 'xml':
    case 'line':
    case 'lseg':
    case 'path':
      return [];
    case 'money':
      return ['btree'];
    case 'bit':
    case 'varbit':
      return ['btree', 'brin'];
    case 'tsvector':
      return ['btree', 'gin', 'gist'];
    case 'tsquery':
      return ['btree', 'gist'];
    case 'point':
    case 'polygon':
      return ['gist', 'spgist'];
    case 'box':
      return ['gist', 'spgist', 'brin'];
    case 'circle':
      return ['gist'];
    default:
      if (t.kind.endsWith('multirange')) return ['btree', 'hash', 'gist'];
      if (t.kind.endsWith('range')) return [...ORDERED, 'gist', 'spgist'];
      return ORDERED;
  }
}

const SINGLE_COLUMN: readonly Method[] = ['hash', 'spgist'];

/** Why this index cannot be built on these columns, or undefined. */
export function indexProblem(
  method: Method,
  unique: boolean,
  columns: readonly { name: string; type: ColumnType }[],
): string | undefined {
  if (unique && method !== 'btree') return `a unique index must use btree; got ${method}`;
  if (columns.length > 1 && SINGLE_COLUMN.includes(method))
    return `${method} indexes cover a single column; got ${columns.length}`;
  for (const c of columns) {
    const allowed = methodsFor(c.type);
    const instead = c.type.kind === 'json' ? '; expected jsonb instead of json' : '';
    if (allowed.length === 0) return `column ${c.name} is ${c.type.sql}, which cannot be indexed${instead}`;
    if (!allowed.includes(method))
      return `column ${c.name} (${c.type.sql}) has no ${method} operator class; expected one of: ${allowed.join(', ')}`;
  }
  return undefined;
}
