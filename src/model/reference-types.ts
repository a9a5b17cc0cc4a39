import type { ColumnType, ScalarKind } from './types.js';

/**
 * Which column types a foreign key may join. PostgreSQL accepts a key when it finds an equality
 * between the two types, and finds one in three ways: a cross-type operator of the key's btree
 * family (smallint = integer), a binary-coercible cast (varchar is text), or any implicit cast of
 * the referencing column to the key's type (integer → numeric, char → text, time → interval). The
 * last converts every referencing value before comparing it (bigint → real loses digits; char drops
 * its padding), so the referencing column's index cannot serve the key's checks; and some
 * cross-type operators depend on the session (timestamp = timestamptz reads TimeZone). So a key
 * joins the types PostgreSQL compares as they are, with an immutable operator: a family below, or
 * one type with itself (any length, precision or scale; arrays of one element type; one enum).
 * test/unit/reference-types.test.ts checks every pair against a real server.
 */
const FAMILIES: readonly { readonly kinds: readonly ScalarKind[]; readonly spelled: string }[] = [
  {
    kinds: ['smallint', 'integer', 'bigint', 'smallserial', 'serial', 'bigserial'],
    spelled: 'smallint, integer or bigint',
  },
  { kinds: ['real', 'double'], spelled: 'real or double precision' },
  { kinds: ['text', 'varchar'], spelled: 'text or varchar of any length' },
  { kinds: ['date', 'timestamp'], spelled: 'date or timestamp' },
  { kinds: ['char'], spelled: 'char of any length' },
  { kinds: ['numeric'], spelled: 'numeric of any precision and scale' },
];

const familyOf = (kind: ScalarKind) => FAMILIES.find((f) => f.kinds.includes(kind));

/** A column's type and, for an enum, the schema it lives in (two services may each have an enum of one name). */
export interface KeyColumnType {
  readonly type: ColumnType;
  readonly enumSchema?: string;
}

/** Whether a foreign key from a column of type `from` may reference a key column of type `to`. */
export function canReference(from: KeyColumnType, to: KeyColumnType): boolean {
  const [a, b] = [baseOf(from.type), baseOf(to.type)];
  if (a.dims !== b.dims) return false;
  if (a.kind === 'enum' || b.kind === 'enum')
    return a.kind === b.kind && a.enumName === b.enumName && from.enumSchema === to.enumSchema;
  // A domain's array or a composite type joins only the same type of the same service.
  if (a.kind === 'domain' || a.kind === 'composite' || b.kind === 'domain' || b.kind === 'composite')
    return a.kind === b.kind && userTypeName(a) === userTypeName(b) && from.enumSchema === to.enumSchema;
  // Arrays compare element by element with one operator for one element type: no family across it.
  if (a.dims > 0) return a.kind === b.kind;
  return a.kind === b.kind || (familyOf(a.kind) !== undefined && familyOf(a.kind) === familyOf(b.kind));
}

const userTypeName = (t: ColumnType) => t.domainName ?? t.compositeName;

/** A domain compares as its base type (scalar domains only: an array of a domain stays itself). */
const baseOf = (t: ColumnType): ColumnType => (t.kind === 'domain' && t.dims === 0 ? t.base! : t);

/** What a column referencing a key of type `to` may be, for messages. */
export function referencingTypes(to: ColumnType): string {
  const family = to.dims === 0 && to.kind !== 'enum' ? familyOf(to.kind) : undefined;
  return family ? `${family.spelled}: types PostgreSQL compares without converting values` : `${to.sql}, the same type`;
}
