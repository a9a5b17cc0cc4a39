import { Document, isMap, isSeq, type Node, type Pair, type Scalar } from 'yaml';
import { describeColumn, type BasePlan } from './bases.js';
import type { ColumnSpec } from './columns.js';
import type { ImportedTable } from './tables.js';

export interface ServiceEnums {
  /** enum name → values and the schema it comes from */
  readonly [name: string]: { readonly values: readonly string[]; readonly schema: string };
}

interface Manifest {
  readonly tables: readonly ImportedTable[];
  readonly enums: ReadonlyMap<string, ServiceEnums>;
  readonly plan: BasePlan;
  readonly rows: ReadonlyMap<string, number>;
  readonly source: string;
}

const columnsOf = (cols: readonly { name: string; spec: ColumnSpec }[]) => Object.fromEntries(cols.map((c) => [c.name, c.spec]));

/** The manifest as YAML, with a short comment on each choice import made. */
export function emitManifest(m: Manifest): string {
  const services = new Map<string, ImportedTable[]>();
  for (const t of m.tables) services.set(t.place.service, [...(services.get(t.place.service) ?? []), t]);
  const baseColumns = (t: ImportedTable) => {
    const choice = m.plan.tableBase.get(t)!;
    return choice === false ? [] : choice === 'base' ? m.plan.base : m.plan.named.get(choice)!;
  };
  const data = {
    version: 1n,
    base: columnsOf(m.plan.base),
    ...(m.plan.named.size > 0 && { bases: Object.fromEntries([...m.plan.named].map(([n, cols]) => [n, columnsOf(cols)])) }),
    services: Object.fromEntries(
      [...services].map(([service, tables]) => {
        const enums = m.enums.get(service) ?? {};
        const body = {
          ...(Object.keys(enums).length > 0 && { enums: Object.fromEntries(Object.entries(enums).map(([n, e]) => [n, e.values])) }),
          tables: Object.fromEntries(tables.map((t) => [t.place.name, tableData(t, baseColumns(t), m.plan.tableBase.get(t)!)])),
        };
        return [service, body];
      }),
    ),
  };
  const doc = new Document(data, { aliasDuplicateObjects: false });
  doc.commentBefore = ` Imported by schemagen import from ${m.source}.\n Review the comments, then run schemagen generate and schemagen push.`;
  annotate(doc, m, services);
  inline(doc, m, services);
  return doc.toString({ lineWidth: 0 });
}

function tableData(t: ImportedTable, base: readonly { name: string }[], choice: string | false) {
  const inBase = new Set(base.map((c) => c.name));
  const own = t.columns.filter((c) => !inBase.has(c.name));
  return {
    ...(t.place.name !== t.live.name || t.place.service !== t.live.schema ? { from: `${t.live.schema}.${t.live.name}` } : {}),
    ...(choice !== 'base' && { base: choice }),
    ...(t.live.comment !== null && { comment: t.live.comment }),
    ...(own.length > 0 && { columns: columnsOf(own) }),
    ...(t.primaryKey && { primaryKey: t.primaryKey }),
    ...(t.indexes.length > 0 && { indexes: t.indexes }),
    ...(t.uniques.length > 0 && { uniques: t.uniques }),
    ...(Object.keys(t.checks).length > 0 && { checks: t.checks }),
  };
}

const pairOf = (map: unknown, key: string) => (isMap(map) ? (map.items as Pair<Scalar, Node>[]).find((p) => p.key.value === key) : undefined);

/** Comments before the keys they explain; columns, list items and key lists on one line each. */
function annotate(doc: Document, m: Manifest, services: ReadonlyMap<string, readonly ImportedTable[]>) {
  const comment = (path: readonly string[], text: string) => {
    const pair = pairOf(path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1)), path.at(-1)!);
    if (pair) pair.key.commentBefore = ` ${text}`;
  };
  const variants = m.plan.variants;
  const baseVariants = variants.filter((v) => m.plan.variantBase.get(v) === 'base').map((v) => variants.indexOf(v) + 1);
  comment(['base'], baseVariants.length > 0
    ? `Shared by base variant${baseVariants.length > 1 ? 's' : ''} ${baseVariants.join(', ')} (see the report); tables lacking a nullable or defaulted column gain it on push.`
    : 'No column set is shared by enough tables to make a base.');
  for (const [name] of m.plan.named) {
    const v = variants.find((x) => m.plan.variantBase.get(x) === name)!;
    comment(['bases', name], `Base variant ${variants.indexOf(v) + 1}, kept as it is: ${v.columns.map(describeColumn).join(', ')}.`);
  }
  for (const [service, tables] of services) {
    const enums = m.enums.get(service) ?? {};
    for (const [n, e] of Object.entries(enums)) if (e.schema !== service) comment(['services', service, 'enums', n], `from ${e.schema}.${n}`);
    for (const t of tables) {
      const rows = m.rows.get(`${t.live.schema}.${t.live.name}`) ?? 0;
      const moved = t.place.name !== t.live.name || t.place.service !== t.live.schema;
      comment(['services', service, 'tables', t.place.name], `${moved ? `from ${t.live.schema}.${t.live.name} (${t.place.reason}), ` : ''}${rows} row${rows === 1 ? '' : 's'}`);
      const choice = m.plan.tableBase.get(t)!;
      if (choice === false && m.plan.base.length > 0) comment(['services', service, 'tables', t.place.name, 'base'], 'its leading columns match no base it can take without losing data');
    }
  }
}

/** Column specs, index entries and lists of names are written inline: one line each. */
function inline(doc: Document, m: Manifest, services: ReadonlyMap<string, readonly ImportedTable[]>) {
  const flowValues = (node: unknown) => {
    if (isMap(node)) for (const p of node.items) if (isMap(p.value) || isSeq(p.value)) p.value.flow = true;
  };
  const flowItems = (node: unknown) => {
    if (isSeq(node)) for (const item of node.items) if (isMap(item)) item.flow = true;
  };
  flowValues(doc.get('base'));
  for (const [name] of m.plan.named) flowValues(doc.getIn(['bases', name]));
  for (const [service, tables] of services) {
    flowValues(doc.getIn(['services', service, 'enums']));
    for (const t of tables) {
      const at = ['services', service, 'tables', t.place.name];
      flowValues(doc.getIn([...at, 'columns']));
      flowValues(doc.getIn([...at, 'checks']));
      flowItems(doc.getIn([...at, 'indexes']));
      flowItems(doc.getIn([...at, 'uniques']));
      const pk = doc.getIn([...at, 'primaryKey'], true);
      if (isSeq(pk)) pk.flow = true;
    }
  }
}
