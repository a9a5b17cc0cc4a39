import { Document, isMap, isSeq, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';
import { describeColumn, type BasePlan } from './bases.js';
import type { ColumnSpec } from './columns.js';
import type { MixinPlan } from './mixins.js';
import type { ImportedTable } from './tables.js';
import { plural } from '../shared/plural.js';
import type { ServiceFunctions } from './functions.js';
import type { ServiceSequences } from './sequences.js';
import type { TableTriggers } from './triggers.js';
import type { TablePolicies } from './policies.js';
import type { TableGrants } from './grants.js';
import type { ServiceViews } from './views.js';

export interface ServiceEnums {
  /** enum name → values and the schema it comes from */
  readonly [name: string]: { readonly values: readonly string[]; readonly schema: string };
}

interface Planned {
  /** the database's extensions, which the manifest lists so a push elsewhere creates them */
  readonly extensions: readonly string[];
  readonly tables: readonly ImportedTable[];
  readonly enums: ReadonlyMap<string, ServiceEnums>;
  /** by service (the schema it stays in): its `domains` and `composites` sections as the manifest writes them */
  readonly userTypes: ReadonlyMap<string, Record<string, Record<string, unknown>>>;
  readonly plan: BasePlan;
  readonly mixins: MixinPlan;
  readonly views: ServiceViews;
  readonly functions: ServiceFunctions;
  readonly sequences: ServiceSequences;
  readonly triggers: TableTriggers;
  readonly policies: TablePolicies;
  readonly grants: TableGrants;
}

interface Manifest extends Planned {
  readonly rows: ReadonlyMap<string, number>;
  readonly source: string;
}

const columnsOf = (cols: readonly { name: string; spec: ColumnSpec }[]) =>
  Object.fromEntries(cols.map((c) => [c.name, c.spec]));

function byService(tables: readonly ImportedTable[]): Map<string, ImportedTable[]> {
  const services = new Map<string, ImportedTable[]>();
  for (const t of tables) {
    const list = services.get(t.place.service) ?? [];
    list.push(t);
    services.set(t.place.service, list);
  }
  return services;
}

/** The manifest as data, as the loader would read it from the YAML. */
export function manifestData(m: Planned): Record<string, unknown> {
  const baseColumns = (t: ImportedTable) => {
    const choice = m.plan.tableBase.get(t)!;
    return choice === false ? [] : choice === 'base' ? m.plan.base : m.plan.named.get(choice)!;
  };
  const trailingMixin = (t: ImportedTable) => {
    const name = m.mixins.tableMixin.get(t);
    return name === undefined ? undefined : { name, length: m.mixins.mixins.get(name)!.length };
  };
  return {
    version: 1n,
    ...(m.extensions.length > 0 && { extensions: m.extensions }),
    base: columnsOf(m.plan.base),
    ...(m.plan.named.size > 0 && {
      bases: Object.fromEntries([...m.plan.named].map(([n, cols]) => [n, columnsOf(cols)])),
    }),
    ...(m.mixins.mixins.size > 0 && {
      mixins: Object.fromEntries(
        [...m.mixins.mixins].map(([n, cols]) => [n, { last: true, columns: columnsOf(cols) }]),
      ),
    }),
    services: Object.fromEntries(
      [...byService(m.tables)].map(([service, tables]) => {
        const enums = m.enums.get(service) ?? {};
        const body = {
          ...(Object.keys(enums).length > 0 && {
            enums: Object.fromEntries(Object.entries(enums).map(([n, e]) => [n, e.values])),
          }),
          ...m.userTypes.get(service),
          tables: Object.fromEntries(
            tables.map((t) => [
              t.place.name,
              tableData(t, baseColumns(t), m.plan.tableBase.get(t)!, trailingMixin(t), m.triggers.get(t), {
                ...m.policies.get(t),
                ...(m.grants.has(t) && { grants: m.grants.get(t) }),
              }),
            ]),
          ),
          ...(m.functions.has(service) && { functions: m.functions.get(service) }),
          ...(m.sequences.has(service) && { sequences: m.sequences.get(service) }),
          ...(m.views.has(service) && { views: m.views.get(service) }),
        };
        return [service, body];
      }),
    ),
  };
}

/** The data as YAML, with a short comment on each choice import made. */
export function renderManifest(data: Record<string, unknown>, m: Manifest): string {
  const services = byService(m.tables);
  const doc = new Document(data, { aliasDuplicateObjects: false });
  doc.commentBefore =
    ` Imported by schemagen import from ${m.source}.\n` +
    ' Review the comments, then run schemagen generate and schemagen push.';
  annotate(doc, m, services);
  inlineShared(doc, m, services);
  return doc.toString({ lineWidth: 0 });
}

function tableData(
  t: ImportedTable,
  base: readonly { name: string }[],
  choice: string | false,
  mixin?: { name: string; length: number },
  triggers?: Record<string, Record<string, unknown>>,
  /** its row-level security, policies and grants */
  security?: Record<string, unknown>,
) {
  const inBase = new Set(base.map((c) => c.name));
  // A trailing mixin's columns are the table's last ones (mixins.ts).
  const own = t.columns.filter((c) => !inBase.has(c.name));
  if (mixin) own.splice(own.length - mixin.length);
  return {
    ...(moved(t) && { from: `${t.live.schema}.${t.live.name}` }),
    ...(choice !== 'base' && { base: choice }),
    ...(mixin && { mixins: [mixin.name] }),
    ...(t.live.comment !== null && { comment: t.live.comment }),
    ...(own.length > 0 && { columns: columnsOf(own) }),
    ...(t.primaryKey && { primaryKey: t.primaryKey }),
    ...(t.primaryKeyName !== undefined && { primaryKeyName: t.primaryKeyName }),
    ...(t.indexes.length > 0 && { indexes: t.indexes }),
    ...(t.uniques.length > 0 && { uniques: t.uniques }),
    ...(t.foreignKeys.length > 0 && { foreignKeys: t.foreignKeys }),
    ...(Object.keys(t.checks).length > 0 && { checks: t.checks }),
    ...(t.partitioning && {
      partitionBy: t.partitioning.partitionBy,
      ...(Object.keys(t.partitioning.partitions).length > 0 && { partitions: t.partitioning.partitions }),
    }),
    ...security,
    ...(triggers && { triggers }),
  };
}

const moved = (t: ImportedTable) => t.place.name !== t.live.name || t.place.service !== t.live.schema;
const pairOf = (map: unknown, key: string) =>
  isMap(map) ? (map.items as Pair<Scalar, Node>[]).find((p) => p.key.value === key) : undefined;

/** Comments before the keys they explain; columns, list items and key lists on one line each. */
function annotate(doc: Document, m: Manifest, services: ReadonlyMap<string, readonly ImportedTable[]>) {
  const comment = (path: readonly string[], text: string) => {
    const pair = pairOf(path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1)), path.at(-1)!);
    if (pair) pair.key.commentBefore = ` ${text}`;
  };
  const variants = m.plan.variants;
  const baseVariants = variants.filter((v) => m.plan.variantBase.get(v) === 'base').map((v) => variants.indexOf(v) + 1);
  comment(
    ['base'],
    baseVariants.length > 0
      ? `Shared by base variant${baseVariants.length > 1 ? 's' : ''} ${baseVariants.join(', ')} (see the report); ` +
          'tables lacking a nullable or defaulted column gain it on push.'
      : 'No column set is shared by enough tables to make a base.',
  );
  for (const [name] of m.plan.named) {
    const v = variants.find((x) => m.plan.variantBase.get(x) === name)!;
    const columns = v.columns.map(describeColumn).join(', ');
    comment(['bases', name], `Base variant ${variants.indexOf(v) + 1}, kept as it is: ${columns}.`);
  }
  if (m.mixins.mixins.size > 0)
    comment(['mixins'], "Trailing columns shared by several tables (see the report): last, after each table's own.");
  for (const [service, tables] of services) {
    const enums = m.enums.get(service) ?? {};
    for (const [n, e] of Object.entries(enums)) {
      if (e.schema !== service) comment(['services', service, 'enums', n], `from ${e.schema}.${n}`);
    }
    // The tables' pairs are in the order of `tables`: walked side by side, no lookup per table.
    const pairs = (doc.getIn(['services', service, 'tables']) as YAMLMap<Scalar, YAMLMap>).items;
    tables.forEach((t, i) => {
      const { key, value } = pairs[i]!;
      const rows = m.rows.get(`${t.live.schema}.${t.live.name}`) ?? 0;
      const from = moved(t) ? `from ${t.live.schema}.${t.live.name} (${t.place.reason}), ` : '';
      key.commentBefore = ` ${from}${plural(rows, 'row')}`;
      const base = pairOf(value, 'base');
      if (base && m.plan.tableBase.get(t) === false && m.plan.base.length > 0) {
        base.key.commentBefore = ' its leading columns match no base it can take without losing data';
      }
      inlineTable(value!);
    });
  }
}

const flowValues = (node: unknown) => {
  if (isMap(node)) for (const p of node.items) if (isMap(p.value) || isSeq(p.value)) p.value.flow = true;
};
const flowItems = (node: unknown) => {
  if (isSeq(node)) for (const item of node.items) if (isMap(item)) item.flow = true;
};

/** Column specs, index entries and lists of names are written inline: one line each. */
function inlineTable(table: YAMLMap) {
  flowValues(table.get('columns'));
  flowValues(table.get('checks'));
  flowItems(table.get('indexes'));
  flowItems(table.get('uniques'));
  flowItems(table.get('foreignKeys'));
  const by = table.get('partitionBy');
  if (isMap(by)) by.flow = true;
  flowValues(table.get('partitions'));
  for (const key of ['primaryKey', 'mixins']) {
    const names = table.get(key);
    if (isSeq(names)) names.flow = true;
  }
}

function inlineShared(doc: Document, m: Manifest, services: ReadonlyMap<string, readonly ImportedTable[]>) {
  flowValues(doc.get('base'));
  for (const [name] of m.plan.named) flowValues(doc.getIn(['bases', name]));
  for (const [name] of m.mixins.mixins) flowValues(doc.getIn(['mixins', name, 'columns']));
  for (const [service] of services) {
    flowValues(doc.getIn(['services', service, 'enums']));
    const views = doc.getIn(['services', service, 'views']);
    if (isMap(views))
      for (const view of views.items) {
        flowValues(view.value);
        flowItems((view.value as YAMLMap).get('indexes'));
      }
    for (const section of ['domains', 'composites']) {
      const types = doc.getIn(['services', service, section]);
      if (isMap(types)) for (const t of types.items) flowValues(t.value);
    }
  }
}
