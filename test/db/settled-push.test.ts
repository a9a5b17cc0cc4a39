import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { FIXTURES, fixtureCases, manifestExample } from '../support/fixtures.js';
import { BOTH, project } from '../support/project.js';
import { expectOk, expectSettled, pushStatuses } from '../support/settled.js';

const MANIFESTS: readonly [string, () => string][] = [
  ...fixtureCases('golden').map(
    (name) =>
      [`fixture ${name}`, () => readFileSync(join(FIXTURES, name, 'schema.yaml'), 'utf8')] as [string, () => string],
  ),
  ['the manifest example of docs/manifest.md', manifestExample],
];

describe.each(BOTH)('on $name', (kind) => {
  test.each(MANIFESTS)(
    '%s: a push right after a successful push emits no statements',
    async (_name, manifest) => {
      const p = await project(kind, manifest());
      const first = await p.run(['push']);
      expectOk(first, 'first push');
      const services = [...pushStatuses(first).keys()];
      expect(services.length).toBeGreaterThan(0);
      await expectSettled(p, services, 'the push right after');
    },
    120_000,
  );
});
