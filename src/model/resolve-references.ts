import { constraintNames } from '../shared/conventions.js';
import type { Diagnostic, YamlPath } from '../manifest/diagnostics.js';
import { crossBinding, singularName } from './names.js';
import { forwardKey, needsRelationName, reverseKey, tablePair, throughKey } from './relation-names.js';
import { canReference, referencingTypes, type KeyColumnType } from './reference-types.js';
import type { ReferenceDraft } from './reference-drafts.js';
import type { ColumnDraft } from './resolve-columns.js';
import type { TableDraft } from './resolve-table.js';
import type { ServiceDraft } from './resolve-table.js';
import type { Column, ForeignKey, Model, Relation, Service, Table } from './types.js';

interface Target {
  readonly service: ServiceDraft;
  readonly table: TableDraft;
  readonly columns: readonly ColumnDraft[];
}

/** Resolves foreign keys, derives relations from them and orders services by dependency. */
export function resolveReferences(
  services: readonly ServiceDraft[],
  diagnostics: Diagnostic[],
): Omit<Model, 'extensions'> {
  const report = (message: string, path: YamlPath) => diagnostics.push({ path, message });
  const fks = new Map<ReferenceDraft, ForeignKey>();
  const dependsOn = new Map(services.map((s) => [s.name, new Map<string, YamlPath>()] as const));
  for (const service of services) {
    for (const table of service.tables) {
      for (const draft of table.references) {
        const target = findTarget(service, table, draft, services, report);
        if (!target) continue;
        const crossService = target.service !== service;
        if (crossService) dependsOn.get(service.name)!.set(target.service.name, draft.path);
        fks.set(draft, {
          name: draft.name,
          columns: draft.columns,
          target: {
            service: target.service.name,
            schema: target.service.schema,
            table: target.table.name,
            columns: target.columns.map((c) => c.name),
          },
          crossService,
          onDelete: draft.onDelete,
          onUpdate: draft.onUpdate,
        });
      }
    }
  }
  const order = orderServices(services, dependsOn);
  for (const s of services) {
    for (const [dep, at] of dependsOn.get(s.name)!) {
      const clash = s.tables.find((t) => t.tsName === crossBinding(dep));
      if (clash)
        report(
          `table ${clash.name} becomes ${clash.tsName}, the name under which service ` +
            `${dep}'s tables are imported; expected another table name`,
          at,
        );
    }
  }
  const relations = deriveRelations(services, fks, report);
  return {
    services: order.map((s): Service => ({
      name: s.name,
      extensions: s.extensions,
      sequences: s.sequences,
      schema: s.schema,
      schemaTsName: s.schemaTsName,
      urlEnv: s.urlEnv,
      enums: s.enums,
      views: s.views,
      functions: s.functions,
      domains: s.domains,
      composites: s.composites,
      dependsOn: [...dependsOn.get(s.name)!.keys()].sort(),
      ...(s.tenants && { tenants: s.tenants }),
      tables: s.tables.map((t): Table => {
        const own = new Map(
          t.references.flatMap((r) => (r.ownColumn && fks.get(r) ? [[r.ownColumn, fks.get(r)!]] : [])),
        );
        const columns = t.columns.map((c): Column => {
          const { path: _path, wantsUnique, referenceInput: _ref, ...rest } = c;
          return {
            ...rest,
            unique: wantsUnique ? constraintNames.unique(t.name, [c.name]) : undefined,
            references: own.get(c.name),
          };
        });
        const { path: _path, columns: _drafts, references, ...rest } = t;
        return {
          ...rest,
          columns,
          foreignKeys: references.flatMap((r) => fks.get(r) ?? []),
          relations: relations.get(t) ?? [],
        };
      }),
    })),
  };
}

/** The target service, table and columns, checked: a key or unique constraint, of types the source can reference. */
function findTarget(
  fromService: ServiceDraft,
  fromTable: TableDraft,
  draft: ReferenceDraft,
  services: readonly ServiceDraft[],
  report: (m: string, p: YamlPath) => void,
): Target | undefined {
  const service = services.find((s) => s.name === (draft.service ?? fromService.name));
  if (!service) {
    report(
      `unknown service ${JSON.stringify(draft.service)}; expected one of: ${services.map((s) => s.name).join(', ')}`,
      [...draft.targetPath, 'service'],
    );
    return undefined;
  }
  const table = service.tables.find((t) => t.name === draft.table);
  if (!table) {
    const elsewhere = draft.service ? undefined : services.find((s) => s.tables.some((t) => t.name === draft.table));
    const hint = elsewhere
      ? `; table ${draft.table} is in service ${elsewhere.name}: a cross-service reference ` +
        `must say service: ${elsewhere.name}`
      : '';
    report(
      `unknown table ${JSON.stringify(draft.table)} in service ${service.name}${hint}; ` +
        `expected one of: ${service.tables.map((t) => t.name).join(', ')}`,
      [...draft.targetPath, 'table'],
    );
    return undefined;
  }
  // A column's reference names one target column; a table's foreign key lists them.
  const columnAt = (j: number) =>
    draft.ownColumn === undefined ? [...draft.targetColumnsPath, j] : draft.targetColumnsPath;
  const columns = draft.targetColumns.map((name, j) => {
    const column = table.columns.find((c) => c.name === name);
    if (!column)
      report(
        `unknown column ${JSON.stringify(name)} in ${service.name}.${table.name}; ` +
          `expected one of: ${table.columns.map((c) => c.name).join(', ')}`,
        columnAt(j),
      );
    return column;
  });
  const sources = draft.columns.map((name) => fromTable.columns.find((c) => c.name === name));
  if (!columns.every((c) => c !== undefined) || !sources.every((c) => c !== undefined)) return undefined;
  const names = columns.map((c) => c.name);
  if (!isKey(table, columns))
    report(
      names.length === 1
        ? `${service.name}.${table.name}.${names[0]} is neither a primary key nor unique; ` +
            'expected a referenced column with one of them'
        : `${service.name}.${table.name} has no primary key or unique constraint over (${names.join(', ')}); ` +
            'expected the columns of one of them',
      draft.ownColumn === undefined ? draft.targetColumnsPath : draft.path,
    );
  sources.forEach((source, j) => {
    // Columns beyond the target's are reported by reference-drafts.ts.
    if (j >= columns.length) return;
    const [from, to] = [keyType(source, fromService), keyType(columns[j]!, service)];
    if (!canReference(from, to))
      report(
        `type ${from.type.sql} cannot reference ${service.name}.${table.name}.${names[j]} ` +
          `(${to.type.sql}); expected ${referencingTypes(to.type)}`,
        draft.ownColumn === undefined ? [...draft.path, 'columns', j] : [...source.path, 'type'],
      );
  });
  return { service, table, columns };
}

/** Whether the columns are the table's primary key or one of its unique constraints, in any order. */
function isKey(table: TableDraft, columns: readonly ColumnDraft[]): boolean {
  const names = columns.map((c) => c.name);
  const covers = (key: readonly string[]) => key.length === names.length && key.every((k) => names.includes(k));
  const single = columns.length === 1 && (columns[0]!.primaryKey || columns[0]!.wantsUnique);
  return single || covers(table.primaryKey?.columns ?? []) || table.uniques.some((u) => covers(u.columns));
}

/** Serial columns are referenced by their integer type; enums live in their service's schema. */
const keyType = (c: ColumnDraft, s: ServiceDraft): KeyColumnType => ({ type: c.type, enumSchema: s.schema });

function orderServices(services: readonly ServiceDraft[], deps: Map<string, Map<string, unknown>>) {
  const done = new Set<string>();
  const out: ServiceDraft[] = [];
  const visit = (s: ServiceDraft, trail: readonly string[]) => {
    if (done.has(s.name)) return;
    // A reference back along the trail closes a cycle: nothing orders it, push adds those foreign keys
    // once every table of the push exists (app/push.ts). No cycle runs through a per-tenant service:
    // only its own tables may reference it.
    for (const dep of deps.get(s.name)!.keys())
      if (!trail.includes(dep) && dep !== s.name)
        visit(
          services.find((x) => x.name === dep)!,
          [...trail, s.name],
        );
    if (!done.has(s.name)) out.push(s);
    done.add(s.name);
  };
  for (const s of services) visit(s, []);
  return out;
}

function deriveRelations(
  services: readonly ServiceDraft[],
  fks: Map<ReferenceDraft, ForeignKey>,
  report: (m: string, p: YamlPath) => void,
) {
  const out = new Map<TableDraft, Relation[]>();
  const tableOf = (service: string, table: string) =>
    services.find((s) => s.name === service)?.tables.find((t) => t.name === table);
  const add = (table: TableDraft, rel: Relation, at: YamlPath) => {
    const list = out.get(table) ?? [];
    const taken = new Set([...table.columns.map((c) => c.tsKey), ...list.map((r) => r.key)]);
    let key = rel.key;
    if (taken.has(key)) key = `${key}Rel`;
    if (taken.has(key))
      report(
        `relation name ${key} on ${table.name} collides with a column or another ` +
          `relation; expected distinct column names`,
        at,
      );
    list.push({ ...rel, key });
    out.set(table, list);
  };
  const keysOf = (table: TableDraft) =>
    table.references.flatMap((draft) => (fks.has(draft) ? [[draft, fks.get(draft)!] as const] : []));
  // Keys per unordered pair of tables of a service: more than one makes the pair ambiguous to Drizzle.
  const between = new Map<string, number>();
  const pairOf = (service: string, table: string, fk: ForeignKey) => `${service}.${tablePair(table, fk.target.table)}`;
  for (const service of services)
    for (const table of service.tables)
      for (const [, fk] of keysOf(table).filter(([, f]) => !f.crossService)) {
        const pair = pairOf(service.name, table.name, fk);
        between.set(pair, (between.get(pair) ?? 0) + 1);
      }
  for (const service of services) {
    for (const table of service.tables) {
      for (const [draft, fk] of keysOf(table)) {
        const keysBetween = between.get(pairOf(service.name, table.name, fk)) ?? 0;
        const ambiguous = !fk.crossService && needsRelationName(table.name, fk.target.table, keysBetween);
        const named = ambiguous ? { relationName: `${table.name}_${fk.columns.join('_')}` } : {};
        const stem = referenceName(fk, ambiguous);
        const target = { service: fk.target.service, table: fk.target.table };
        add(table, { kind: 'one', key: forwardKey(stem), ...named, target, fk }, draft.path);
        const referenced = tableOf(fk.target.service, fk.target.table);
        if (!referenced || fk.crossService) continue;
        const key = reverseKey(table.name, fk.target.table, stem, ambiguous);
        add(
          referenced,
          { kind: 'many', key, ...named, target: { service: service.name, table: table.name }, fk },
          draft.path,
        );
      }
    }
  }
  // After the relations of the keys themselves, so a join table never changes their names.
  for (const service of services) {
    for (const table of service.tables) {
      const keys = joinTableKeys(
        table,
        keysOf(table).map(([, fk]) => fk),
      );
      if (!keys) continue;
      for (const [near, far] of [keys, [keys[1], keys[0]]] as const) {
        const referenced = tableOf(near.target.service, near.target.table);
        if (!referenced || near.crossService) continue;
        const target = { service: far.target.service, table: far.target.table };
        const through = { table: table.name, fk: far };
        add(referenced, { kind: 'many', key: throughKey(far.target.table), target, fk: near, through }, [
          ...table.path,
          'primaryKey',
        ]);
      }
    }
  }
  return out;
}

/**
 * What a key stands for, as a column name: its one column; for several, the prefix they share
 * (`order_region`, `order_number` → `order_id`), else the referenced table's singular; when other keys
 * join the same tables, all its columns, which no other key of the table has.
 */
function referenceName(fk: ForeignKey, ambiguous: boolean): string {
  if (fk.columns.length === 1) return fk.columns[0]!;
  if (ambiguous) return fk.columns.join('_');
  let prefix = fk.columns[0]!;
  for (const c of fk.columns) while (!c.startsWith(prefix)) prefix = prefix.slice(0, -1);
  const shared = prefix.slice(0, prefix.lastIndexOf('_') + 1).replace(/_+$/, '');
  return `${shared || singularName(fk.target.table)}_id`;
}

/**
 * The two keys of a join table: a composite primary key of exactly two columns, each the whole of a
 * foreign key, to two different tables.
 */
function joinTableKeys(table: TableDraft, fks: readonly ForeignKey[]): [ForeignKey, ForeignKey] | undefined {
  const [a, b, ...more] = (table.primaryKey?.columns ?? []).map((name) =>
    fks.find((fk) => fk.columns.length === 1 && fk.columns[0] === name),
  );
  if (!a || !b || more.length > 0) return undefined;
  return a.target.service === b.target.service && a.target.table === b.target.table ? undefined : [a, b];
}
