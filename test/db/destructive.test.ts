import { describe, expect, test } from 'vitest';
import { BOTH, project, snapshot, type Project } from '../support/project.js';

/** One service: `orders` with the given columns, and optionally a second table `archive`. */
const manifest = (columns: Record<string, string>, archive = true) => `version: 1
services:
  shop:
    tables:
      orders:
        columns:
${Object.entries(columns)
  .map(([name, spec]) => `          ${name}: ${spec}\n`)
  .join('')}${archive ? '      archive:\n        columns:\n          entry: { type: text }\n' : ''}`;

type State = Awaited<ReturnType<typeof snapshot>>;

/** The push is refused, names each loss with its row count, and leaves catalog and rows as `before`. */
async function expectRefused(p: Project, losses: readonly string[], before: State, rowsQuery: string) {
  const refused = await p.run(['push']);
  expect(refused.code).toBe(1);
  expect(refused.stdout).not.toMatch(/^shop → /m);
  const lines = refused.stderr.split('\n');
  const count = /^shop → .*: refused, (\d+) statements?$/.exec(lines[0]!);
  expect(count, lines[0]).not.toBeNull();
  // The statements (ending in `;`), as many as the header says, then the losses and the hint, exactly.
  expect(lines.filter((l) => /^ {2}[a-z]/.test(l))).toEqual([
    ...losses.map((l) => `  ${l}`),
    '  nothing was changed; re-run with --accept-data-loss to apply',
  ]);
  const statements = lines.filter((l) => /^ {2}[A-Z]/.test(l));
  expect(statements.length).toBeGreaterThan(0);
  expect(statements.length).toBe(Number(count![1]));
  for (const s of statements) expect(s.endsWith(';') && !s.endsWith(';;'), s).toBe(true);
  expect(await snapshot(p, 'shop', rowsQuery)).toEqual(before);
}

/** Applies with --accept-data-loss and returns the state after. */
async function accept(p: Project, rowsQuery: string): Promise<State> {
  const accepted = await p.run(['push', '--accept-data-loss']);
  expect(accepted.stderr).toBe('');
  expect(accepted.code).toBe(0);
  expect(accepted.stdout).toMatch(/^shop → .*: altered, \d+ statements?$/m);
  return snapshot(p, 'shop', rowsQuery);
}

describe.each(BOTH)('on $name', (kind) => {
  // Scenario 5: every kind of loss is refused without the flag (nothing changes) and applied with it.
  test('a dropped column, narrowed types, a dropped table and a rename-like change each need --accept-data-loss', async () => {
    const cols: Record<string, string> = {
      total: '{ type: bigint }',
      note: '{ type: text, nullable: true }',
      code: '{ type: text }',
      memo: '{ type: text }',
    };
    const p = await project(kind, manifest(cols));
    expect((await p.run(['push'])).code).toBe(0);
    await p.sql(`insert into shop.orders (total, note, code, memo) values (1, 'keep me', 'a', 'short'), (2, null, 'b', 'tiny');
      insert into shop.archive (entry) values ('old');`);
    let rows = 'select total, note, code, memo from shop.orders order by total';
    let state = await snapshot(p, 'shop', rows);

    // A column removed from the manifest: only rows where it is set count.
    const { note: _note, ...withoutNote } = cols;
    await p.write(manifest(withoutNote));
    await expectRefused(p, ['drops column shop.orders.note: 1 row affected'], state, rows);
    rows = 'select total, code, memo from shop.orders order by total';
    state = await accept(p, rows);
    const kept = [
      { total: 1, code: 'a', memo: 'short' },
      { total: 2, code: 'b', memo: 'tiny' },
    ];
    expect(state.rows).toEqual(kept);
    expect(state.catalog).not.toContain('orders.note');

    // bigint → integer.
    await p.write(manifest({ ...withoutNote, total: '{ type: integer }' }));
    await expectRefused(p, ['changes the type of shop.orders.total (values are cast): 2 rows affected'], state, rows);
    state = await accept(p, rows);
    expect(state.catalog).toContain('column orders.total integer not null default -');
    expect(state.rows).toEqual(kept);

    // text → varchar(4): 'short' does not fit (never cut short), so even the accepted push fails, counting it
    // before anything runs, and changes nothing.
    const narrowed: Record<string, string> = {
      ...withoutNote,
      total: '{ type: integer }',
      memo: '{ type: varchar(4) }',
    };
    await p.write(manifest(narrowed));
    for (const flags of [[], ['--accept-data-loss']]) {
      const tooLong = await p.run(['push', ...flags]);
      expect(tooLong.code).toBe(1);
      const rerun = flags.length === 0 ? '; re-run with --accept-data-loss to apply' : '';
      expect(tooLong.stderr).toBe(
        `${tooLong.stderr.split('\n')[0]}\n` +
          '  ALTER TABLE "shop"."orders" ALTER COLUMN "memo" SET DATA TYPE character varying(4);\n' +
          '  the change of shop.orders.memo to character varying(4) cannot convert 1 existing row of shop.orders\n' +
          '  changes the type of shop.orders.memo (values are cast): 2 rows affected\n' +
          `  nothing was changed${rerun}\n`,
      );
      expect(tooLong.stderr).toMatch(/^shop → .*: failed, 1 statement\n/);
      expect(await snapshot(p, 'shop', rows)).toEqual(state);
    }
    // text → varchar(10) fits every value.
    const fits: Record<string, string> = { ...narrowed, memo: '{ type: varchar(10) }' };
    await p.write(manifest(fits));
    state = await accept(p, rows);
    expect(state.catalog).toContain('column orders.memo character varying(10) not null default -');
    expect(state.rows).toEqual(kept);

    // A table removed from the manifest.
    await p.write(manifest(fits, false));
    await expectRefused(p, ['drops table shop.archive: 1 row affected'], state, rows);
    state = await accept(p, rows);
    expect(state.catalog).not.toMatch(/archive/);

    // Rename-like: code removed and label added in one table. drizzle-kit would ask whether it is a
    // rename; we never prompt: the drop is refused like any other, then applied with the flag.
    const { code: _code, ...withoutCode } = fits;
    await p.write(manifest({ ...withoutCode, label: '{ type: text, nullable: true }' }, false));
    await expectRefused(p, ['drops column shop.orders.code: 2 rows affected'], state, rows);
    state = await accept(p, 'select total, memo, label from shop.orders order by total');
    expect(state.rows).toEqual([
      { total: 1, memo: 'short', label: null },
      { total: 2, memo: 'tiny', label: null },
    ]);
    expect((await p.run(['verify'])).code).toBe(0);
  }, 180_000);

  test('widening types keeps every value and needs no flag; a narrowing in the same push still does', async () => {
    const before: Record<string, string> = {
      qty: '{ type: smallint }',
      total: '{ type: integer }',
      price: '{ type: "numeric(6,2)" }',
      ratio: '{ type: real }',
      code: '{ type: varchar(4) }',
      memo: '{ type: varchar(8) }',
    };
    const p = await project(kind, manifest(before, false));
    expect((await p.run(['push'])).code).toBe(0);
    await p.sql(
      `insert into shop.orders (qty, total, price, ratio, code, memo) values (32767, 2147483647, 9999.99, 0.5, 'abcd', 'eightchr')`,
    );
    const rows = 'select qty::text, total::text, price::text, ratio::text, code, memo from shop.orders';
    const kept = [
      { qty: '32767', total: '2147483647', price: '9999.99', ratio: '0.5', code: 'abcd', memo: 'eightchr' },
    ];
    const wider = {
      qty: '{ type: integer }',
      total: '{ type: bigint }',
      price: '{ type: "numeric(10,3)" }',
      ratio: '{ type: double precision }',
      code: '{ type: varchar(40) }',
      memo: '{ type: text }',
    };
    await p.write(manifest(wider, false));
    const pushed = await p.run(['push']);
    expect(pushed.stderr).toBe('');
    expect(pushed.code).toBe(0);
    const state = await snapshot(p, 'shop', rows);
    expect(state.rows).toEqual([{ ...kept[0], price: '9999.990' }]);
    for (const line of [
      'orders.qty integer',
      'orders.total bigint',
      'orders.price numeric(10,3)',
      'orders.ratio double precision',
      'orders.code character varying(40)',
      'orders.memo text',
    ]) {
      expect(state.catalog).toContain(`column ${line} not null`);
    }
    // Narrowing one column back while widening another: only the narrowing is named.
    await p.write(manifest({ ...wider, total: '{ type: integer }', code: '{ type: text }' }, false));
    await expectRefused(p, ['changes the type of shop.orders.total (values are cast): 1 row affected'], state, rows);
  });
});
