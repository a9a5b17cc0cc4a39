// Uses the generated tables; builds no table of its own.
import { eq } from 'drizzle-orm';
import { text } from 'drizzle-orm/pg-core';
import { accounts } from '../generated/auth/schema.js';

// A column builder outside a table is not a table; `table` as a plain method name is not Drizzle's.
export const emailColumn = text('email');
export const report = { table: (name: string) => name };
export const byEmail = (email: string) => eq(accounts.email, email);
report.table('created_at');
