import { pgSchema, text } from 'drizzle-orm/pg-core';
import { billingSchema as billing } from './schemas.js';

const auth = pgSchema('auth');

export const sessions = auth.table('sessions', (c) => ({ token: c.text('token').notNull() }));

export const audit = pgSchema('audit').table('events', { kind: text() });

export const invoices = billing.table('invoices', { number: text('number') });
