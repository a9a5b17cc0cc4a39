import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { cli } from './support/cli.js';
import { projectFor, readTree } from './support/fixtures.js';

/** Puts a drizzle-orm of `version` into the project's node_modules, as an install would. */
function install(dir: string, version: string) {
  mkdirSync(join(dir, 'node_modules', 'drizzle-orm'), { recursive: true });
  writeFileSync(join(dir, 'node_modules', 'drizzle-orm', 'package.json'), JSON.stringify({ version }));
}

const relationsOf = (dir: string) => readFileSync(join(dir, 'generated', 'projects', 'relations.ts'), 'utf8');

test('generate writes for the installed drizzle-orm and says so; another major installed makes the files stale', async () => {
  const dir = projectFor('foreign-keys');
  install(dir, '0.45.4');
  const first = await cli(['generate'], { cwd: dir });
  expect(first.stdout).toBe(
    'generated: wrote 17 files, removed 0 (17 generated files) for drizzle-orm 0.x (drizzle-orm 0.45.4 installed)\n',
  );
  expect(relationsOf(dir)).toContain("import { relations } from 'drizzle-orm';");

  install(dir, '1.0.0-rc.5');
  // push trusts a record of what generate wrote: it is kept per drizzle-orm major, so push sees the change too.
  const push = await cli(['push', '--embedded', '--dry-run'], { cwd: dir });
  // relations.ts, index.ts, db.ts and soft-delete.ts of both services differ between the majors
  expect(push.stderr).toMatch(/^error: 8 generated files out of date \(.*\); run: npx schemagen generate\n$/);
  expect(push.code).toBe(1);
  const check = await cli(['check'], { cwd: dir });
  expect(check.code).toBe(1);
  expect(check.stderr).toContain('generated/projects/relations.ts: differs from what generate writes');

  const second = await cli(['generate'], { cwd: dir });
  expect(second.stdout).toMatch(/ for drizzle-orm 1\.x \(drizzle-orm 1\.0\.0-rc\.5 installed\)\n$/);
  expect(relationsOf(dir)).toContain("import { defineRelations } from 'drizzle-orm';");
  expect((await cli(['check'], { cwd: dir })).code).toBe(0);
}, 120_000);

test("the manifest's drizzle: overrides the installed drizzle-orm; without it, an unknown major is refused", async () => {
  const dir = projectFor('foreign-keys');
  const manifest = readFileSync(join(dir, 'schema.yaml'), 'utf8');
  install(dir, '1.0.0-rc.5');
  writeFileSync(join(dir, 'schema.yaml'), manifest.replace('version: 1\n', 'version: 1\ndrizzle: 0\n'));
  const pinned = await cli(['generate'], { cwd: dir });
  expect(pinned.stdout).toMatch(/ for drizzle-orm 0\.x \(drizzle: 0 in schema\.yaml\)\n$/);
  expect(relationsOf(dir)).toContain("import { relations } from 'drizzle-orm';");

  install(dir, '2.0.0');
  expect((await cli(['generate'], { cwd: dir })).code).toBe(0);
  writeFileSync(join(dir, 'schema.yaml'), manifest);
  const before = readTree(join(dir, 'generated'));
  const refused = await cli(['generate'], { cwd: dir });
  expect(refused.stderr).toBe(
    'error: drizzle-orm 2.0.0 is installed; the generated code is written for drizzle-orm 0.x or 1.x: ' +
      'install one of them, or set drizzle: 0 or drizzle: 1 in schema.yaml\n',
  );
  expect(refused.code).toBe(1);
  expect(readTree(join(dir, 'generated'))).toEqual(before);
});
