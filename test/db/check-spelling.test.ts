import { expect, test } from 'vitest';
import { ORDERS_MANIFEST, POSTGRES, project } from '../support/project.js';
import { expectOk, expectSettled } from '../support/settled.js';

// PostgreSQL stores `total > -1000` as `(total > '-1000'::integer)`: a negative number becomes a
// quoted literal with a cast, which verify must read as the same expression.
test('a check and an index predicate with negative numbers match after push: verify passes, the next push is a no-op', async () => {
  const p = await project(
    POSTGRES,
    `${ORDERS_MANIFEST}        indexes:
          - { columns: [total], where: { sql: total > -1 } }
        checks:
          above: { sql: total > -1000 }
`,
  );
  const pushed = await p.run(['push']);
  expectOk(pushed, 'push');
  expect(pushed.stdout).not.toContain('still differs after push');
  expectOk(await p.run(['verify']), 'verify');
  await expectSettled(p, ['shop'], 'push after push');
});
