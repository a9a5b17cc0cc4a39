import type { Column, ColumnType, ForeignKey, Model, Service, Table } from '../model/types.js';
import { GENERATED_MARKDOWN_HEADER } from './header.js';

/**
 * Mermaid `erDiagram` text from the model: one diagram per service (every column, the service's own
 * foreign keys) and one across services (key columns only, every foreign key, cross-service ones
 * included). Pure and deterministic: tables and columns keep manifest order, services sort by name.
 */

/** An entity in one diagram: which table, and the name Mermaid knows it by. */
interface Entity {
  readonly service: Service;
  readonly table: Table;
  readonly name: string;
}

/**
 * Attribute words Mermaid reads as key markers (case-insensitively) whatever their position; a column or
 * type spelled like one gets a trailing `_`, the one change to a manifest name in the diagram.
 * Entity names are always quoted instead, which keeps them apart from keywords such as `style` or `end`.
 */
export const attributeWord = (name: string) => (/^(pk|fk|uk)$/i.test(name) ? `${name}_` : name);

/**
 * Mermaid attribute types are one word: the Postgres type with its modifiers joined by `_`
 * (`varchar(320)` → `varchar_320`, `numeric(10,2)` → `numeric_10_2`), enums by their name, and one
 * `[]` per array dimension.
 */
export function attributeType(type: ColumnType): string {
  const base =
    type.kind === 'enum'
      ? attributeWord(type.enumName!)
      : (type.domainName ?? type.compositeName) !== undefined
        ? attributeWord((type.domainName ?? type.compositeName)!)
        : type.kind;
  const modifiers = [type.length, type.precision, type.scale].filter((n) => n !== undefined);
  return [base, ...modifiers].join('_') + '[]'.repeat(type.dims);
}

/** PK, FK and UK markers of a column, comma-separated as Mermaid expects; empty for plain columns. */
function keyMarkers(table: Table, column: Column): string {
  const markers = [];
  if (inPrimaryKey(table, column)) markers.push('PK');
  if (table.foreignKeys.some((fk) => fk.columns.includes(column.name))) markers.push('FK');
  if (isUniqueKey(table, column)) markers.push('UK');
  return markers.join(', ');
}

/** `primaryKey` marks a single-column key; a composite one is on the table. */
const inPrimaryKey = (table: Table, column: Column) =>
  column.primaryKey || table.primaryKey?.columns.includes(column.name) === true;

/** Whether a unique constraint or a full unique index covers exactly this column (the UK marker). */
const isUniqueKey = (table: Table, column: Column): boolean =>
  column.unique !== undefined || isUnique(table, [column.name]);

/** Whether a unique constraint or a full unique index covers exactly these columns. */
function isUnique(table: Table, columns: readonly string[]): boolean {
  const exactly = (key: readonly string[]) => key.length === columns.length && key.every((k) => columns.includes(k));
  if (table.uniques.some((u) => exactly(u.columns))) return true;
  return table.indexes.some((i) => i.unique && i.where === undefined && exactly(i.columns));
}

/** The primary key's columns, on the table or on its one key column. */
const primaryKeyOf = (table: Table) =>
  table.primaryKey?.columns ?? table.columns.filter((c) => c.primaryKey).map((c) => c.name);

/**
 * One relationship line, parent first: `||` when every child row needs a parent (NOT NULL), `|o` when
 * a key column is nullable; `o|` when the key's columns are unique (one child at most), `o{` otherwise.
 * The line is solid (identifying) when the key's columns are part of the child's primary key, dotted
 * otherwise; it is labelled with the key's columns.
 */
function relationshipLine(parent: string, child: string, table: Table, fk: ForeignKey): string {
  const columns = fk.columns.map((name) => table.columns.find((c) => c.name === name)!);
  const parentSide = columns.some((c) => c.nullable) ? '|o' : '||';
  // A whole primary key is unique too; a key within a composite one is not.
  const primaryKey = primaryKeyOf(table);
  const whole = primaryKey.length === fk.columns.length && primaryKey.every((c) => fk.columns.includes(c));
  const unique = whole || isUnique(table, fk.columns) || (columns.length === 1 && columns[0]!.unique !== undefined);
  const childSide = unique ? 'o|' : 'o{';
  const line = columns.every((c) => inPrimaryKey(table, c)) ? '--' : '..';
  return `  ${parent} ${parentSide}${line}${childSide} ${child} : "${fk.columns.join(', ')}"`;
}

function entityBlock(entity: Entity, columns: readonly Column[]): string[] {
  if (columns.length === 0) return [`  ${entity.name}`];
  const row = (c: Column) =>
    [attributeType(c.type), attributeWord(c.name), keyMarkers(entity.table, c)].filter(Boolean).join(' ');
  const rows = columns.map((c) => `    ${row(c)}`);
  return [`  ${entity.name} {`, ...rows, '  }'];
}

/** The diagram text of `entities`, with the foreign keys whose both ends are among them. */
function erDiagram(entities: readonly Entity[], keyColumnsOnly: boolean): string {
  const byTarget = new Map<string, string>(entities.map((e) => [`${e.service.name}.${e.table.name}`, e.name] as const));
  const lines = ['erDiagram'];
  const relationships: string[] = [];
  for (const entity of entities) {
    const columns = entity.table.columns.filter((c) => !keyColumnsOnly || keyMarkers(entity.table, c) !== '');
    lines.push(...entityBlock(entity, columns));
    for (const fk of entity.table.foreignKeys) {
      const parent = byTarget.get(targetKey(fk));
      if (parent) relationships.push(relationshipLine(parent, entity.name, entity.table, fk));
    }
  }
  return [...lines, ...relationships].join('\n');
}

const targetKey = (fk: ForeignKey) => `${fk.target.service}.${fk.target.table}`;

/** One service's tables under their own (quoted) names; foreign keys into other services show only as FK columns. */
export function serviceDiagram(service: Service): string {
  return erDiagram(
    service.tables.map((table) => ({ service, table, name: `"${table.name}"` })),
    false,
  );
}

/**
 * Every service's tables, named `"service.table"` (quoted: the dot cannot occur in a manifest name,
 * so two services never collide), with key columns only and every foreign key.
 */
export function platformDiagram(model: Model): string {
  const entities = sortedServices(model).flatMap((service) =>
    service.tables.map((table) => ({ service, table, name: `"${service.name}.${table.name}"` })),
  );
  return erDiagram(entities, true);
}

export const sortedServices = (model: Model) => [...model.services].sort((a, b) => a.name.localeCompare(b.name));

/** The generated ERD.md: header, a title line and the diagram in a mermaid fence. */
export function erdMarkdown(title: string, diagram: string): string {
  return `${GENERATED_MARKDOWN_HEADER}\n\n# ${title}\n\n\`\`\`mermaid\n${diagram}\n\`\`\`\n`;
}

/** ERD.md paths (relative to the output folder) → contents: one per service and the platform's. */
export function diagramFiles(model: Model): Map<string, string> {
  const files = new Map([['ERD.md', erdMarkdown('Entity relationships across services', platformDiagram(model))]]);
  for (const service of sortedServices(model)) {
    const title = `Entity relationships of the ${service.name} service`;
    files.set(`${service.name}/ERD.md`, erdMarkdown(title, serviceDiagram(service)));
  }
  return files;
}
