import type { CatalogStatement } from './query.js';

/**
 * The extensions created in the database, by name (they are the database's, not a schema's). plpgsql
 * is left out: every database has it, and no manifest needs to ask for it.
 */
export const EXTENSIONS: CatalogStatement = {
  text: `select extname as "name" from pg_extension where extname <> 'plpgsql' order by extname`,
  params: () => [],
  keys: ['name'],
};
