import fc from 'fast-check';

/**
 * Random manifests that evolve: services with an enum, tables with the default base or a composite
 * primary key (`base: false`, `primaryKey: [ka, kb]`), in-service and cross-service foreign keys,
 * checks and indexes; one row per table that satisfies every foreign key; and one additive or
 * widening change (a column, an index, an enum value, integer → bigint, varchar(n) → longer or text).
 * Sibling of arbitrary-manifest.ts, which covers the column types and defaults more widely.
 */

/** A column type with a value to insert and a default to declare (YAML). */
interface TypeSpec {
  readonly type: string;
  readonly value: string;
  readonly yamlDefault: string;
  readonly btree: boolean;
}

const TYPES: readonly TypeSpec[] = [
  { type: 'integer', value: '7', yamlDefault: '0', btree: true },
  { type: 'smallint', value: '3', yamlDefault: '1', btree: true },
  { type: 'bigint', value: '9', yamlDefault: '0', btree: true },
  { type: 'varchar(20)', value: `'v'`, yamlDefault: 'abc', btree: true },
  { type: 'text', value: `'t'`, yamlDefault: '""', btree: true },
  { type: 'mood', value: `'sad'`, yamlDefault: 'happy', btree: true },
  { type: 'boolean', value: 'true', yamlDefault: 'false', btree: true },
  { type: 'numeric(10,2)', value: '1.5', yamlDefault: '0', btree: true },
  { type: 'timestamptz', value: 'now()', yamlDefault: '{ sql: now() }', btree: true },
  { type: 'jsonb', value: `'{"a": 1}'`, yamlDefault: '{ value: {} }', btree: false },
  { type: 'text[]', value: `'{a}'`, yamlDefault: '[]', btree: false },
];

/** What widens without loss, and the type it widens to (the variant picks among several). */
const WIDER: Record<string, readonly string[]> = {
  integer: ['bigint'],
  smallint: ['integer', 'bigint'],
  'varchar(20)': ['varchar(40)', 'text'],
};

interface ColumnSpec {
  readonly name: string;
  readonly type: string;
  readonly nullable: boolean;
  readonly default?: string;
  /** YAML of `references: {...}` */
  readonly references?: string;
  /** the SQL value inserted into the one row */
  readonly value: string;
}

interface TableSpec {
  readonly name: string;
  readonly composite: boolean;
  readonly columns: readonly ColumnSpec[];
  readonly indexes: readonly string[];
  readonly checks: readonly string[];
}

interface ServiceSpec {
  readonly name: string;
  readonly moods: readonly string[];
  readonly tables: readonly TableSpec[];
}

const rowId = (si: number, ti: number) => `00000000-0000-4000-8000-${String(si * 100 + ti).padStart(12, '0')}`;

const columnShape = fc.record({ type: fc.nat(TYPES.length - 1), nullable: fc.boolean(), withDefault: fc.boolean() });
const tableShape = fc.record({
  composite: fc.boolean(),
  keyReferences: fc.boolean(),
  columns: fc.array(columnShape, { minLength: 1, maxLength: 4 }),
  index: fc.option(fc.record({ column: fc.nat(), unique: fc.boolean() })),
  check: fc.boolean(),
  reference: fc.boolean(),
  crossReference: fc.option(fc.nat()),
});
const serviceShape = fc.array(tableShape, { minLength: 1, maxLength: 3 });
type TableShape = typeof tableShape extends fc.Arbitrary<infer T> ? T : never;

function buildTable(shape: TableShape, si: number, ti: number): TableSpec {
  // Table 0 of every service keeps the default base: it is what the foreign keys point to.
  const composite = shape.composite && ti > 0;
  const columns: ColumnSpec[] = [];
  if (composite) {
    columns.push(
      shape.keyReferences
        ? {
            name: 'ka',
            type: 'uuid',
            nullable: false,
            references: '{ table: t0, onDelete: cascade }',
            value: `'${rowId(si, 0)}'`,
          }
        : { name: 'ka', type: 'varchar(20)', nullable: false, value: `'k'` },
      { name: 'kb', type: 'integer', nullable: false, value: '1' },
    );
  }
  shape.columns.forEach((c, ci) => {
    const t = TYPES[c.type]!;
    columns.push({
      name: `c${ci}`,
      type: t.type,
      nullable: c.nullable,
      default: c.withDefault ? t.yamlDefault : undefined,
      value: t.value,
    });
  });
  if (shape.reference && ti > 0 && !composite) {
    columns.push({
      name: 'ref_id',
      type: 'uuid',
      nullable: true,
      references: '{ table: t0, onDelete: set null }',
      value: `'${rowId(si, 0)}'`,
    });
  }
  if (shape.crossReference !== null && si > 0) {
    const target = shape.crossReference % si;
    columns.push({
      name: 'other_id',
      type: 'uuid',
      nullable: false,
      references: `{ service: svc${target}, table: t0, onDelete: cascade }`,
      value: `'${rowId(target, 0)}'`,
    });
  }
  const indexes: string[] = [];
  const plain = columns.filter((c) => /^c\d+$/.test(c.name));
  if (shape.index) {
    const c = plain[shape.index.column % plain.length]!;
    if (TYPES.find((t) => t.type === c.type)!.btree)
      indexes.push(`{ columns: [${c.name}], unique: ${shape.index.unique} }`);
  }
  if (composite) indexes.push('{ columns: [kb] }');
  const numeric = plain.find((c) => ['integer', 'smallint', 'bigint', 'numeric(10,2)'].includes(c.type));
  // Non-negative bound: a negative literal is its own defect (test/db/check-spelling.test.ts).
  const checks = shape.check && numeric ? [`${numeric.name}_above: { sql: ${numeric.name} >= 0 }`] : [];
  return { name: `t${ti}`, composite, columns, indexes, checks };
}

function render(services: readonly ServiceSpec[]): string {
  const lines = ['version: 1', 'services:'];
  for (const s of services) {
    lines.push(`  ${s.name}:`, '    enums:', `      mood: [${s.moods.join(', ')}]`, '    tables:');
    for (const t of s.tables) {
      lines.push(`      ${t.name}:`);
      if (t.composite) lines.push('        base: false');
      lines.push('        columns:');
      for (const c of t.columns) {
        const parts = [`type: ${JSON.stringify(c.type)}`, `nullable: ${c.nullable}`];
        if (c.default !== undefined) parts.push(`default: ${c.default}`);
        if (c.references) parts.push(`references: ${c.references}`);
        lines.push(`          ${c.name}: { ${parts.join(', ')} }`);
      }
      if (t.composite) lines.push('        primaryKey: [ka, kb]');
      if (t.indexes.length > 0) lines.push('        indexes:', ...t.indexes.map((i) => `          - ${i}`));
      if (t.checks.length > 0) lines.push('        checks:', ...t.checks.map((c) => `          ${c}`));
    }
  }
  return `${lines.join('\n')}\n`;
}

/** One row per table, referenced tables first (services and tables only point to earlier ones). */
function rows(services: readonly ServiceSpec[]): string {
  return services
    .flatMap((s, si) =>
      s.tables.map((t, ti) => {
        const columns = [...(t.composite ? [] : [{ name: 'id', value: `'${rowId(si, ti)}'` }]), ...t.columns];
        return `insert into ${s.name}.${t.name} (${columns.map((c) => c.name).join(', ')}) values (${columns.map((c) => c.value).join(', ')});`;
      }),
    )
    .join('\n');
}

const CHANGES = ['nullable column', 'column with default', 'index', 'enum value', 'widening'] as const;
const changeShape = fc.record({
  kind: fc.constantFrom(...CHANGES),
  service: fc.nat(),
  table: fc.nat(),
  column: fc.nat(),
  type: fc.nat(),
  variant: fc.nat(),
});
type ChangeShape = typeof changeShape extends fc.Arbitrary<infer T> ? T : never;

/** The services after the change, and a one-line description of it for failure messages. */
function applyChange(
  services: readonly ServiceSpec[],
  change: ChangeShape,
): { services: ServiceSpec[]; description: string; statement: string } {
  const si = change.service % services.length;
  const service = services[si]!;
  const ti = change.table % service.tables.length;
  const table = service.tables[ti]!;
  const replaceTable = (next: TableSpec) =>
    services.map((s, i) => (i === si ? { ...s, tables: s.tables.map((t, j) => (j === ti ? next : t)) } : s));
  const type = TYPES[change.type % TYPES.length]!;
  const at = `${service.name}.${table.name}`;
  const withAdded = (added: ColumnSpec) => replaceTable({ ...table, columns: [...table.columns, added] });
  const addColumn = `ALTER TABLE "${service.name}"."${table.name}" ADD COLUMN "added"`;
  switch (change.kind) {
    case 'nullable column':
      return {
        services: withAdded({ name: 'added', type: type.type, nullable: true, value: 'null' }),
        description: `${at}.added ${type.type} null`,
        statement: addColumn,
      };
    case 'column with default':
      return {
        services: withAdded({
          name: 'added',
          type: type.type,
          nullable: false,
          default: type.yamlDefault,
          value: 'null',
        }),
        description: `${at}.added ${type.type} default ${type.yamlDefault}`,
        statement: addColumn,
      };
    case 'index': {
      const candidates = table.columns.filter((c) => c.type === 'uuid' || TYPES.find((t) => t.type === c.type)?.btree);
      // Only jsonb and array columns: nothing to index with btree, so the change adds a column instead.
      if (candidates.length === 0) return applyChange(services, { ...change, kind: 'nullable column' });
      const c = candidates[change.column % candidates.length]!;
      const index = `{ columns: [${c.name}], name: ${table.name}_evolved_idx }`;
      return {
        services: replaceTable({ ...table, indexes: [...table.indexes, index] }),
        description: `index on ${at}.${c.name}`,
        statement: `CREATE INDEX "${table.name}_evolved_idx" ON "${service.name}"."${table.name}"`,
      };
    }
    case 'enum value': {
      // Before the first value, at the end, or in between: drizzle-kit plans BEFORE/AFTER for each.
      const position = change.variant % (service.moods.length + 1);
      const moods = [...service.moods.slice(0, position), 'content', ...service.moods.slice(position)];
      return {
        services: services.map((s, i) => (i === si ? { ...s, moods } : s)),
        description: `${service.name}.mood value content at ${position}`,
        statement: `ALTER TYPE "${service.name}"."mood" ADD VALUE 'content'`,
      };
    }
    case 'widening': {
      const widenable = services.flatMap((s, i) =>
        s.tables.flatMap((t, j) => t.columns.filter((c) => WIDER[c.type]).map((c) => [i, j, c] as const)),
      );
      if (widenable.length === 0) return applyChange(services, { ...change, kind: 'nullable column' });
      const [wi, wj, c] = widenable[change.column % widenable.length]!;
      const wider = WIDER[c.type]![change.variant % WIDER[c.type]!.length]!;
      const widen = (t: TableSpec): TableSpec => ({
        ...t,
        columns: t.columns.map((x) => (x === c ? { ...x, type: wider } : x)),
      });
      const next = services.map((s, i) =>
        i !== wi ? s : { ...s, tables: s.tables.map((t, j) => (j !== wj ? t : widen(t))) },
      );
      const where = `"${services[wi]!.name}"."${services[wi]!.tables[wj]!.name}"`;
      return {
        services: next,
        description: `${where}.${c.name} ${c.type} → ${wider}`,
        statement: `ALTER TABLE ${where} ALTER COLUMN "${c.name}" SET DATA TYPE ${wider.replace(/^varchar/, 'character varying')}`, // as the planner spells it
      };
    }
  }
}

export interface Evolution {
  readonly manifest: string;
  /** one insert per table, in foreign-key order */
  readonly rows: string;
  readonly change: string;
  /** how the one statement the change needs begins */
  readonly statement: string;
  readonly evolved: string;
  readonly services: readonly string[];
  /** `schema.table` of every table, to count the rows after the change */
  readonly tables: readonly string[];
}

export const arbitraryEvolution: fc.Arbitrary<Evolution> = fc
  .tuple(fc.array(serviceShape, { minLength: 1, maxLength: 3 }), changeShape)
  .map(([shapes, change]) => {
    const services: ServiceSpec[] = shapes.map((tables, si) => ({
      name: `svc${si}`,
      moods: ['happy', 'sad'],
      tables: tables.map((t, ti) => buildTable(t, si, ti)),
    }));
    const changed = applyChange(services, change);
    return {
      manifest: render(services),
      rows: rows(services),
      change: changed.description,
      statement: changed.statement,
      evolved: render(changed.services),
      services: services.map((s) => s.name),
      tables: services.flatMap((s) => s.tables.map((t) => `${s.name}.${t.name}`)),
    };
  });
