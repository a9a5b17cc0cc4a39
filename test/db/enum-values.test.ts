import { describe, expect, test } from 'vitest';
import { listedStatements } from '../support/cli.js';
import { BOTH, project } from '../support/project.js';

const manifest = (values: string, fallback: string, extra = '') => `version: 1
services:
  shop:
    enums:
      status: [${values}]
    tables:
      orders:
        columns:
          status: { type: status, default: ${fallback} }
${extra}`;

const ROWS = `select status::text, count(*)::int as n from shop.orders group by 1 order by 1`;
const LABELS = `select enumlabel as label from pg_enum e join pg_type t on t.oid = e.enumtypid where t.typname = 'status' order by enumsortorder`;

describe.each(BOTH)('on $name', (kind) => {
  test('an enum value added and used as the default in the same push applies in one push', async () => {
    const p = await project(kind, manifest('open, closed', 'open'));
    expect((await p.run(['push'])).code).toBe(0);
    await p.sql(`insert into shop.orders (status) values ('open'), ('closed')`);

    await p.write(manifest('draft, open, closed', 'draft'));
    // A dry run cannot commit the new value, yet it shows the whole plan of the push that succeeds and says why.
    const dry = await p.run(['push', '--dry-run']);
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^shop → .*: would be altered, 2 statements$/m);
    expect(listedStatements(dry.stdout)).toEqual([
      `  ALTER TYPE "shop"."status" ADD VALUE 'draft' BEFORE 'open';`,
      `  ALTER TABLE "shop"."orders" ALTER COLUMN "status" SET DEFAULT 'draft';`,
      '  the new enum values are added and committed first when pushing for real; the statements after them were planned but not tried in this dry run',
    ]);
    expect(await p.sql(LABELS)).toEqual([{ label: 'open' }, { label: 'closed' }]);

    const pushed = await p.run(['push']);
    expect(pushed.stderr).toBe('');
    expect(pushed.code).toBe(0);
    expect(pushed.stdout).toMatch(
      /^shop → .*: altered, 2 statements\n {2}ALTER TYPE "shop"\."status" ADD VALUE IF NOT EXISTS 'draft' BEFORE 'open';\n {2}ALTER TABLE "shop"\."orders" ALTER COLUMN "status" SET DEFAULT 'draft';\n {2}enum values added and committed first \(PostgreSQL cannot use a new value in the transaction that adds it\): 1 statement$/m,
    );
    expect(await p.sql(LABELS)).toEqual([{ label: 'draft' }, { label: 'open' }, { label: 'closed' }]);
    await p.sql(`insert into shop.orders default values`);
    expect(await p.sql(ROWS)).toEqual([
      { status: 'closed', n: 1 },
      { status: 'draft', n: 1 },
      { status: 'open', n: 1 },
    ]);
    expect((await p.run(['verify'])).code).toBe(0);
    expect((await p.run(['push'])).stdout).toMatch(/^shop → .*: unchanged$/m);
  }, 120_000);

  test('a push refused for data loss commits no enum value either; accepted, it applies in one push', async () => {
    const p = await project(
      kind,
      manifest('open, closed', 'open', '      archive:\n        columns:\n          entry: { type: text }\n'),
    );
    expect((await p.run(['push'])).code).toBe(0);
    await p.sql(`insert into shop.archive (entry) values ('old')`);

    // The new default needs the new value; dropping archive needs --accept-data-loss.
    await p.write(manifest('draft, open, closed', 'draft'));
    const refused = await p.run(['push']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^ {2}drops table shop\.archive: 1 row affected\n {2}nothing was changed; re-run with --accept-data-loss to apply$/m,
    );
    expect(await p.sql(LABELS)).toEqual([{ label: 'open' }, { label: 'closed' }]);
    expect(await p.sql(`select count(*)::int as n from shop.archive`)).toEqual([{ n: 1 }]);

    const accepted = await p.run(['push', '--accept-data-loss']);
    expect(accepted.stderr).toBe('');
    expect(accepted.code).toBe(0);
    expect(accepted.stdout).toMatch(
      /^ {2}enum values added and committed first .*: 1 statement\n {2}drops table shop\.archive: 1 row affected$/m,
    );
    expect(await p.sql(LABELS)).toEqual([{ label: 'draft' }, { label: 'open' }, { label: 'closed' }]);
    expect(
      await p.sql(
        `select to_regclass('shop.archive') is null as gone, (select column_default from information_schema.columns where table_schema = 'shop' and column_name = 'status') as d`,
      ),
    ).toEqual([{ gone: true, d: `'draft'::shop.status` }]);
    expect((await p.run(['verify'])).code).toBe(0);
  }, 120_000);
});
