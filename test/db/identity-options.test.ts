import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { listedStatements } from '../support/cli.js';
import { BOTH, project, type Project } from '../support/project.js';
import { expectOk, expectSettled } from '../support/settled.js';

/**
 * Identity columns with the options of their sequence: created with them, verified and settled;
 * options changed in place without restarting the numbering; bounds that would leave out values
 * already used refused with nothing changed; identity added to a column holding rows numbered past
 * them with the declared options; imported so that a push of the import plans nothing.
 */
const manifest = (identity: string) => `version: 1
services:
  shop:
    tables:
      orders:
        base: false
        columns:
          id: { type: integer, primaryKey: true, identity: ${identity} }
          note: { type: text, nullable: true }
`;

const ids = async (p: Project) =>
  (await p.sql<{ id: number }>(`select id from shop.orders order by id`)).map((r) => r.id);
const insert = (p: Project, n: number) =>
  p.sql(Array.from({ length: n }, () => `insert into shop.orders (note) values ('x');`).join(' '));

describe.each(BOTH)('on $name', (kind) => {
  test('declared options are created, settled, altered in place without a restart, and bounds below the max refused', async () => {
    const p = await project(kind, manifest('{ mode: always, start: 1000, increment: 10 }'));
    const first = await p.run(['push']);
    expectOk(first, 'first push');
    expect(listedStatements(first.stdout).join('\n')).toContain(
      '"id" integer GENERATED ALWAYS AS IDENTITY (INCREMENT BY 10 START WITH 1000) NOT NULL',
    );
    await insert(p, 2);
    expect(await ids(p)).toEqual([1000, 1010]);
    expectOk(await p.run(['verify']), 'verify');
    await expectSettled(p, ['shop'], 'push after the first');

    // Another step and a start below what was used: altered in place, the numbering goes on.
    await p.write(manifest('{ mode: always, start: 1, increment: 5, maxValue: 100000 }'));
    const changed = await p.run(['verify']);
    expect(changed.code).toBe(1);
    expect(changed.stderr).toContain(
      'orders.id: identity increment is 10; expected 5, maxValue is 2147483647; expected 100000, start is 1000; expected 1',
    );
    const altered = await p.run(['push']);
    expectOk(altered, 'push of other options');
    expect(listedStatements(altered.stdout)).toEqual([
      '  ALTER TABLE "shop"."orders" ALTER COLUMN "id" SET INCREMENT BY 5 SET MINVALUE 1 SET MAXVALUE 100000 ' +
        'SET START WITH 1 SET CACHE 1 SET NO CYCLE;',
    ]);
    await insert(p, 1);
    expect(await ids(p)).toEqual([1000, 1010, 1015]);
    await expectSettled(p, ['shop'], 'push after the alteration');

    // A maximum below the values handed out is refused, nothing changed.
    await p.write(manifest('{ mode: always, start: 1, increment: 5, maxValue: 1012 }'));
    const refused = await p.run(['push']);
    expect(refused.code).toBe(1);
    expect(refused.stdout + refused.stderr).toContain(
      'identity of shop.orders.id has handed out 1015, outside minValue 1 to maxValue 1012; ' +
        'expected bounds that hold the values already used',
    );
    const [sequence] = await p.sql<{ max: string }>(
      `select seqmax::text as max from pg_sequence where seqrelid = pg_get_serial_sequence('shop.orders', 'id')::regclass`,
    );
    expect(sequence!.max).toBe('100000');
  }, 180_000);

  test('rows above the bounds refuse the push, and identity added to a column with rows numbers past them', async () => {
    const p = await project(kind, manifest('"by default"'));
    expectOk(await p.run(['push']), 'push');
    await p.sql(`insert into shop.orders (id) values (5000)`);
    // The sequence has handed out nothing: only the row at 5000 stands beyond a maximum of 2000.
    await p.write(manifest('{ mode: by default, maxValue: 2000 }'));
    const refused = await p.run(['push']);
    expect(refused.code).toBe(1);
    expect(refused.stdout + refused.stderr).toContain(
      'the identity of shop.orders.id from minValue 1 to maxValue 2000 is exceeded by 1 existing row of shop.orders',
    );
    expect(refused.stdout + refused.stderr).toContain('nothing was changed');

    // A plain column holding rows becomes an identity counting from 100 by 100: numbered past its max.
    await p.write(manifest('"by default"').replace('identity: "by default"', 'nullable: false'));
    expectOk(await p.run(['push']), 'identity removed');
    await p.write(manifest('{ mode: always, start: 100, increment: 100 }'));
    const added = await p.run(['push']);
    expectOk(added, 'identity added');
    expect(listedStatements(added.stdout).join('\n')).toContain(
      'ADD GENERATED ALWAYS AS IDENTITY (INCREMENT BY 100 START WITH 100)',
    );
    await insert(p, 1);
    expect(await ids(p)).toEqual([5000, 5100]);
    await expectSettled(p, ['shop'], 'push after identity added');
  }, 180_000);

  test('import writes the options that differ from the defaults, and a push of the import plans nothing', async () => {
    const p = await project(kind, manifest('{ mode: by default, increment: -2, minValue: -500, cycle: true }'));
    expectOk(await p.run(['push']), 'push');
    await insert(p, 2);
    expect(await ids(p)).toEqual([-3, -1]);
    const embedded = kind.name === 'pglite' ? ['--embedded'] : [];
    const imported = await p.run(['import', '--out', 'imported.yaml', '--schema', 'shop', ...embedded]);
    expect(imported.code, imported.stderr).toBe(0);
    const text = readFileSync(join(p.dir, 'imported.yaml'), 'utf8');
    expect(text).toMatch(/identity:\s*\{?\s*mode: by default,?\s*increment: -2,?\s*minValue: -500,?\s*cycle: true/);
    await p.write(text);
    await expectSettled(p, ['shop'], 'push of the import');
  }, 180_000);
});
