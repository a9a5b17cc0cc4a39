import { pgTable, text } from 'drizzle-orm/pg-core';
import { baseModel as common } from './base-model.js';

const table = pgTable;

export const orders = table('orders', { ...common, sku: text('sku') });
