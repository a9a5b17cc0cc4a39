import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { listedStatements } from '../support/cli.js';
import { FIXTURES } from '../support/fixtures.js';
import { BOTH, project } from '../support/project.js';
import { expectOk, expectSettled } from '../support/settled.js';

// The generated-columns golden: shop.lines.total = quantity * unit_price, shop.lines.code_key = lower(code).
const MANIFEST = readFileSync(join(FIXTURES, 'generated-columns', 'schema.yaml'), 'utf8');
const ROWS = `insert into shop.lines (code, quantity, unit_price) values ('A-1', 2, 1.50), ('B-2', 3, 2.00)`;
const VALUES = `select code, total::text, code_key from shop.lines order by code`;
const GENERATED = `select attname as name, attgenerated as kind, pg_get_expr(d.adbin, d.adrelid) as expression
  from pg_attribute a join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
 where a.attrelid = 'shop.lines'::regclass and a.attgenerated <> '' order by 1`;

describe.each(BOTH)('on $name', (kind) => {
  test('generated columns are created STORED, computed from the row, verified by the server spelling, and settle', async () => {
    const p = await project(kind, MANIFEST);
    expectOk(await p.run(['push']), 'push');
    expect(await p.sql(GENERATED)).toEqual([
      { name: 'code_key', kind: 's', expression: 'lower(code)' },
      { name: 'total', kind: 's', expression: '((quantity)::numeric * unit_price)' },
    ]);
    await p.sql(ROWS);
    expect(await p.sql(VALUES)).toEqual([
      { code: 'A-1', total: '3.00', code_key: 'a-1' },
      { code: 'B-2', total: '6.00', code_key: 'b-2' },
    ]);
    expectOk(await p.run(['verify']), 'verify');
    await expectSettled(p, ['shop'], 'push after push');
  }, 180_000);

  test('another expression is a drop and an add that recomputes every row; a plain column made generated loses its values only when accepted; generated made plain keeps them', async () => {
    const p = await project(kind, MANIFEST);
    expectOk(await p.run(['push']), 'push');
    await p.sql(ROWS);

    const doubled = MANIFEST.replace('quantity * unit_price', 'quantity * unit_price * 2');
    await p.write(doubled);
    const verify = await p.run(['verify']);
    expect(verify.stderr).toMatch(/shop\.lines\.total: is generated as .*; expected quantity \* unit_price \* 2/);
    // Adding the column back computes every row under ACCESS EXCLUSIVE: the dry run says so.
    const dry = await p.run(['push', '--dry-run']);
    expect(dry.stdout).toMatch(/ADD COLUMN "total"[^\n]*\n(?: {4}--[^\n]*\n)*? {4}-- HAZARD: rewrites shop\.lines/);
    const changed = await p.run(['push']);
    expectOk(changed, 'push of the new expression');
    expect(listedStatements(changed.stdout).map((s) => s.trim())).toEqual([
      'ALTER TABLE "shop"."lines" DROP COLUMN "total";',
      'ALTER TABLE "shop"."lines" ADD COLUMN "total" numeric(12,2) GENERATED ALWAYS AS (quantity * unit_price * 2) STORED NOT NULL;',
    ]);
    expect(await p.sql(`select total::text from shop.lines order by code`)).toEqual([
      { total: '6.00' },
      { total: '12.00' },
    ]);
    await expectSettled(p, ['shop'], 'push after the new expression');

    // Generated → plain: DROP EXPRESSION, the values stay.
    const plain = doubled.replace(', generated: { sql: lower(code) }', '');
    await p.write(plain);
    const dropped = await p.run(['push']);
    expectOk(dropped, 'push making code_key plain');
    expect(listedStatements(dropped.stdout).map((s) => s.trim())).toEqual([
      'ALTER TABLE "shop"."lines" ALTER COLUMN "code_key" DROP EXPRESSION;',
    ]);
    expect(await p.sql(`select code_key from shop.lines order by code`)).toEqual([
      { code_key: 'a-1' },
      { code_key: 'b-2' },
    ]);
    await expectSettled(p, ['shop'], 'push after making it plain');

    // Plain → generated: the column's values are replaced, which is data loss.
    await p.sql(`update shop.lines set code_key = 'by hand'`);
    await p.write(doubled);
    const refused = await p.run(['push']);
    expect(refused.code).toBe(1);
    expect(refused.stdout + refused.stderr).toMatch(/drops column shop\.lines\.code_key.*2 rows/);
    expectOk(await p.run(['push', '--accept-data-loss']), 'push accepting the loss');
    expect(await p.sql(`select code_key from shop.lines order by code`)).toEqual([
      { code_key: 'a-1' },
      { code_key: 'b-2' },
    ]);
    await expectSettled(p, ['shop'], 'push after making it generated');
  }, 180_000);

  test('import writes generated columns with their expression; push after import changes nothing', async () => {
    const p = await project(kind, MANIFEST);
    expectOk(await p.run(['push']), 'push');
    const imported = await p.run(['import', '--out', 'schema.yaml', '--force']);
    expect(imported.code, imported.stderr).toBe(0);
    const manifest = readFileSync(join(p.dir, 'schema.yaml'), 'utf8');
    expect(manifest).toMatch(/total: \{ type: "numeric\(12,2\)", generated: \{ sql: .*quantity.*unit_price.* \} \}/);
    expect(manifest).toMatch(/code_key: \{ type: text, nullable: true, generated: \{ sql: lower\(code\) \}/);
    expectOk(await p.run(['generate']), 'generate');
    await expectSettled(p, ['shop'], 'push right after import');
  }, 180_000);
});
