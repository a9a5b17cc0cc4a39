// Linted, unlike generated/ and src/db/auth/schema.ts (generated: it starts with the header); a generated schema is followed.
import { pgTable, text } from 'drizzle-orm/pg-core';
import { authSchema } from '../generated/auth/schema.js';

export const extra = pgTable('extra', { value: text('value') });

export const audit = authSchema.table('audit', { entry: text('entry') });
