import { signature, type BasePlan } from './bases.js';
import type { ImportedTable } from './tables.js';

type Columns = ImportedTable['columns'];

/** Runs of trailing columns several tables share, proposed as mixins declared `last: true`. */
export interface MixinPlan {
  /** by name: the columns, in order */
  readonly mixins: ReadonlyMap<string, Columns>;
  /** per table that ends with one: the mixin's name */
  readonly tableMixin: ReadonlyMap<ImportedTable, string>;
}

/**
 * Each table's trailing mixin is its longest run of last columns, past its base columns, that
 * enough tables end with: two columns or more shared by `max(2, 5%)` of the tables, like base
 * variants (a `guid` + `modified` pair); one column shared by half of them at least (an `updated`
 * stamp last on every table), so a lone common column such as `name` is not taken for one. A
 * primary key, a foreign key or an enum column never belongs to a mixin.
 */
export function planMixins(tables: readonly ImportedTable[], bases: BasePlan): MixinPlan {
  const support = Math.max(2, Math.ceil(tables.length * 0.05));
  const single = Math.max(2, Math.ceil(tables.length / 2));
  const ids = new Map<string, number>();
  const own = (t: ImportedTable): Columns => {
    const choice = bases.tableBase.get(t);
    const base =
      choice === false || choice === undefined ? [] : choice === 'base' ? bases.base : bases.named.get(choice)!;
    const inBase = new Set(base.map((c) => c.name));
    return t.columns.filter((c) => !inBase.has(c.name));
  };
  // A suffix is keyed by its columns' signature numbers, last column first.
  const suffixKeys = (columns: Columns) => {
    const keys: string[] = [];
    let key = '';
    for (let i = columns.length - 1; i >= 0; i--) {
      const c = columns[i]!;
      const sig = c.spec['primaryKey'] ? undefined : signature(c);
      if (sig === undefined) break;
      if (!ids.has(sig)) ids.set(sig, ids.size);
      key += `${ids.get(sig)},`;
      keys.push(key);
    }
    return keys;
  };
  const owned = new Map(tables.map((t) => [t, own(t)] as const));
  const suffixes = new Map([...owned].map(([t, cols]) => [t, suffixKeys(cols)] as const));
  const counts = new Map<string, number>();
  for (const keys of suffixes.values()) for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
  const enough = (length: number, n: number) => (length === 1 ? n >= single : n >= support);
  const mixins = new Map<string, Columns>();
  const byKey = new Map<string, string>();
  const tableMixin = new Map<ImportedTable, string>();
  for (const [t, keys] of suffixes) {
    let length = keys.length;
    while (length > 0 && !enough(length, counts.get(keys[length - 1]!)!)) length--;
    if (length === 0) continue;
    const key = keys[length - 1]!;
    let name = byKey.get(key);
    if (name === undefined) {
      const columns = owned.get(t)!.slice(-length);
      name = mixinName(columns, mixins, bases);
      mixins.set(name, columns);
      byKey.set(key, name);
    }
    tableMixin.set(t, name);
  }
  return { mixins, tableMixin };
}

/** The columns' names joined (`updated`, `guid_modified`), numbered when taken. */
function mixinName(columns: Columns, taken: ReadonlyMap<string, unknown>, bases: BasePlan): string {
  const stem = columns
    .map((c) => c.name)
    .join('_')
    .slice(0, 40)
    .replace(/_+$/, '');
  for (let n = 1; ; n++) {
    const name = n === 1 ? stem : `${stem}_${n}`;
    if (!taken.has(name) && !bases.named.has(name)) return name;
  }
}
