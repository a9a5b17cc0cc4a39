import { pgTable } from 'drizzle-orm/pg-core';

export const linted = pgTable('linted', {});
