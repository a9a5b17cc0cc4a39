import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { cli } from './support/cli.js';

// The seed's migration 0003 re-added created_at to models that inherit it.
test('a table redeclaring an inherited base column is rejected with its line and column', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'schemagen-'));
  writeFileSync(
    join(dir, 'schema.yaml'),
    [
      'version: 1',
      'services:',
      '  user:',
      '    tables:',
      '      profiles:',
      '        columns:',
      '          created_at: { type: timestamptz }',
      '',
    ].join('\n'),
  );
  const result = await cli(['generate', '--manifest', 'schema.yaml', '--out', 'generated'], { cwd: dir });
  expect(result.code).toBe(1);
  expect(result.stderr).toContain(
    'schema.yaml:7:11: services.user.tables.profiles.columns.created_at: column "created_at" is inherited from base (the default base)',
  );
  expect(readdirSync(dir)).toEqual(['schema.yaml']);
});
