import { constraintNames } from '../shared/conventions.js';
import type { Diagnostic, YamlPath } from '../manifest/diagnostics.js';
import { MAX_IDENTIFIER_BYTES, crossBinding, objectNameProblem } from './names.js';
import { forwardKey, needsRelationName, reverseKey, tablePair, throughKey } from './relation-names.js';
import { canReference, referencingTypes, type KeyColumnType } from './reference-types.js';
import type { ColumnDraft } from './resolve-columns.js';
import type { TableDraft } from './resolve-table.js';
import type { ServiceDraft } from './resolve-table.js';
import type { Column, ForeignKey, Model, Relation, Service, Table } from './types.js';

interface Located {
  readonly service: ServiceDraft;
  readonly table: TableDraft;
  readonly column: ColumnDraft;
}

/** Resolves foreign keys, derives relations from them and orders services by dependency. */
export function resolveReferences(
  services: readonly ServiceDraft[],
  diagnostics: Diagnostic[],
): Omit<Model, 'extensions'> {
  const report = (message: string, path: YamlPath) => diagnostics.push({ path, message });
  const fks = new Map<ColumnDraft, ForeignKey>();
  const dependsOn = new Map(services.map((s) => [s.name, new Map<string, YamlPath>()] as const));
  for (const service of services) {
    for (const table of service.tables) {
      for (const column of table.columns) {
        const ref = column.referenceInput;
        if (!ref) continue;
        const at = [...column.path, 'references'];
        const target = findTarget({ service, table, column }, services, at, report);
        if (!target) continue;
        const name = ref.name ?? constraintNames.foreignKey(table.name, column.name);
        const nameProblem = ref.name === undefined ? undefined : objectNameProblem(ref.name, 'name');
        if (nameProblem) report(nameProblem, [...at, 'name']);
        else if (Buffer.byteLength(name) > MAX_IDENTIFIER_BYTES)
          report(
            `generated foreign key name ${JSON.stringify(name)} is ` +
              `${Buffer.byteLength(name)} bytes; expected at most ${MAX_IDENTIFIER_BYTES}: ` +
              `shorten the table or column name, or give it a name`,
            at,
          );
        if ((ref.onDelete === 'set null' || ref.onUpdate === 'set null') && !column.nullable)
          report('set null needs a nullable column; expected nullable: true or another action', at);
        const crossService = target.service !== service;
        if (crossService) dependsOn.get(service.name)!.set(target.service.name, at);
        fks.set(column, {
          name,
          column: column.name,
          target: {
            service: target.service.name,
            schema: target.service.schema,
            table: target.table.name,
            column: target.column.name,
          },
          crossService,
          onDelete: ref.onDelete,
          onUpdate: ref.onUpdate,
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
        const columns = t.columns.map((c): Column => {
          const { path: _path, wantsUnique, referenceInput: _ref, ...rest } = c;
          return {
            ...rest,
            unique: wantsUnique ? constraintNames.unique(t.name, [c.name]) : undefined,
            references: fks.get(c),
          };
        });
        const { path: _path, columns: _drafts, ...rest } = t;
        return {
          ...rest,
          columns,
          foreignKeys: columns.flatMap((c) => c.references ?? []),
          relations: relations.get(t) ?? [],
        };
      }),
    })),
  };
}

function findTarget(
  src: Located,
  services: readonly ServiceDraft[],
  at: YamlPath,
  report: (m: string, p: YamlPath) => void,
): Located | undefined {
  const ref = src.column.referenceInput!;
  const service = services.find((s) => s.name === (ref.service ?? src.service.name));
  if (!service) {
    report(
      `unknown service ${JSON.stringify(ref.service)}; expected one of: ${services.map((s) => s.name).join(', ')}`,
      [...at, 'service'],
    );
    return undefined;
  }
  const table = service.tables.find((t) => t.name === ref.table);
  if (!table) {
    const elsewhere = ref.service ? undefined : services.find((s) => s.tables.some((t) => t.name === ref.table));
    const hint = elsewhere
      ? `; table ${ref.table} is in service ${elsewhere.name}: a cross-service reference ` +
        `must say service: ${elsewhere.name}`
      : '';
    report(
      `unknown table ${JSON.stringify(ref.table)} in service ${service.name}${hint}; ` +
        `expected one of: ${service.tables.map((t) => t.name).join(', ')}`,
      [...at, 'table'],
    );
    return undefined;
  }
  const columnName = ref.column ?? 'id';
  const column = table.columns.find((c) => c.name === columnName);
  if (!column) {
    report(
      `unknown column ${JSON.stringify(columnName)} in ${service.name}.${table.name}; ` +
        `expected one of: ${table.columns.map((c) => c.name).join(', ')}`,
      ref.column ? [...at, 'column'] : at,
    );
    return undefined;
  }
  const keyed =
    column.primaryKey ||
    column.wantsUnique ||
    table.uniques.some((u) => u.columns.length === 1 && u.columns[0] === columnName) ||
    (table.primaryKey?.columns.length === 1 && table.primaryKey.columns[0] === columnName);
  if (!keyed)
    report(
      `${service.name}.${table.name}.${columnName} is neither a primary key nor ` +
        `unique; expected a referenced column with one of them`,
      at,
    );
  const [from, to] = [keyType(src.column, src.service), keyType(column, service)];
  if (!canReference(from, to))
    report(
      `type ${from.type.sql} cannot reference ${service.name}.${table.name}.${columnName} ` +
        `(${to.type.sql}); expected ${referencingTypes(to.type)}`,
      [...src.column.path, 'type'],
    );
  return { service, table, column };
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
  fks: Map<ColumnDraft, ForeignKey>,
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
  // Keys per unordered pair of tables of a service: more than one makes the pair ambiguous to Drizzle.
  const between = new Map<string, number>();
  const pairOf = (service: string, table: string, fk: ForeignKey) => `${service}.${tablePair(table, fk.target.table)}`;
  for (const service of services)
    for (const table of service.tables)
      for (const fk of table.columns.flatMap((c) => fks.get(c) ?? []).filter((f) => !f.crossService)) {
        const pair = pairOf(service.name, table.name, fk);
        between.set(pair, (between.get(pair) ?? 0) + 1);
      }
  for (const service of services) {
    for (const table of service.tables) {
      for (const column of table.columns) {
        const fk = fks.get(column);
        if (!fk) continue;
        const keysBetween = between.get(pairOf(service.name, table.name, fk)) ?? 0;
        const ambiguous = !fk.crossService && needsRelationName(table.name, fk.target.table, keysBetween);
        const named = ambiguous ? { relationName: `${table.name}_${column.name}` } : {};
        const at = [...column.path, 'references'];
        const target = { service: fk.target.service, table: fk.target.table };
        add(table, { kind: 'one', key: forwardKey(column.name), ...named, target, fk }, at);
        const referenced = tableOf(fk.target.service, fk.target.table);
        if (!referenced || fk.crossService) continue;
        const key = reverseKey(table.name, fk.target.table, column.name, ambiguous);
        add(referenced, { kind: 'many', key, ...named, target: { service: service.name, table: table.name }, fk }, at);
      }
    }
  }
  // After the relations of the keys themselves, so a join table never changes their names.
  for (const service of services) {
    for (const table of service.tables) {
      const keys = joinTableKeys(table, fks);
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

/** The two keys of a join table: a composite primary key of exactly two foreign keys, to two different tables. */
function joinTableKeys(table: TableDraft, fks: Map<ColumnDraft, ForeignKey>): [ForeignKey, ForeignKey] | undefined {
  const [a, b, ...more] = (table.primaryKey?.columns ?? []).map((name) => {
    const column = table.columns.find((c) => c.name === name);
    return column && fks.get(column);
  });
  if (!a || !b || more.length > 0) return undefined;
  return a.target.service === b.target.service && a.target.table === b.target.table ? undefined : [a, b];
}
