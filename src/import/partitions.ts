import { identifierProblem } from '../model/names.js';
import { sqlFragmentProblem } from '../model/sql-fragment.js';
import type { CatalogTable } from '../db/catalog/types.js';

/** `partitionBy` and `partitions` of an imported table, as the manifest writes them. */
export interface ImportedPartitioning {
  readonly partitionBy: Record<string, (string | { sql: string })[]>;
  readonly partitions: Record<string, { values: string } | { default: true }>;
}

/** What import reads of partitions: every partition of the schemas read, for their parents. */
export interface PartitionSource {
  readonly partitions: readonly CatalogTable[];
  /** reports what cannot be carried over (kind, full name, why) */
  readonly lost: (kind: string, name: string, note?: string) => void;
}

/**
 * A partitioned table's key (pg_get_partkeydef: `RANGE (at)`, `LIST (lower(code))`) and its
 * partitions of the same schema with their bounds. A partition that is partitioned itself keeps its
 * bounds; its own partitions are not declared (the report names them), nor is a partition in
 * another schema. Undefined, with the reason reported, when the key has no manifest form.
 */
export function importPartitioning(live: CatalogTable, source: PartitionSource): ImportedPartitioning | undefined {
  const full = `${live.schema}.${live.name}`;
  const m = /^(RANGE|LIST|HASH) \((.*)\)$/s.exec(live.partitionKey ?? '');
  const parts = m ? splitTopLevel(m[2]!).map(keyPart) : [];
  if (!m || parts.some((p) => p === undefined)) {
    source.lost('partition key', full, `${live.partitionKey}: no manifest form`);
    return undefined;
  }
  const partitions: ImportedPartitioning['partitions'] = {};
  for (const p of source.partitions) {
    if (p.parentSchema !== live.schema || p.parentName !== live.name) continue;
    const name = `${p.schema}.${p.name}`;
    const bound = p.partitionBound ?? '';
    const values = bound.replace(/^FOR VALUES /, '');
    if (p.schema !== live.schema) source.lost('partition', name, `of ${full}, in another schema`);
    else if (identifierProblem(p.name, 'partition name'))
      source.lost('partition', name, 'its name has no manifest form');
    else if (bound === 'DEFAULT') partitions[p.name] = { default: true };
    else if (values === bound || sqlFragmentProblem(values)) source.lost('partition', name, `bounds ${bound}`);
    else partitions[p.name] = { values };
    ownObjects(p, source.lost);
    if (p.partitioned) source.lost('sub-partitioning', name, `${p.partitionKey}: its partitions are not declared`);
  }
  return { partitionBy: { [m[1]!.toLowerCase()]: parts as (string | { sql: string })[] }, partitions };
}

/**
 * What a partition has that its table does not give it: an index of its own, a constraint of its
 * own. The manifest declares a partition by its bounds only, so these are named, not carried over.
 */
function ownObjects(p: CatalogTable, lost: PartitionSource['lost']) {
  const full = `${p.schema}.${p.name}`;
  for (const ix of p.indexes)
    if (ix.inherited === false) lost('index', `${full}.${ix.name}`, `of the partition alone: ${ix.definition}`);
  for (const k of p.constraints)
    if (k.inherited === false) lost('constraint', `${full}.${k.name}`, `of the partition alone: ${k.definition}`);
}

/** A key part: a column (as the server quotes it) or an expression, which the server may wrap in parentheses. */
function keyPart(text: string): string | { sql: string } | undefined {
  const t = text.trim();
  if (/^[a-z_][a-z0-9_$]*$/.test(t)) return identifierProblem(t, 'column') ? undefined : t;
  if (/^"(?:[^"]|"")+"$/.test(t)) return undefined; // a column name the manifest cannot spell
  const sql = /^\(.*\)$/s.test(t) && splitTopLevel(t.slice(1, -1)).length === 1 ? t.slice(1, -1) : t;
  return sqlFragmentProblem(sql) ? undefined : { sql };
}

/** Splits on commas outside parentheses and quotes. */
function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out;
}
