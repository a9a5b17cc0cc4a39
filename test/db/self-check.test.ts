import { expect, test } from 'vitest';
import { ORDERS_MANIFEST, POSTGRES, project } from '../support/project.js';
import { expectOk } from '../support/settled.js';

/**
 * Push compares the schema with the manifest again after its own statements: whatever still differs
 * is push's failure, never a success. An event trigger that rewrites a table's comment behind push's
 * back makes a change push cannot make match, in the transaction and after the commit.
 */
const TAMPER = (when: string) => `
  create function public.tamper() returns event_trigger language plpgsql as $$
  begin
    if tg_tag = 'ALTER TABLE' and ${when} then execute 'comment on table shop.orders is ''tampered'''; end if;
  end $$;
  create event trigger tamper on ddl_command_end execute function public.tamper();`;

test('drift left inside the transaction fails the push and commits nothing', async () => {
  const p = await project(POSTGRES, ORDERS_MANIFEST);
  expectOk(await p.run(['push']), 'first push');
  await p.sql(TAMPER(`current_query() ilike '%ADD COLUMN "note"%'`));
  await p.write(`${ORDERS_MANIFEST}          note: { type: text, nullable: true }\n`);
  const pushed = await p.run(['push']);
  expect(pushed.code).toBe(1);
  expect(pushed.stderr).toMatch(/^shop → .*: failed, 1 statement$/m);
  expect(pushed.stderr).toContain(
    '  push cannot make this match: shop.orders: comment is "tampered"; expected null\n  nothing was changed\n',
  );
  expect(await p.sql(`select count(*)::int as n from information_schema.columns where column_name = 'note'`)).toEqual([
    { n: 0 },
  ]);
}, 60_000);

test('drift left after the online steps fails the push and says the transaction committed', async () => {
  const p = await project(POSTGRES, ORDERS_MANIFEST);
  expectOk(await p.run(['push']), 'first push');
  await p.sql(`insert into shop.orders (total) select g from generate_series(1, 100) g; analyze shop.orders`);
  // Only the validation after the commit is tampered with: the transaction itself matches the manifest.
  await p.sql(TAMPER(`current_query() ilike '%VALIDATE CONSTRAINT%'`));
  await p.write(`${ORDERS_MANIFEST}        checks:\n          positive: { sql: total > 0 }\n`);
  const pushed = await p.run(['push']);
  expect(pushed.code).toBe(1);
  expect(pushed.stderr).toMatch(/^shop → .*: failed, 2 statements$/m);
  expect(pushed.stderr).toContain(
    '  committed: 1 statement of the transaction; then:\n' +
      '  push cannot make this match: shop.orders: comment is "tampered"; expected null\n',
  );
  expect(pushed.stderr).not.toContain('nothing was changed');
  expect(await p.sql(`select convalidated from pg_constraint where conname = 'orders_positive_check'`)).toEqual([
    { convalidated: true },
  ]);
}, 60_000);
