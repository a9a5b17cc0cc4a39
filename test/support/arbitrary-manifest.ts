import fc from 'fast-check';

/**
 * Random valid manifests: services with tables, columns of every type family with fitting
 * defaults, nullability, indexes, in-service and cross-service foreign keys (acyclic between
 * services). Returns the YAML text; names are drawn so they never collide.
 */
const TYPES: readonly [string, fc.Arbitrary<string>][] = [
  ['text', fc.constantFrom('"plain"', '"it\'s"', '""', '"x y"')],
  ['varchar(20)', fc.constantFrom('"abc"', '"z"')],
  ['char(2)', fc.constantFrom('"US"', '"DE"')],
  ['integer', fc.integer({ min: -1000, max: 1000 }).map(String)],
  ['smallint', fc.integer({ min: -300, max: 300 }).map(String)],
  ['bigint', fc.constantFrom('0', '9007199254740993', '-42')],
  ['boolean', fc.constantFrom('true', 'false')],
  ['numeric(10,2)', fc.constantFrom('0', '12.5', '"99.99"')],
  ['real', fc.constantFrom('1.5', '0', '-2.25')],
  ['double precision', fc.constantFrom('3.25', '-1')],
  ['date', fc.constantFrom('"2024-02-29"', '"1999-12-31"')],
  ['time', fc.constantFrom('"08:30"', '"23:59:59"')],
  ['timestamptz', fc.constantFrom('{ sql: now() }', '"2024-01-31 12:00:00+00"')],
  ['timestamp', fc.constantFrom('"2024-01-31 12:00:00"')],
  ['interval', fc.constantFrom('"1 day"', '"2 hours"')],
  ['uuid', fc.constantFrom('{ sql: gen_random_uuid() }', '"7f1c3a8e-2b4d-4e6f-8a9b-0c1d2e3f4a5b"')],
  ['jsonb', fc.constantFrom('{ value: {} }', '{ value: { a: [1, 2] } }', '[1, "x"]')],
  ['json', fc.constantFrom('{ value: { b: true } }')],
  ['inet', fc.constantFrom('"10.0.0.1"', '"::1"')],
  ['text[]', fc.constantFrom('[]', '[a, "b c"]')],
  ['integer[]', fc.constantFrom('[]', '[1, 2]')],
  ['bytea', fc.constant('')],
  ['mood', fc.constantFrom('happy', 'sad')],
];

const column = fc.record({
  type: fc.integer({ min: 0, max: TYPES.length - 1 }),
  nullable: fc.boolean(),
  withDefault: fc.boolean(),
  defaultPick: fc.nat(),
});

const table = fc.record({
  columns: fc.array(column, { minLength: 1, maxLength: 5 }),
  index: fc.option(
    fc.record({ unique: fc.boolean(), partial: fc.boolean(), method: fc.constantFrom('btree', 'hash') }),
  ),
  reference: fc.option(fc.nat()),
  crossReference: fc.option(fc.nat()),
  noBase: fc.boolean(),
});

const service = fc.array(table, { minLength: 1, maxLength: 4 });

export const arbitraryManifest: fc.Arbitrary<string> = fc
  .array(service, { minLength: 1, maxLength: 3 })
  .chain((services) =>
    fc
      .tuple(...services.flatMap((s) => s.flatMap((t) => t.columns.map((c) => TYPES[c.type]![1]))))
      .map((defaults) => render(services, defaults)),
  );

type TableSample = typeof table extends fc.Arbitrary<infer T> ? T : never;
type Services = TableSample[][];

function render(services: Services, defaults: string[]): string {
  let d = 0;
  const lines = ['version: 1', 'services:'];
  services.forEach((tables, si) => {
    lines.push(`  svc${si}:`, '    enums:', '      mood: [happy, sad]', '    tables:');
    tables.forEach((t, ti) => {
      lines.push(`      t${ti}:`);
      if (t.noBase) lines.push('        base: false');
      lines.push('        columns:');
      if (t.noBase) lines.push('          id: { type: uuid, primaryKey: true }');
      t.columns.forEach((c, ci) => {
        const [type] = TYPES[c.type]!;
        const value = defaults[d++]!;
        const parts = [`type: ${JSON.stringify(type)}`, `nullable: ${c.nullable}`];
        if (c.withDefault && value !== '') parts.push(`default: ${value}`);
        lines.push(`          c${ci}: { ${parts.join(', ')} }`);
      });
      if (t.reference !== null && ti > 0)
        lines.push(
          `          ref_id: { type: uuid, nullable: true, references: { table: t${t.reference % ti}, onDelete: set null } }`,
        );
      if (t.crossReference !== null && si > 0) {
        const target = t.crossReference % si;
        lines.push(
          `          other_id: { type: uuid, references: { service: svc${target}, table: t0, onDelete: cascade } }`,
        );
      }
      // Index only column types every method handles (json has no index at all).
      if (
        t.index &&
        !['json', 'bytea', 'boolean', 'mood', 'jsonb'].includes(TYPES[t.columns[0]!.type]![0]) &&
        !TYPES[t.columns[0]!.type]![0].endsWith('[]')
      ) {
        const where = t.index.partial && !t.noBase ? ', where: { sql: deleted_at IS NULL }' : '';
        const method = t.index.unique ? 'btree' : t.index.method;
        lines.push(
          '        indexes:',
          `          - { columns: [c0], unique: ${t.index.unique}, method: ${method}${where} }`,
        );
      }
    });
  });
  return `${lines.join('\n')}\n`;
}
