import fc from 'fast-check';
import { expect, test } from 'vitest';
import { arbitraryManifest } from '../support/arbitrary-manifest.js';
import { PGLITE, POSTGRES, project, type TargetKind } from '../support/project.js';

/** push → verify finds no drift → a second push changes nothing. fast-check prints seed and path on failure. */
const roundTrip = (kind: TargetKind) =>
  fc.asyncProperty(arbitraryManifest, async (manifest) => {
    const p = await project(kind, manifest);
    const pushed = await p.run(['push']);
    expect(pushed.stderr).toBe('');
    expect(pushed.code).toBe(0);
    const verified = await p.run(['verify']);
    expect(verified.stderr).toBe('');
    expect(verified.code).toBe(0);
    const again = await p.run(['push']);
    expect(again.code).toBe(0);
    expect(again.stdout).not.toMatch(/: (created|altered)/);
  });

test('random manifests round-trip through PostgreSQL (25 runs)', async () => {
  await fc.assert(roundTrip(POSTGRES), { numRuns: 25, verbose: 1 });
}, 300_000);

test('random manifests round-trip through PGlite (5 runs)', async () => {
  await fc.assert(roundTrip(PGLITE), { numRuns: 5, verbose: 1 });
}, 600_000);
