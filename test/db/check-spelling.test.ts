import { expect, test } from 'vitest';
import { ORDERS_MANIFEST, POSTGRES, project } from '../support/project.js';
import { expectOk, expectSettled, pushStatuses } from '../support/settled.js';

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
  expect(Object.fromEntries(pushStatuses(pushed))).toEqual({ shop: 'created' });
  // The spelling verify must see through: PostgreSQL's own, not the manifest's.
  expect(
    await p.sql(`select pg_get_constraintdef(oid) as def from pg_constraint where conname = 'orders_above_check'`),
  ).toEqual([{ def: "CHECK ((total > '-1000'::integer))" }]);
  expect(await p.sql(`select pg_get_expr(indpred, indrelid) as pred from pg_index where indpred is not null`)).toEqual([
    { pred: "(total > '-1'::integer)" },
  ]);
  expectOk(await p.run(['verify']), 'verify');
  await expectSettled(p, ['shop'], 'push after push');
});
