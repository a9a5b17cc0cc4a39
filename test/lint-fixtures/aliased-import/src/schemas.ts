import { pgSchema as dbSchema } from 'drizzle-orm/pg-core';

const crm = dbSchema('crm');

export const leads = crm.table('leads', {});
