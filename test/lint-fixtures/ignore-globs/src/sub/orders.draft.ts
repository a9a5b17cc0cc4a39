import { pgTable } from 'drizzle-orm/pg-core';
export const subOrders = pgTable('sub_orders', {});
