import { pgSchema, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const shop = pgSchema('shop');

// The hand-written BaseModel: reported once where it is written, not for each table spreading it.
const baseModel = {
  id: uuid('id').primaryKey(),
  tenantId: uuid('tenant_id').notNull(),
};

const createdAt = timestamp('created_at').defaultNow();

export const carts = shop.table('carts', {
  ...baseModel,
  createdAt,
  note: text('created_at_note'),
});

export const visits = shop.table('visits', (t) => {
  return {
    ...baseModel,
    occurredAt: t.timestamp({ withTimezone: true }),
    'created_at': t.timestamp(),
  };
});
