import type { ColumnSpec } from './columns.js';
import type { ImportedTable } from './tables.js';

/** A run of leading columns that several tables share exactly (name, type, nullability, default, ...). */
export interface Variant {
  readonly columns: readonly { readonly name: string; readonly spec: ColumnSpec }[];
  readonly tables: readonly ImportedTable[];
}

/** Where each table's leading columns come from in the manifest. */
export interface BasePlan {
  readonly variants: readonly Variant[];
  /** the manifest's `base:` */
  readonly base: Variant['columns'];
  /** `bases.<name>` */
  readonly named: ReadonlyMap<string, Variant['columns']>;
  /** per variant: `base`, or the name of its entry under `bases` */
  readonly variantBase: ReadonlyMap<Variant, string>;
  /** per table: `base`, a name under `bases`, or false */
  readonly tableBase: ReadonlyMap<ImportedTable, string | false>;
}

/** Equal signatures mean the same column in every table; a foreign key or an enum never belongs to a base. */
type SharedColumn = { readonly name: string; readonly spec: ColumnSpec; readonly shareable?: boolean };
const signatures = new WeakMap<SharedColumn, string | undefined>();
export function signature(c: SharedColumn): string | undefined {
  if (c.spec['references'] || c.shareable === false) return undefined;
  let sig = signatures.get(c);
  if (sig === undefined) {
    sig = JSON.stringify([c.name, c.spec], (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
    signatures.set(c, sig);
  }
  return sig;
}

/**
 * Each table's variant is its longest run of leading columns that at least `max(2, 5%)` of the
 * tables start with (and at least two columns long): Django's abstract base models put their
 * fields first, so a base model shows up as such a run.
 */
export function findVariants(tables: readonly ImportedTable[]): Variant[] {
  const support = Math.max(2, Math.ceil(tables.length * 0.05));
  // A prefix is keyed by the numbers of its columns' signatures: short keys, however long the columns.
  const ids = new Map<string, number>();
  const keysOf = (t: ImportedTable) => {
    const keys: string[] = [];
    let key = '';
    for (const c of t.columns) {
      const sig = signature(c);
      if (sig === undefined) break;
      if (!ids.has(sig)) ids.set(sig, ids.size);
      key += `${ids.get(sig)},`;
      keys.push(key);
    }
    return keys;
  };
  const counts = new Map<string, number>();
  const prefixes = new Map(tables.map((t) => [t, keysOf(t)] as const));
  for (const keys of prefixes.values()) for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
  const groups = new Map<string, { length: number; tables: ImportedTable[] }>();
  for (const [t, keys] of prefixes) {
    let length = keys.length;
    while (length > 0 && counts.get(keys[length - 1]!)! < support) length--;
    if (length < 2) continue;
    const group = groups.get(keys[length - 1]!) ?? { length, tables: [] };
    group.tables.push(t);
    groups.set(keys[length - 1]!, group);
  }
  return [...groups.values()]
    .map((g) => ({ columns: g.tables[0]!.columns.slice(0, g.length), tables: g.tables }))
    .sort((a, b) => b.tables.length - a.tables.length || b.columns.length - a.columns.length);
}

/** A column a table can gain without losing anything: nullable, defaulted or from a sequence, and not a key. */
const addable = (spec: ColumnSpec) =>
  !spec['primaryKey'] &&
  !spec['unique'] &&
  (spec['nullable'] === true ||
    spec['default'] !== undefined ||
    spec['identity'] !== undefined ||
    /serial$/.test(String(spec['type'])));

/** Why `table` cannot take `base` without losing data, or undefined when it can. */
export function unreachable(table: Pick<ImportedTable, 'columns' | 'primaryKey'>, base: Variant['columns']) {
  const own = new Map(table.columns.map((c) => [c.name, c] as const));
  for (const b of base) {
    const mine = own.get(b.name);
    if (mine && signature(mine) !== signature(b)) return `${b.name} differs`;
    if (!mine && !addable(b.spec)) return `${b.name} (${describeColumn(b)}) cannot be added to existing rows`;
  }
  const basePk = base.some((b) => b.spec['primaryKey']);
  const ownPk =
    table.primaryKey !== undefined ||
    table.columns.some((c) => c.spec['primaryKey'] && !base.some((b) => b.name === c.name));
  return basePk && ownPk ? 'the table has a primary key of its own' : undefined;
}

/**
 * One `base` that as many variants as possible reach without losing data: the largest variant's
 * columns, plus the addable columns that most tables of the converging variants have (so Django's
 * soft-delete columns join the base, a mixin of a few tables does not). A variant that cannot
 * converge (a bigint key where the base has uuid) gets its own entry under `bases`. With `keep`,
 * every variant stays exactly as it is: the largest becomes `base`, the others named bases.
 */
export function planBases(tables: readonly ImportedTable[], keep: boolean): BasePlan {
  const variants = findVariants(tables);
  const base: { name: string; spec: ColumnSpec }[] = [...(variants[0]?.columns ?? [])];
  const reaches = (v: Variant) => !unreachable({ columns: [...v.columns] }, base);
  const converging = keep ? variants.slice(0, 1) : variants.filter((v, i) => i === 0 || reaches(v));
  const total = converging.reduce((n, v) => n + v.tables.length, 0);
  for (const v of converging) {
    for (const c of v.columns) {
      const holders = converging
        .filter((w) => w.columns.some((x) => signature(x) === signature(c)))
        .reduce((n, w) => n + w.tables.length, 0);
      if (!base.some((b) => b.name === c.name) && addable(c.spec) && holders * 2 >= total) base.push(c);
    }
  }
  const variantBase = new Map<Variant, string>();
  const named = new Map<string, Variant['columns']>();
  for (const v of variants) {
    if (v === variants[0] || (converging.includes(v) && reaches(v))) variantBase.set(v, 'base');
    else {
      const name = baseName(v, named);
      named.set(name, v.columns);
      variantBase.set(v, name);
    }
  }
  const tableBase = new Map<ImportedTable, string | false>();
  const variantOf = new Map(variants.flatMap((v) => v.tables.map((t) => [t, v] as const)));
  for (const t of tables) {
    const v = variantOf.get(t);
    // Outside every variant, a table takes the base only when that changes nothing it holds, or never with keep.
    const choice = v ? variantBase.get(v)! : keep ? undefined : 'base';
    const columns = choice === undefined ? [] : choice === 'base' ? base : named.get(choice)!;
    tableBase.set(t, choice !== undefined && columns.length > 0 && !unreachable(t, columns) ? choice : false);
  }
  return { variants, base, named, variantBase, tableBase };
}

/** `id_bigserial` after the variant's key, else `variant_<n>`; unique among the names given so far. */
function baseName(v: Variant, taken: ReadonlyMap<string, unknown>): string {
  const pk = v.columns.find((c) => c.spec['primaryKey']);
  const stem = pk ? `${pk.name}_${String(pk.spec['type']).replace(/[^a-z0-9]+/g, '_')}` : 'variant';
  for (let n = 1; ; n++) {
    const name = n === 1 && pk ? stem : `${stem}_${n}`;
    if (!taken.has(name)) return name;
  }
}

export function describeColumn(c: { name: string; spec: ColumnSpec }): string {
  const s = c.spec;
  const d = s['default'];
  const parts = [String(s['type'])];
  if (s['primaryKey']) parts.push('primary key');
  if (s['nullable']) parts.push('null');
  const sql = typeof d === 'object' && d !== null && 'sql' in d ? String((d as { sql: string }).sql) : undefined;
  const literal = () => JSON.stringify(d, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v));
  if (d !== undefined) parts.push(`default ${sql ?? literal()}`);
  const identity = s['identity'] as string | { mode: string } | undefined;
  if (identity) parts.push(`identity ${typeof identity === 'string' ? identity : `${identity.mode} with options`}`);
  return parts.join(' ');
}
