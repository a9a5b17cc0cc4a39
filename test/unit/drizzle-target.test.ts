import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { installedDrizzleOrm } from '../../src/app/installed-drizzle.js';
import { UserError } from '../../src/shared/errors.js';
import { drizzleTarget } from '../../src/model/drizzle-target.js';

test("the manifest's drizzle: decides; else the installed major; else 0.x", () => {
  expect(drizzleTarget(1, '0.45.4', 'schema.yaml')).toEqual({ major: 1, reason: 'drizzle: 1 in schema.yaml' });
  expect(drizzleTarget(0, '1.0.0-rc.5', 'app.yaml')).toEqual({ major: 0, reason: 'drizzle: 0 in app.yaml' });
  expect(drizzleTarget(undefined, '1.0.0-rc.5-ab785fc', 'schema.yaml')).toEqual({
    major: 1,
    reason: 'drizzle-orm 1.0.0-rc.5-ab785fc installed',
  });
  expect(drizzleTarget(undefined, '0.45.4', 'schema.yaml')).toEqual({
    major: 0,
    reason: 'drizzle-orm 0.45.4 installed',
  });
  expect(drizzleTarget(undefined, undefined, 'schema.yaml')).toEqual({ major: 0, reason: 'no drizzle-orm installed' });
});

test('another installed major is a user error that says how to choose', () => {
  for (const version of ['2.0.0', '10.1.0', 'beta'])
    expect(() => drizzleTarget(undefined, version, 'schema.yaml')).toThrow(UserError);
  expect(() => drizzleTarget(undefined, '2.0.0', 'schema.yaml')).toThrow(
    'drizzle-orm 2.0.0 is installed; the generated code is written for drizzle-orm 0.x or 1.x: ' +
      'install one of them, or set drizzle: 0 or drizzle: 1 in schema.yaml',
  );
  expect(drizzleTarget(1, '2.0.0', 'schema.yaml').major).toBe(1);
});

test('the installed drizzle-orm is the first node_modules/drizzle-orm up from the folder, as Node finds it', () => {
  const root = mkdtempSync(join(tmpdir(), 'schemagen-installed-'));
  const install = (dir: string, version: string) => {
    mkdirSync(join(dir, 'node_modules', 'drizzle-orm'), { recursive: true });
    writeFileSync(join(dir, 'node_modules', 'drizzle-orm', 'package.json'), JSON.stringify({ version }));
  };
  const app = join(root, 'apps', 'api');
  mkdirSync(join(app, 'generated'), { recursive: true });
  expect(installedDrizzleOrm(join(app, 'generated'))).toBeUndefined();
  install(root, '0.45.4');
  expect(installedDrizzleOrm(join(app, 'generated'))).toBe('0.45.4');
  install(app, '1.0.0-rc.5');
  expect(installedDrizzleOrm(join(app, 'generated'))).toBe('1.0.0-rc.5');
  expect(installedDrizzleOrm(join(app, 'generated', 'not-yet-written'))).toBe('1.0.0-rc.5');
  expect(installedDrizzleOrm(root)).toBe('0.45.4');
});
