import { pgTable } from 'drizzle-orm/pg-core';
export const kept = pgTable('kept', {});
