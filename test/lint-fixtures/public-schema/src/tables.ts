import { pgSchema, text } from 'drizzle-orm/pg-core';

const publicSchema = pgSchema('public');

export const settings = publicSchema.table('settings', { key: text('key') });

export const flags = pgSchema('public').table('flags', { name: text('name') });
