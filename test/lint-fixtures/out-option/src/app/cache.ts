import { pgSchema, text } from 'drizzle-orm/pg-core';

export const cache = pgSchema('cache').table('entries', { value: text('value') });
