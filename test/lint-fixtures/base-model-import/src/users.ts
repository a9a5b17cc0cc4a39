import { pgSchema, text } from 'drizzle-orm/pg-core';
import { baseModel } from './base-model.js';

export const users = pgSchema('users').table('users', { ...baseModel, email: text('email') });
