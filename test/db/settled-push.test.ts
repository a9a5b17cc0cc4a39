import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { FIXTURES, fixtureCases } from '../support/fixtures.js';
import { BOTH, project } from '../support/project.js';
import { expectOk, expectSettled, pushStatuses } from '../support/settled.js';

/** The example under "## The manifest" in README.md: what a new user copies first. */
function readmeManifest(): string {
  const readme = readFileSync(join(FIXTURES, '..', '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## The manifest'));
  const block = /```yaml\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('README.md has no yaml block under "## The manifest"');
  return block[1]!;
}

const MANIFESTS: readonly [string, () => string][] = [
  ...fixtureCases('golden').map((name) => [`fixture ${name}`, () => readFileSync(join(FIXTURES, name, 'schema.yaml'), 'utf8')] as [string, () => string]),
  ['the README example', readmeManifest],
];

describe.each(BOTH)('on $name', (kind) => {
  test.each(MANIFESTS)('%s: a push right after a successful push emits no statements', async (_name, manifest) => {
    const p = await project(kind, manifest());
    const first = await p.run(['push']);
    expectOk(first, 'first push');
    const services = [...pushStatuses(first).keys()];
    expect(services.length).toBeGreaterThan(0);
    await expectSettled(p, services, 'the push right after');
  }, 120_000);
});
