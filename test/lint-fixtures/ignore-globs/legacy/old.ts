import { pgTable } from 'drizzle-orm/pg-core';
export const old = pgTable('old', {});
