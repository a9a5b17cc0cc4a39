// The seed's hand-written BaseModel, shared by import: each column is reported once, here.
import { boolean, timestamp, uuid } from 'drizzle-orm/pg-core';

const updatedAt = timestamp('updated_at').defaultNow();

export const baseModel = {
  id: uuid('id').primaryKey().defaultRandom(),
  createdAt: timestamp('created_at').defaultNow(),
  updatedAt,
  isDeleted: boolean().default(false),
};
