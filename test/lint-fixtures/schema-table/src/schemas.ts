import { pgSchema } from 'drizzle-orm/pg-core';

export const billingSchema = pgSchema('billing');
