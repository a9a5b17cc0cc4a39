// Code next to the generated folder is still linted, also when it borrows a generated schema.
import { pgTable, text } from 'drizzle-orm/pg-core';
import { authSchema } from '../generated/auth/schema.js';

export const extra = pgTable('extra', { value: text('value') });

export const audit = authSchema.table('audit', { entry: text('entry') });
