import { describe, expect, test } from 'vitest';
import { BOTH, ORDERS_MANIFEST, project, type Project } from '../support/project.js';
import { expectOk } from '../support/settled.js';

const withNote = (nullable: boolean) => `${ORDERS_MANIFEST}          note: { type: text, nullable: ${nullable} }\n`;

const notNull = async (p: Project, column: string) =>
  (
    await p.sql<{ not_null: boolean }>(
      `select attnotnull as not_null from pg_attribute where attrelid = 'shop.orders'::regclass and attname = '${column}'`,
    )
  )[0]!.not_null;

/** verify exits 1 with exactly this one difference for shop. */
async function expectOneDifference(p: Project, line: string) {
  const verified = await p.run(['verify']);
  expect(verified.code, verified.stdout).toBe(1);
  expect(verified.stderr).toMatch(/^shop → .*: 1 difference$/m);
  expect(verified.stderr.split('\n').filter((l) => l.startsWith('  '))).toEqual([`  ${line}`]);
}

describe.each(BOTH)('on $name', (kind) => {
  test('a column made required, then optional again: verify names the change, push applies it', async () => {
    const p = await project(kind, withNote(true));
    expectOk(await p.run(['push']), 'first push');

    await p.write(withNote(false));
    await expectOneDifference(p, 'shop.orders.note: is nullable; expected NOT NULL');
    const required = await p.run(['push']);
    expectOk(required, 'push nullable → not null');
    expect(required.stdout).toMatch(/^shop → .*: altered, 1 statement$/m);
    expect(await notNull(p, 'note')).toBe(true);
    expectOk(await p.run(['verify']), 'verify after not null');

    await p.write(withNote(true));
    await expectOneDifference(p, 'shop.orders.note: is NOT NULL; expected nullable');
    const optional = await p.run(['push']);
    expectOk(optional, 'push not null → nullable');
    expect(optional.stdout).toMatch(/^shop → .*: altered, 1 statement$/m);
    expect(await notNull(p, 'note')).toBe(false);
    expectOk(await p.run(['verify']), 'verify after nullable');
  }, 240_000);

  test('DROP NOT NULL made by hand is drift that verify reports and push repairs', async () => {
    const p = await project(kind, ORDERS_MANIFEST);
    expectOk(await p.run(['push']), 'first push');
    await p.sql('alter table shop.orders alter column total drop not null');
    await expectOneDifference(p, 'shop.orders.total: is nullable; expected NOT NULL');
    const repaired = await p.run(['push']);
    expectOk(repaired, 'push repairs');
    expect(repaired.stdout).toMatch(/^shop → .*: altered, 1 statement$/m);
    expect(await notNull(p, 'total')).toBe(true);
    expectOk(await p.run(['verify']), 'verify after repair');
  }, 240_000);
});
