// `--out src/db/schema` names the generated folder: nothing in it is linted.
import { pgSchema, text } from 'drizzle-orm/pg-core';

export const authSchema = pgSchema('auth');

export const accounts = authSchema.table('accounts', { email: text('email') });
