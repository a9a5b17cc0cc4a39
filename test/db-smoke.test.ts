import { expect, test } from 'vitest';
import { freshDatabase, withSql } from './support/databases.js';

test('the suite starts a real PostgreSQL server', async () => {
  const url = await freshDatabase();
  const version = await withSql(
    url,
    async (sql) => (await sql`show server_version_num`)[0]!.server_version_num as string,
  );
  expect(Number(version)).toBeGreaterThanOrEqual(130000);
});
