import { expect, test } from 'vitest';
import { POSTGRES, project } from '../support/project.js';

/** A dry run lists every statement with its notes: the declared moves too, and a plan that is refused. */
const MANIFEST = (rank: string) => `version: 1
services:
  shop:
    tables:
      orders:
        from: public.legacy
        base: false
        columns:
          id: { type: integer, primaryKey: true }
          rank: { type: ${rank} }
`;

test('moves in a dry run carry their lock notes, in the text and in --json; --online-only lists them with the refusal', async () => {
  const p = await project(POSTGRES, MANIFEST('bigint'));
  await p.sql(`create table public.legacy (id integer primary key, rank integer not null);
    insert into public.legacy select g, g from generate_series(1, 50) g; analyze public.legacy`);
  const dry = await p.run(['push', '--dry-run']);
  expect(dry.code).toBe(0);
  expect(dry.stdout).toContain(
    '  ALTER TABLE "public"."legacy" SET SCHEMA "shop";\n' +
      '    -- in the transaction; ACCESS EXCLUSIVE lock on public.legacy; no scan\n' +
      '  ALTER TABLE "shop"."legacy" RENAME TO "orders";\n' +
      '    -- in the transaction; ACCESS EXCLUSIVE lock on shop.legacy; no scan\n',
  );
  const json = await p.run(['push', '--dry-run', '--json']);
  const [service] = JSON.parse(json.stdout).services;
  expect(service.statements.map((s: { kind: string; lock: string }) => [s.kind, s.lock])).toEqual([
    ['create schema', 'none'],
    ['move table', 'ACCESS EXCLUSIVE'],
    ['move table', 'ACCESS EXCLUSIVE'],
    ['rename', 'ACCESS EXCLUSIVE'],
    ['change column type', 'ACCESS EXCLUSIVE'],
  ]);
  const online = await p.run(['push', '--dry-run', '--online-only']);
  expect(online.code).toBe(1);
  expect(online.stderr).toContain('  ALTER TABLE "public"."legacy" SET SCHEMA "shop";\n');
  expect(online.stderr).toContain('    -- HAZARD: rewrites shop.orders (about 50 rows) under ACCESS EXCLUSIVE');
  expect(online.stderr).toMatch(
    / {2}--online-only: rewrites shop\.orders .*SET DATA TYPE bigint\n {2}nothing was changed\n$/,
  );
  expect(await p.sql(`select to_regclass('public.legacy') is not null as kept`)).toEqual([{ kept: true }]);
}, 60_000);
