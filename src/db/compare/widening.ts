/**
 * Type changes that keep every value exactly: a push applies them without --accept-data-loss.
 * `from` is the catalog's spelling (format_type), `to` drizzle-kit's (`varchar(80)`, `numeric(14, 2)`);
 * both are read into one shape first. Anything not listed here counts as a possible loss.
 */
interface TypeShape {
  readonly family: 'int' | 'float' | 'numeric' | 'varchar' | 'text' | 'other';
  /** int/float: bytes; varchar: length (Infinity when unbounded); numeric: precision (Infinity when unconstrained) */
  readonly size: number;
  /** numeric: digits after the point */
  readonly scale: number;
}

const SIZES: Readonly<Record<string, [TypeShape['family'], number]>> = {
  smallint: ['int', 2],
  int2: ['int', 2],
  integer: ['int', 4],
  int: ['int', 4],
  int4: ['int', 4],
  bigint: ['int', 8],
  int8: ['int', 8],
  real: ['float', 4],
  float4: ['float', 4],
  'double precision': ['float', 8],
  float8: ['float', 8],
  text: ['text', Infinity],
};

function typeShape(type: string): TypeShape {
  const spelled = type
    .trim()
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/\s*([(),])\s*/g, '$1');
  const known = SIZES[spelled];
  if (known) return { family: known[0], size: known[1], scale: 0 };
  const varchar = /^(?:character varying|varchar)(?:\((\d+)\))?$/.exec(spelled);
  if (varchar) return { family: 'varchar', size: varchar[1] ? Number(varchar[1]) : Infinity, scale: 0 };
  const numeric = /^(?:numeric|decimal)(?:\((\d+)(?:,(\d+))?\))?$/.exec(spelled);
  if (numeric)
    return { family: 'numeric', size: numeric[1] ? Number(numeric[1]) : Infinity, scale: Number(numeric[2] ?? 0) };
  return { family: 'other', size: 0, scale: 0 };
}

/** Digits of the largest value of a 2-, 4- and 8-byte integer (32767, 2147483647, 9223372036854775807). */
const INTEGER_DIGITS: Readonly<Record<number, number>> = { 2: 5, 4: 10, 8: 19 };

export function isWidening(from: string, to: string): boolean {
  const a = typeShape(from);
  const b = typeShape(to);
  if (a.family === 'other' || b.family === 'other') return false;
  if (a.family === b.family && a.family !== 'numeric') return b.size >= a.size;
  if (a.family === 'numeric' && b.family === 'numeric') {
    // Unconstrained numeric holds any value; otherwise neither the integer digits nor the scale may shrink.
    if (b.size === Infinity) return true;
    return a.size !== Infinity && b.scale >= a.scale && b.size - b.scale >= a.size - a.scale;
  }
  // An integer fits a numeric with room for its largest value's digits; any string fits text.
  if (a.family === 'int') return b.family === 'numeric' && b.size - b.scale >= INTEGER_DIGITS[a.size]!;
  if (a.family === 'varchar') return b.family === 'text';
  if (a.family === 'text') return b.family === 'varchar' && b.size === Infinity;
  return false;
}
