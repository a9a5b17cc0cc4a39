import { describe, expect, test } from 'vitest';
import { BOTH, ORDERS_MANIFEST, project } from '../support/project.js';
import { expectOk } from '../support/settled.js';

const NOTE = `          note: { type: text, nullable: true }\n`;
const NOTE_EXISTS = `select count(*)::int as n from information_schema.columns where table_schema = 'shop' and column_name = 'note'`;

describe.each(BOTH)('on $name', (kind) => {
  // On PGlite a dry run must not be remembered as "in sync": the real push would then skip the database.
  test('push --dry-run shows the statement and changes nothing; the real push after it applies the change', async () => {
    const p = await project(kind, ORDERS_MANIFEST);
    expectOk(await p.run(['push']), 'first push');
    await p.write(`${ORDERS_MANIFEST}${NOTE}`);

    const dry = await p.run(['push', '--dry-run']);
    expectOk(dry, 'dry run');
    expect(dry.stdout).toMatch(/^shop → .*: would be altered, 1 statement\n {2}ALTER TABLE "shop"\."orders" ADD COLUMN "note" text;$/m);
    // verify first: on PGlite any other open of the database would hide a dry run recorded as in sync.
    const before = await p.run(['verify']);
    expect(before.code).toBe(1);
    expect(before.stderr).toContain('shop.orders.note: column is missing (from the table)');
    expect(await p.sql(NOTE_EXISTS)).toEqual([{ n: 0 }]);

    const pushed = await p.run(['push']);
    expectOk(pushed, 'push after the dry run');
    expect(pushed.stdout).toMatch(/^shop → .*: altered, 1 statement$/m);
    expect(await p.sql(NOTE_EXISTS)).toEqual([{ n: 1 }]);
    expectOk(await p.run(['verify']), 'verify after the push');
  }, 240_000);
});
