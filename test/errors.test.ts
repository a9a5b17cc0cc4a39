import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { cli } from './support/cli.js';
import { FIXTURES, UPDATING, fixtureCases, projectFor, readTree } from './support/fixtures.js';

// Each case is a manifest that must be rejected: exit 1, every problem as
// `schema.yaml:line:col: yaml.path: message`, exactly expected-error.txt, and nothing written.
describe.each(fixtureCases('expected-error.txt'))('rejects %s', (fixture) => {
  test('validate: exit 1 with the expected messages', async () => {
    const dir = projectFor(fixture);
    const result = await cli(['validate'], { cwd: dir });
    const expectedFile = join(FIXTURES, fixture, 'expected-error.txt');
    if (UPDATING) writeFileSync(expectedFile, result.stderr);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(readFileSync(expectedFile, 'utf8'));
    expect(result.stderr).not.toMatch(/\n\s+at |internal error/);
    const lines = result.stderr.trimEnd().split('\n');
    for (const line of lines.slice(0, -1)) expect(line).toMatch(/^schema\.yaml:\d+:\d+: .+: .+/);
    expect(lines.at(-1)).toMatch(/^\d+ error\(s\) in schema\.yaml; nothing was written$/);
  });

  test('generate and push: exit 1, nothing written', async () => {
    const dir = projectFor(fixture);
    for (const command of [['generate'], ['push', '--embedded']]) {
      const result = await cli(command, { cwd: dir });
      expect(result.code, command.join(' ')).toBe(1);
      expect([...readTree(dir).keys()]).toEqual(['schema.yaml']);
    }
  });
});
