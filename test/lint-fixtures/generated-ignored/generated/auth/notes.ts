// Without the generated header, but inside the output folder: lint leaves the whole folder to generate and check.
import { pgTable, text } from 'drizzle-orm/pg-core';

export const notes = pgTable('notes', { body: text('body') });
