// Synthetic manifests for the benchmark: realistic columns (uuid, text, varchar, integer, numeric,
// timestamptz, jsonb, enums, booleans; nullable and NOT NULL; literal and SQL defaults) on top of the
// default base columns (id, created_at, updated_at, is_deleted, deleted_at), multi-column and
// partial unique indexes, foreign keys inside a service and across services. Cross-service keys only
// point "down" (service s → service s-1), so services stay acyclic. `handwritten.mjs` mirrors this.
// `tenants`: the tenants query of service svc0, which is then per tenant (schema tenant_{tenant});
// `added`: that many more nullable columns on every t0, each with an index (a change to push).
export function syntheticManifest({ tables, services, crossService = true, tenants, added = 0 }) {
  const perService = Math.ceil(tables / services);
  const lines = ['version: 1', 'services:'];
  let made = 0;
  for (let s = 0; s < services && made < tables; s++) {
    lines.push(`  svc${s}:`);
    if (tenants && s === 0)
      lines.push('    tenants:', '      schema: tenant_{tenant}', `      from: { query: ${JSON.stringify(tenants)} }`);
    lines.push(
      '    enums:',
      '      state: [draft, active, archived]',
      '      priority: [low, normal, high]',
      '    tables:',
    );
    for (let t = 0; t < perService && made < tables; t++, made++) {
      lines.push(
        `      t${t}:`,
        '        columns:',
        '          name: { type: varchar(200) }',
        '          code: { type: varchar(32), nullable: true }',
        '          description: { type: text, nullable: true }',
        '          external_id: { type: uuid, nullable: true }',
        '          quantity: { type: integer, default: 0 }',
        '          price: { type: "numeric(12,2)", nullable: true }',
        '          state: { type: state, default: draft }',
        '          priority: { type: priority, nullable: true }',
        '          settings: { type: jsonb, default: { value: {} } }',
        '          active: { type: boolean, default: true }',
        '          published_at: { type: timestamptz, nullable: true }',
        '          checked_at: { type: timestamptz, default: { sql: now() } }',
      );
      if (t > 0)
        lines.push(
          `          parent_id: { type: uuid, nullable: true, references: { table: t${t - 1}, onDelete: set null } }`,
        );
      if (crossService && s > 0 && t % 4 === 0)
        lines.push(`          owner_id: { type: uuid, references: { service: svc${s - 1}, table: t0 } }`);
      const extra = t === 0 ? Array.from({ length: added }, (_, i) => `added_${i + 1}`) : [];
      lines.push(
        ...extra.map((column) => `          ${column}: { type: text, nullable: true }`),
        '        indexes:',
        '          - { columns: [state, published_at] }',
        `          - { columns: [name], unique: true, where: { sql: deleted_at IS NULL }, name: s${s}_t${t}_name_live_key }`,
        ...extra.map((column) => `          - { columns: [${column}] }`),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
