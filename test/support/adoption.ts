import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { catalogText, project, type Project, type TargetKind } from './project.js';
import { expectSettled } from './settled.js';

/**
 * Adoption of a hand-built `schema` (its service named alike) and its round trip: import --strict writes
 * every object, push right after plans nothing, verify passes listing no `unmanaged` object of the
 * kind named, `rows` reads the same; the manifest pushed into an empty database gives the same catalog
 * and settles. Returns the imported manifest.
 */
export async function expectAdoptedAndReproduced(
  kind: TargetKind,
  p: Project,
  { schema, rows, unmanaged }: { schema: string; rows: string; unmanaged: string },
): Promise<string> {
  const before = await p.sql(rows);
  const imported = await p.run(['import', '--schema', schema, '--strict', '--out', 'schema.yaml', '--force']);
  expect(imported.stderr).toContain('not imported (the manifest cannot express them): 0');
  expect(imported.code).toBe(0);
  const manifest = readFileSync(join(p.dir, 'schema.yaml'), 'utf8');
  expect((await p.run(['generate'])).stderr).toBe('');
  await expectSettled(p, [schema], 'push right after import');
  const verified = await p.run(['verify']);
  expect(verified.code).toBe(0);
  expect(verified.stdout).not.toContain(`unmanaged: ${unmanaged}`);
  expect(await p.sql(rows)).toEqual(before);

  const copy = await project(kind, manifest);
  const pushed = await copy.run(['push']);
  expect(pushed.stderr).toBe('');
  expect(pushed.code).toBe(0);
  expect(await catalogText(copy, schema)).toBe(await catalogText(p, schema));
  await expectSettled(copy, [schema], 'push after the round trip');
  return manifest;
}
