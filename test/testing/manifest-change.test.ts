import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from 'drizzle-schemagen/testing';
import { describe, expect, inject, test } from 'vitest';
import { ORDERS_MANIFEST as ORDERS } from '../support/project.js';
import { KINDS, SLOW } from './kinds.js';

const WITH_NOTE = ORDERS.replace(
  'total: { type: integer }',
  'total: { type: integer }\n          note: { type: text }',
);

const columns = "select column_name from information_schema.columns where table_schema = 'shop' order by 1";

describe.each(KINDS)('on %s', (kind) => {
  const url = kind === 'postgres' ? inject('postgresUrl') : undefined;

  test(
    'a call after the manifest changed sees the new schema',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'schemagen-testing-'));
      const manifest = join(dir, 'schema.yaml');
      writeFileSync(manifest, ORDERS);
      const before = await createTestDatabase({ manifest, url });
      expect((await before.query<{ column_name: string }>(columns)).map((c) => c.column_name)).not.toContain('note');
      await before.close();
      writeFileSync(manifest, WITH_NOTE);
      await using after = await createTestDatabase({ manifest, url });
      expect((await after.query<{ column_name: string }>(columns)).map((c) => c.column_name)).toContain('note');
      await after.query("insert into shop.orders (total, note) values (1, 'first')");
      // The dump kept for later test files is the new manifest's, alone.
      if (kind === 'pglite') expect(readdirSync(join(dir, '.schemagen', 'testing'))).toHaveLength(1);
    },
    SLOW,
  );
});

describe('mistakes', () => {
  test('a missing manifest names the file and the option', async () => {
    await expect(createTestDatabase({ manifest: 'no-such-schema.yaml' })).rejects.toThrow(
      /no-such-schema.yaml not found .*createTestDatabase\(\{ manifest \}\)/,
    );
  });

  test('schemas for a service the manifest lacks is refused before anything starts', async () => {
    const schemas = { billing: { schema: {} } };
    await expect(createTestDatabase({ schemas, services: ['auth'] })).rejects.toThrow(
      'schemas.billing: no service "billing" in the manifest',
    );
    await expect(createTestDatabase({ schemas: { billing: { schema: {} } } })).rejects.toThrow(
      'unknown service "billing"; expected one of: auth',
    );
  });
});
