// In the output folder without the generated header: linted because the folder is named.
import { pgSchema } from 'drizzle-orm/pg-core';

export const handmade = pgSchema('auth').table('handmade', {});
