import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { FIXTURES, fixtureCases, manifestExample } from '../support/fixtures.js';
import { BOTH, project } from '../support/project.js';
import { expectOk, expectSettled, pushStatuses } from '../support/settled.js';

/** A manifest and the SQL its database holds before the first push (a fixture's setup.sql). */
type Case = [string, () => string, string | undefined];
const fixtureSetup = (name: string) => {
  const file = join(FIXTURES, name, 'setup.sql');
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
};
const MANIFESTS: readonly Case[] = [
  ...fixtureCases('golden').map((name): Case => [
    `fixture ${name}`,
    () => readFileSync(join(FIXTURES, name, 'schema.yaml'), 'utf8'),
    fixtureSetup(name),
  ]),
  ['the manifest example of docs/manifest.md', manifestExample, undefined],
];

describe.each(BOTH)('on $name', (kind) => {
  test.each(MANIFESTS)(
    '%s: a push right after a successful push emits no statements',
    async (_name, manifest, setup) => {
      const p = await project(kind, manifest());
      if (setup) await p.sql(setup);
      const first = await p.run(['push']);
      expectOk(first, 'first push');
      const services = [...pushStatuses(first).keys()];
      expect(services.length).toBeGreaterThan(0);
      await expectSettled(p, services, 'the push right after');
    },
    120_000,
  );
});
