import { describe, expect, test } from 'vitest';
import { BOTH, project, type Project } from '../support/project.js';

// Push and verify read the catalog of every service on a database in one snapshot, and a push returns
// "unchanged" for a service whose part matches without opening a transaction. These tests make sure
// that shortcut never hides a difference, whichever service has it and whatever ran before it.
const MANIFEST = (extraColumn = '') => `version: 1
services:
  alpha:
    tables:
      things:
        columns:
          name: { type: text }
${extraColumn}
  beta:
    tables:
      widgets:
        columns:
          size: { type: integer, default: 3 }
  gamma:
    tables:
      parts:
        columns:
          label: { type: text }
        indexes:
          - { columns: [label] }
`;

/** `service → status` for each line push printed. */
async function pushStatuses(p: Project): Promise<Record<string, string>> {
  const r = await p.run(['push']);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  return Object.fromEntries([...r.stdout.matchAll(/^(\w+) → .*: (\w+)/gm)].map((m) => [m[1]!, m[2]!]));
}

const HAND_CHANGES = [
  ['alpha', `comment on table alpha.things is 'by hand'`],
  ['beta', 'alter table beta.widgets alter column size drop default'],
  ['gamma', 'drop index gamma.parts_label_idx'],
] as const;

describe.each(BOTH)('one catalog read per database ($name)', (kind) => {
  test('a difference made by hand in any one service is found by verify and repaired by push', async () => {
    const p = await project(kind, MANIFEST());
    await pushStatuses(p);
    expect(await pushStatuses(p)).toEqual({ alpha: 'unchanged', beta: 'unchanged', gamma: 'unchanged' });
    for (const [service, sql] of HAND_CHANGES) {
      await p.sql(sql);
      const verified = await p.run(['verify']);
      expect(verified.code).toBe(1);
      expect(verified.stderr).toMatch(new RegExp(`^${service} → .*: 1 difference$`, 'm'));
      const expected = { alpha: 'unchanged', beta: 'unchanged', gamma: 'unchanged', [service]: 'altered' };
      expect(await pushStatuses(p)).toEqual(expected);
      expect((await p.run(['verify'])).code).toBe(0);
    }
  }, 240_000);

  test('after a push changes one service, a hand-made difference in a later service is still repaired', async () => {
    const p = await project(kind, MANIFEST());
    await pushStatuses(p);
    await p.write(MANIFEST('          note: { type: text, nullable: true }'));
    await p.sql('drop index gamma.parts_label_idx');
    expect(await pushStatuses(p)).toEqual({ alpha: 'altered', beta: 'unchanged', gamma: 'altered' });
    expect((await p.run(['verify'])).code).toBe(0);
  }, 240_000);
});
