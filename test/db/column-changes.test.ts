import { describe, expect, test } from 'vitest';
import { listedStatements } from '../support/cli.js';
import { BOTH, project, type Project } from '../support/project.js';
import { expectOk, expectSettled } from '../support/settled.js';

/**
 * Ordinary column changes from old schema to new that drizzle-kit's plan could not apply: casts
 * (with a new key, check and default at once), values that cannot convert, serial and identity in
 * both directions, an enum dropped while a column still uses it.
 */
const table = (columns: string, extra = '', enums = '') => `version: 1
services:
  shop:
${enums}    tables:
      orders:
        base: false
        columns:
          id: { type: integer, primaryKey: true }
${columns}${extra}`;

async function pushed(p: Project, manifest: string, flags: string[] = []) {
  await p.write(manifest);
  const result = await p.run(['push', ...flags]);
  expectOk(result, `push ${flags.join(' ')}`);
  expectOk(await p.run(['verify']), 'verify');
  await expectSettled(p, ['shop'], 'push after the change');
  return result;
}

describe.each(BOTH)('on $name', (kind) => {
  test('text → integer casts the values, with a new key, check and default in the same push', async () => {
    const p = await project(kind, table('          code: { type: text }\n'));
    expectOk(await p.run(['push']), 'first push');
    await p.sql(`insert into shop.orders (id, code) values (1, '10'), (2, '20')`);
    const after = table(
      '          code: { type: integer, unique: true, default: 7 }\n',
      '        checks:\n          code_positive: { sql: code > 0 }\n',
    );
    await p.write(after);
    const refused = await p.run(['push']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('  changes the type of shop.orders.code (values are cast): 2 rows affected\n');
    const result = await pushed(p, after, ['--accept-data-loss']);
    expect(listedStatements(result.stdout)).toContain(
      '  ALTER TABLE "shop"."orders" ALTER COLUMN "code" SET DATA TYPE integer USING "code"::integer;',
    );
    expect(await p.sql(`select id, code from shop.orders order by id`)).toEqual([
      { id: 1, code: 10 },
      { id: 2, code: 20 },
    ]);
    await p.sql(`insert into shop.orders (id) values (3)`);
    expect(await p.sql(`select code from shop.orders where id = 3`)).toEqual([{ code: 7 }]);
  }, 120_000);

  test('values that cannot be cast refuse the push up front with their count, even with --accept-data-loss', async () => {
    const p = await project(kind, table('          code: { type: text }\n          stamp: { type: bigint }\n'));
    expectOk(await p.run(['push']), 'first push');
    await p.sql(`insert into shop.orders (id, code, stamp) values (1, '10', 5), (2, 'ten', 6), (3, 'x', 7)`);
    await p.write(table('          code: { type: integer }\n          stamp: { type: timestamp }\n'));
    const refused = await p.run(['push', '--accept-data-loss']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      '  the change of shop.orders.code to integer cannot convert 2 existing rows of shop.orders\n',
    );
    // No cast from bigint to timestamp: the values go through text, and none of them reads as a time.
    expect(refused.stderr).toContain(
      '  the change of shop.orders.stamp to timestamp without time zone cannot convert 3 existing rows of shop.orders\n',
    );
    expect(refused.stderr).toContain('SET DATA TYPE timestamp without time zone USING "stamp"::text::timestamp');
    expect(await p.sql(`select count(*)::int as n from shop.orders where code = 'ten'`)).toEqual([{ n: 1 }]);
    // Without rows, the same change applies.
    await p.sql(`delete from shop.orders`);
    await pushed(p, table('          code: { type: integer }\n          stamp: { type: timestamp }\n'), [
      '--accept-data-loss',
    ]);
  }, 120_000);

  test('integer → serial numbers past the rows already there; serial → integer settles', async () => {
    const p = await project(kind, table('          n: { type: integer }\n'));
    expectOk(await p.run(['push']), 'first push');
    await p.sql(`insert into shop.orders (id, n) values (1, 5), (2, 9)`);
    await pushed(p, table('          n: { type: serial }\n'));
    await p.sql(`insert into shop.orders (id) values (3)`);
    expect(await p.sql(`select n from shop.orders where id = 3`)).toEqual([{ n: 10 }]);
    await pushed(p, table('          n: { type: integer }\n'));
    expect(await p.sql(`select column_default from information_schema.columns where column_name = 'n'`)).toEqual([
      { column_default: null },
    ]);
  }, 120_000);

  test('identity on a nullable column: NOT NULL first, numbered past the rows; removed, it leaves the column as declared', async () => {
    const p = await project(kind, table('          n: { type: integer, nullable: true }\n'));
    expectOk(await p.run(['push']), 'first push');
    await p.sql(`insert into shop.orders (id, n) values (1, 41), (2, 42)`);
    await pushed(p, table('          n: { type: integer, identity: by default }\n'));
    await p.sql(`insert into shop.orders (id) values (3)`);
    expect(await p.sql(`select n from shop.orders where id = 3`)).toEqual([{ n: 43 }]);
    await pushed(p, table('          n: { type: integer, nullable: true }\n'));
    expect(
      await p.sql(`select is_nullable, is_identity from information_schema.columns where column_name = 'n'`),
    ).toEqual([{ is_nullable: 'YES', is_identity: 'NO' }]);
  }, 120_000);

  test('an enum the manifest drops while its column becomes text: the column changes first, then the enum goes', async () => {
    const enums = '    enums:\n      status: [open, closed]\n';
    const p = await project(kind, table('          status: { type: status, default: open }\n', '', enums));
    expectOk(await p.run(['push']), 'first push');
    await p.sql(`insert into shop.orders (id, status) values (1, 'closed')`);
    const result = await pushed(p, table('          status: { type: text, default: open }\n'), ['--accept-data-loss']);
    const statements = listedStatements(result.stdout).filter((s) => s.endsWith(';'));
    expect(statements.at(-1)).toBe('  DROP TYPE "shop"."status";');
    expect(await p.sql(`select status from shop.orders`)).toEqual([{ status: 'closed' }]);
  }, 120_000);
});
