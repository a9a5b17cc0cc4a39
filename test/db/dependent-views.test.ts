import { describe, expect, test } from 'vitest';
import { listedStatements } from '../support/cli.js';
import { BOTH, POSTGRES, project } from '../support/project.js';
import { expectOk, expectSettled } from '../support/settled.js';

/**
 * A column change under a view: PostgreSQL refuses to change a column a view reads (0A000) or to
 * drop it (2BP01). Push recreates the views reading a column it recasts, in the same transaction,
 * and refuses up front (in --dry-run too) what it cannot recreate.
 */
const manifest = (total: string, extra = '') => `version: 1
services:
  shop:
    tables:
      orders:
        columns:
          total: { type: ${total} }
${extra}`;

const VIEWS = `
  create view shop.totals as select id, total from shop.orders;
  create view shop.big as select id, total from shop.totals where total > 10;
  comment on view shop.totals is 'every order';`;

describe.each(BOTH)('on $name', (kind) => {
  test('a recreated view keeps what hangs on it: its INSTEAD OF trigger, rule and column default', async () => {
    const p = await project(kind, manifest('integer'));
    expectOk(await p.run(['push']), 'first push');
    await p.sql(`
      create view shop.totals as select id, total from shop.orders;
      alter view shop.totals alter column total set default 7;
      create function shop.totals_insert() returns trigger language plpgsql
        as $$ begin insert into shop.orders (total) values (new.total); return new; end $$;
      create trigger totals_insert instead of insert on shop.totals for each row execute function shop.totals_insert();
      create rule totals_keep as on delete to shop.totals do instead nothing;`);
    await p.write(manifest('bigint'));
    const pushed = await p.run(['push']);
    expectOk(pushed, 'push of the recast');
    const statements = listedStatements(pushed.stdout).join('\n');
    expect(statements).toContain('CREATE TRIGGER totals_insert INSTEAD OF INSERT ON "shop"."totals" FOR EACH ROW');
    expect(statements).toMatch(/CREATE RULE totals_keep AS\s+ON DELETE TO "shop"\."totals" DO INSTEAD NOTHING/);
    expect(statements).toContain('ALTER VIEW "shop"."totals" ALTER COLUMN "total" SET DEFAULT 7');
    // Written through the view: the trigger inserts, with the view's default; the rule keeps the rows.
    await p.sql(`insert into shop.totals (total) values (default); delete from shop.totals`);
    expect(await p.sql(`select total::int as total from shop.orders`)).toEqual([{ total: 7 }]);
    await expectSettled(p, ['shop'], 'push after the recast');
  }, 120_000);

  test('a declared view created again keeps the trigger, comment and grant made on it by hand', async () => {
    const declared = (sql: string, columns: string) =>
      manifest('integer') + `    views:\n      totals:\n        sql: ${sql}\n        columns: ${columns}\n`;
    const p = await project(kind, declared('select id, total from shop.orders', '{ id: uuid, total: integer }'));
    expectOk(await p.run(['push']), 'first push');
    await p.sql(`
      create function shop.totals_refuse() returns trigger language plpgsql as $$ begin return null; end $$;
      create trigger totals_refuse instead of insert on shop.totals for each row execute function shop.totals_refuse();
      comment on view shop.totals is 'by hand';
      grant select on shop.totals to public;`);
    // A column fewer: CREATE OR REPLACE cannot do it, so the view is dropped and created again.
    await p.write(declared('select id from shop.orders', '{ id: uuid }'));
    const pushed = await p.run(['push']);
    expectOk(pushed, 'push of the narrower view');
    expect(listedStatements(pushed.stdout).join('\n')).toContain('DROP VIEW "shop"."totals"');
    expect(
      await p.sql(`select tgname from pg_trigger where tgrelid = 'shop.totals'::regclass and not tgisinternal`),
    ).toEqual([{ tgname: 'totals_refuse' }]);
    expect(
      await p.sql(`select obj_description('shop.totals'::regclass, 'pg_class') as comment,
          has_table_privilege('public', 'shop.totals', 'select') as readable`),
    ).toEqual([{ comment: 'by hand', readable: true }]);
    await expectSettled(p, ['shop'], 'push after the narrower view');
  }, 120_000);

  test('views reading a recast column are dropped and recreated around it, with their comment', async () => {
    const p = await project(kind, manifest('integer'));
    expectOk(await p.run(['push']), 'first push');
    await p.sql(`insert into shop.orders (total) values (5), (50)`);
    await p.sql(VIEWS);
    await p.write(manifest('bigint'));
    const dry = await p.run(['push', '--dry-run']);
    expectOk(dry, 'dry run');
    // Each statement's first line (a view's query spans several).
    expect(listedStatements(dry.stdout).filter((l) => !/^ {3}/.test(l))).toEqual([
      '  DROP VIEW "shop"."big";',
      '  DROP VIEW "shop"."totals";',
      '  ALTER TABLE "shop"."orders" ALTER COLUMN "total" SET DATA TYPE bigint;',
      expect.stringMatching(/^ {2}CREATE VIEW "shop"\."totals" AS SELECT /),
      `  COMMENT ON VIEW "shop"."totals" IS 'every order';`,
      expect.stringMatching(/^ {2}CREATE VIEW "shop"\."big" AS SELECT /),
    ]);
    expectOk(await p.run(['push']), 'push');
    expect(await p.sql(`select total::text as total from shop.big`)).toEqual([{ total: '50' }]);
    expect(
      await p.sql(
        `select format_type(atttypid, atttypmod) as type from pg_attribute where attrelid = 'shop.totals'::regclass and attname = 'total'`,
      ),
    ).toEqual([{ type: 'bigint' }]);
    expect(await p.sql(`select obj_description('shop.totals'::regclass, 'pg_class') as c`)).toEqual([
      { c: 'every order' },
    ]);
    expectOk(await p.run(['verify']), 'verify');
    await expectSettled(p, ['shop'], 'push after the recast');
  }, 120_000);

  test('a view reading a column push would drop refuses the push up front, also as a dry run', async () => {
    const p = await project(kind, manifest('integer', '          note: { type: text, nullable: true }\n'));
    expectOk(await p.run(['push']), 'first push');
    await p.sql(`create view shop.notes as select id, note from shop.orders`);
    await p.write(manifest('integer'));
    for (const flags of [['--dry-run', '--accept-data-loss'], ['--accept-data-loss']]) {
      const refused = await p.run(['push', ...flags]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(
        '  view shop.notes reads shop.orders.note, which push would drop: push never drops a view with what it reads; change or drop the view first\n',
      );
      expect(refused.stderr).toContain('  ALTER TABLE "shop"."orders" DROP COLUMN "note";');
    }
    expect(await p.sql(`select count(*)::int as n from shop.notes`)).toEqual([{ n: 0 }]);
  }, 120_000);
});

test('a view of another schema reading a recast column refuses the push up front, naming it', async () => {
  const p = await project(POSTGRES, manifest('integer'));
  expectOk(await p.run(['push']), 'first push');
  await p.sql(`create schema reports; create view reports.totals as select total from shop.orders`);
  await p.write(manifest('bigint'));
  for (const flags of [['--dry-run'], []]) {
    const refused = await p.run(['push', ...flags]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      '  view reports.totals of another schema reads a column this push changes: push its service after dropping the view there, or change the view by hand\n',
    );
  }
  expect(
    await p.sql(
      `select format_type(atttypid, atttypmod) as type from pg_attribute where attrelid = 'shop.orders'::regclass and attname = 'total'`,
    ),
  ).toEqual([{ type: 'integer' }]);
}, 60_000);
