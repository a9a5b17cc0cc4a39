import { pgTable, text } from 'drizzle-orm/pg-core';

// schemagen-lint-ignore hand-written-table, public-table, base-column: the users table of the old admin
export const users = pgTable('users', { email: text('email') });
// schemagen-lint-ignore pgtable: not a rule
export const sessions = pgTable('sessions', {});
