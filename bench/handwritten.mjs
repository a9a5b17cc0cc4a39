// The tables of synthetic.mjs written by hand the way Drizzle's docs show: one module per service,
// pgSchema + enums + tables, inline `.references(() => x.id)`, indexes in the extra-config callback.
export function handwrittenSchema({ tables, services, crossService = true }) {
  const perService = Math.ceil(tables / services);
  const files = new Map();
  let made = 0;
  for (let s = 0; s < services && made < tables; s++) {
    const out = [
      "import { sql } from 'drizzle-orm';",
      "import { boolean, index, integer, jsonb, numeric, pgSchema, text, timestamp, uniqueIndex, uuid, varchar, type AnyPgColumn } from 'drizzle-orm/pg-core';",
      crossService && s > 0 ? `import * as prev from './svc${s - 1}.js';` : '',
      `export const svc${s} = pgSchema('svc${s}');`,
      `export const state = svc${s}.enum('state', ['draft', 'active', 'archived']);`,
      `export const priority = svc${s}.enum('priority', ['low', 'normal', 'high']);`,
    ];
    for (let t = 0; t < perService && made < tables; t++, made++) {
      const parent =
        t > 0
          ? `\n  parentId: uuid('parent_id').references((): AnyPgColumn => t${t - 1}.id, { onDelete: 'set null' }),`
          : '';
      const owner =
        crossService && s > 0 && t % 4 === 0
          ? `\n  ownerId: uuid('owner_id').notNull().references(() => prev.t0.id),`
          : '';
      out.push(`export const t${t} = svc${s}.table('t${t}', {
  id: uuid('id').primaryKey().defaultRandom(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow().$onUpdate(() => sql\`now()\`),
  isDeleted: boolean('is_deleted').notNull().default(false),
  deletedAt: timestamp('deleted_at', { withTimezone: true }),
  name: varchar('name', { length: 200 }).notNull(),
  code: varchar('code', { length: 32 }),
  description: text('description'),
  externalId: uuid('external_id'),
  quantity: integer('quantity').notNull().default(0),
  price: numeric('price', { precision: 12, scale: 2 }),
  state: state('state').notNull().default('draft'),
  priority: priority('priority'),
  settings: jsonb('settings').notNull().default({}),
  active: boolean('active').notNull().default(true),
  publishedAt: timestamp('published_at', { withTimezone: true }),
  checkedAt: timestamp('checked_at', { withTimezone: true }).notNull().defaultNow(),${parent}${owner}
}, (t) => [
  index('t${t}_state_published_at_idx').on(t.state, t.publishedAt),
  uniqueIndex('s${s}_t${t}_name_live_key').on(t.name).where(sql\`deleted_at IS NULL\`),
]);`);
    }
    files.set(`svc${s}.ts`, `${out.filter(Boolean).join('\n\n')}\n`);
  }
  return files;
}
