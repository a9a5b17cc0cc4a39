import { describe, expect, test } from 'vitest';
import { listedStatements } from '../support/cli.js';
import { BOTH, project } from '../support/project.js';
import { expectOk, expectSettled, pushStatuses } from '../support/settled.js';

/**
 * A partitioned table declared from public is moved with its partitions, never created on top of
 * itself; one declared as a plain table is refused. Several services differing are planned and
 * checked before any applies.
 */
const PARTITIONED = `
  create table public.events (id bigint generated always as identity, at date not null, note text) partition by range (at);
  create table public.events_2024 partition of public.events for values from ('2024-01-01') to ('2025-01-01');
  create table public.events_2025 partition of public.events for values from ('2025-01-01') to ('2026-01-01');
  insert into public.events (at, note) values ('2024-05-01', 'a'), ('2025-03-01', 'b');`;

const LOG = `version: 1
services:
  log:
    tables:
      events:
        from: public.events
        base: false
        columns:
          id: { type: bigint, identity: always }
          at: { type: date }
          note: { type: text, nullable: true }
        partitionBy: { range: [at] }
        partitions:
          events_2024: { values: "FROM ('2024-01-01') TO ('2025-01-01')" }
`;

describe.each(BOTH)('on $name', (kind) => {
  test('a partitioned table declared from public moves into the schema with its partitions and is not created again', async () => {
    const p = await project(kind, LOG.replace(/\n        partitionBy:[^]*$/, '\n'));
    await p.sql(PARTITIONED);
    const plain = await p.run(['push']);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toContain('log.events is partitioned by RANGE (at) and holds');
    await p.write(LOG);
    const pushed = await p.run(['push']);
    expectOk(pushed, 'push');
    expect(listedStatements(pushed.stdout)).toEqual([
      '  CREATE SCHEMA IF NOT EXISTS "log";',
      '  ALTER TABLE "public"."events" SET SCHEMA "log";',
      '  ALTER TABLE "public"."events_2024" SET SCHEMA "log";',
      '  ALTER TABLE "public"."events_2025" SET SCHEMA "log";',
    ]);
    expect(await p.sql(`select note from log.events order by at`)).toEqual([{ note: 'a' }, { note: 'b' }]);
    const verified = await p.run(['verify']);
    expectOk(verified, 'verify');
    // Declared or not, the partitions moved with their table; the undeclared one is left alone.
    expect(verified.stdout).toContain('  unmanaged: partition log.events_2025');
    expect(verified.stdout).not.toContain('log.events_2024');
    await expectSettled(p, ['log'], 'push after the move');
    await p.sql(`insert into log.events (at, note) values ('2025-06-01', 'c')`);
    expect(await p.sql(`select count(*)::int as n from log.events_2025`)).toEqual([{ n: 2 }]);
  }, 120_000);

  test('a declared partition left in public by a move of its table alone is moved to its table', async () => {
    const p = await project(kind, LOG);
    await p.sql(`create schema log;
      create table log.events (id bigint generated always as identity, at date not null, note text) partition by range (at);
      create table public.events_2024 partition of log.events for values from ('2024-01-01') to ('2025-01-01');
      insert into log.events (at, note) values ('2024-05-01', 'a')`);
    const pushed = await p.run(['push']);
    expectOk(pushed, 'push');
    expect(listedStatements(pushed.stdout)).toEqual(['  ALTER TABLE "public"."events_2024" SET SCHEMA "log";']);
    expect(await p.sql(`select note from log.events_2024`)).toEqual([{ note: 'a' }]);
    expectOk(await p.run(['verify']), 'verify');
    await expectSettled(p, ['log'], 'push after the move');
  }, 120_000);

  test('with several services differing, one refused changes nothing anywhere; the others say they were not pushed', async () => {
    const two = (aColumns: string, bColumns: string) => `version: 1
services:
  alpha:
    tables:
      items:
        columns:
${aColumns}  beta:
    tables:
      things:
        columns:
${bColumns}`;
    const p = await project(
      kind,
      two(
        '          name: { type: text }\n',
        '          code: { type: text }\n          old: { type: text, nullable: true }\n',
      ),
    );
    expectOk(await p.run(['push']), 'first push');
    await p.sql(`insert into beta.things (code, old) values ('x', 'kept')`);
    const changed = two(
      '          name: { type: text }\n          price: { type: integer, nullable: true }\n',
      '          code: { type: text }\n',
    );
    await p.write(changed);
    const refused = await p.run(['push']);
    expect(refused.code).toBe(1);
    expect(Object.fromEntries(pushStatuses(refused))).toEqual({ alpha: 'skipped', beta: 'refused' });
    expect(refused.stderr).toContain('  ALTER TABLE "alpha"."items" ADD COLUMN "price" integer;\n');
    expect(refused.stderr).toContain('  not pushed: the push of beta was refused; nothing was changed\n');
    expect(
      await p.sql(`select count(*)::int as n from information_schema.columns where column_name = 'price'`),
    ).toEqual([{ n: 0 }]);
    const accepted = await p.run(['push', '--accept-data-loss']);
    expectOk(accepted, 'push with --accept-data-loss');
    expect(Object.fromEntries(pushStatuses(accepted))).toEqual({ alpha: 'altered', beta: 'altered' });
    await expectSettled(p, ['alpha', 'beta'], 'push after both applied');
  }, 120_000);
});
