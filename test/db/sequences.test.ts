import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { listedStatements } from '../support/cli.js';
import { BOTH, project } from '../support/project.js';
import { expectOk, expectSettled } from '../support/settled.js';

/**
 * Standalone sequences declared per service (`sequences:`): created by push before the tables whose
 * defaults draw from them, settled, verified; options altered in place without restarting the
 * numbering; bounds that exclude values already handed out refused; undeclared ones left alone and
 * listed; imported from a schema that stays a service so that a push of the import plans nothing.
 */
const manifest = (invoiceNo: string) => `version: 1
services:
  billing:
    sequences:
      invoice_no: ${invoiceNo}
    tables:
      invoice:
        base: false
        columns:
          id: { type: bigint, identity: always, primaryKey: true }
          number: { type: integer, default: { sql: "nextval('billing.invoice_no')" } }
`;

const numbers = async (p: Awaited<ReturnType<typeof project>>) =>
  (await p.sql<{ number: number }>(`select number from billing.invoice order by id`)).map((r) => r.number);

describe.each(BOTH)('on $name', (kind) => {
  test('a declared sequence is created, drawn from, settled, altered without a restart, and never dropped', async () => {
    const p = await project(kind, manifest('{ type: integer, start: 1000, increment: 10, minValue: 1000 }'));
    const first = await p.run(['push']);
    expectOk(first, 'first push');
    expect(listedStatements(first.stdout).filter((l) => l.includes('SEQUENCE'))).toEqual([
      '  CREATE SEQUENCE "billing"."invoice_no" AS integer INCREMENT BY 10 MINVALUE 1000 MAXVALUE 2147483647 ' +
        'START WITH 1000 CACHE 1 NO CYCLE;',
    ]);
    await p.sql(`insert into billing.invoice default values; insert into billing.invoice default values`);
    expect(await numbers(p)).toEqual([1000, 1010]);
    await expectSettled(p, ['billing'], 'push after the first');
    await p.sql(`create sequence billing.by_hand`);
    const verified = await p.run(['verify']);
    expectOk(verified, 'verify');
    expect(verified.stdout).toContain('unmanaged: sequence not owned by a column billing.by_hand');
    expect(verified.stdout).not.toContain('billing.invoice_no');

    // Another step and a start below what was used: altered in place, the numbering goes on.
    await p.write(manifest('{ type: integer, start: 1, increment: 5, minValue: 1 }'));
    const changed = await p.run(['verify']);
    expect(changed.code).toBe(1);
    expect(changed.stderr).toContain('billing.invoice_no: sequence increment is 10; expected 5');
    const altered = await p.run(['push']);
    expectOk(altered, 'push of other options');
    expect(listedStatements(altered.stdout)).toEqual([
      '  ALTER SEQUENCE "billing"."invoice_no" AS integer INCREMENT BY 5 MINVALUE 1 MAXVALUE 2147483647 ' +
        'START WITH 1 CACHE 1 NO CYCLE;',
    ]);
    await p.sql(`insert into billing.invoice default values`);
    expect(await numbers(p)).toEqual([1000, 1010, 1015]);
    await expectSettled(p, ['billing'], 'push after the alteration');

    // A maximum below the last value handed out is refused, nothing changed.
    await p.write(manifest('{ type: integer, start: 1, increment: 5, minValue: 1, maxValue: 500 }'));
    const refused = await p.run(['push']);
    expect(refused.code).toBe(1);
    expect(refused.stdout + refused.stderr).toContain(
      'sequence billing.invoice_no has handed out 1015, outside minValue 1 to maxValue 500',
    );

    // Undeclared, it stays (the default still draws from it), listed as unmanaged.
    await p.write(manifest('{}').replace(/ {4}sequences:\n {6}invoice_no: \{\}\n/, ''));
    const dropped = await p.run(['push']);
    expectOk(dropped, 'push without the sequence');
    expect(dropped.stdout).not.toContain('SEQUENCE');
    expect(await p.sql(`select 1 as n from pg_class where relname = 'invoice_no'`)).toEqual([{ n: 1 }]);
  }, 180_000);

  test('import declares the sequences no column owns, and a push of the import plans nothing', async () => {
    const p = await project(kind, manifest('{ start: 7, cache: 3, cycle: true, maxValue: 9000 }'));
    expectOk(await p.run(['push']), 'push');
    const embedded = kind.name === 'pglite' ? ['--embedded'] : [];
    const imported = await p.run(['import', '--out', 'imported.yaml', '--schema', 'billing', ...embedded]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout + imported.stderr).not.toContain('sequence not owned by a column');
    const text = readFileSync(join(p.dir, 'imported.yaml'), 'utf8');
    expect(text).toMatch(
      / {4}sequences:\n {6}invoice_no:\n {8}maxValue: 9000\n {8}start: 7\n {8}cache: 3\n {8}cycle: true\n/,
    );
    await p.write(text);
    await expectSettled(p, ['billing'], 'push of the import');
  }, 180_000);
});
