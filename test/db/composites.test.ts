import { describe, expect, test } from 'vitest';
import { expectAdoptedAndReproduced } from '../support/adoption.js';
import { listedStatements } from '../support/cli.js';
import { BOTH, ORDERS_MANIFEST, project } from '../support/project.js';
import { expectOk, expectSettled } from '../support/settled.js';

/** Composite types over built-in types, an enum and a domain, used by a key, an array column and a plain column. */
const HAND_BUILT = `
create schema crm;
create type crm.kind as enum ('home', 'work');
create domain crm.zip_code as varchar(10) constraint zip_code_check check (value ~ '^[0-9]+$');
create type crm.address as (street text, zip crm.zip_code, kind crm.kind);
create type crm.money_range as (low numeric(12,2), high numeric(12,2), tags text[]);
create table crm.customers (id integer primary key, home crm.address not null, others crm.address[],
  budget crm.money_range);
insert into crm.customers values (1, row('Main St 1', '12345', 'home'), array[row('Dock 2', '999', 'work')::crm.address],
  row(1.5, 20, '{a,"b c"}')), (2, row('Side St', null, null), null, null);`;

const ROWS = `select * from crm.customers order by id`;

const MANIFEST = (attributes: string) => `version: 1
services:
  crm:
    composites:
      address:
        attributes:
${attributes}    tables:
      customers:
        base: false
        columns:
          id: { type: integer, primaryKey: true }
          home: { type: address, nullable: true }
          others: { type: "address[]", nullable: true }
`;

describe.each(BOTH)('on $name', (kind) => {
  test('composite types: import --strict writes them, push after import plans nothing, verify passes, a round trip gives the same catalog', async () => {
    const p = await project(kind, ORDERS_MANIFEST);
    await p.sql(HAND_BUILT);
    const manifest = await expectAdoptedAndReproduced(kind, p, {
      schema: 'crm',
      rows: ROWS,
      unmanaged: 'composite type',
    });
    expect(manifest).toContain(
      '    composites:\n' +
        '      address:\n        attributes: { street: text, zip: zip_code, kind: kind }\n' +
        '      money_range:\n        attributes: { low: "numeric(12,2)", high: "numeric(12,2)", tags: "text[]" }\n',
    );
    expect(manifest).toContain('          others: { type: "address[]", nullable: true }\n');
  }, 180_000);

  test('an attribute is added at the end; one dropped while it holds values needs --accept-data-loss', async () => {
    const p = await project(kind, MANIFEST('          street: text\n          zip: varchar(10)\n'));
    expectOk(await p.run(['push']), 'first push');
    await p.sql(`insert into crm.customers values (1, row('Main St', '123'), array[row('Dock', '9')::crm.address])`);
    await p.write(MANIFEST('          street: text\n          zip: varchar(10)\n          city: text\n'));
    const added = await p.run(['push']);
    expectOk(added, 'push adding an attribute');
    expect(listedStatements(added.stdout)).toContain('  ALTER TYPE "crm"."address" ADD ATTRIBUTE "city" text;');
    await expectSettled(p, ['crm'], 'push after adding an attribute');
    expect(await p.sql(`select home::text as home from crm.customers`)).toEqual([{ home: '("Main St",123,)' }]);

    await p.write(MANIFEST('          street: text\n          city: text\n'));
    const refused = await p.run(['push']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('  ALTER TYPE "crm"."address" DROP ATTRIBUTE "zip";');
    expect(refused.stderr).toContain('drops attribute crm.address.zip');
    expect(refused.stderr).toContain('nothing was changed; re-run with --accept-data-loss to apply');
    expect(await p.sql(`select (home).zip as zip from crm.customers`)).toEqual([{ zip: '123' }]);
    expectOk(await p.run(['push', '--accept-data-loss']), 'push accepting the loss');
    await expectSettled(p, ['crm'], 'push after dropping an attribute');
    expect(await p.sql(`select home::text as home from crm.customers`)).toEqual([{ home: '("Main St",)' }]);
    expectOk(await p.run(['verify']), 'verify');
  }, 180_000);

  test("a composite type the manifest does not declare is left alone and listed; an attribute's new type is refused", async () => {
    const p = await project(kind, MANIFEST('          street: text\n'));
    expectOk(await p.run(['push']), 'first push');
    await p.sql(`create type crm.undeclared as (a integer, b text)`);
    const verified = await p.run(['verify']);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain(
      '  unmanaged: composite type crm.undeclared (not in the manifest; push leaves it alone)',
    );
    await expectSettled(p, ['crm'], 'push beside an undeclared composite type');
    await p.write(MANIFEST('          street: varchar(20)\n'));
    const refused = await p.run(['push']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      "attribute street of composite type crm.address is text; an attribute's type cannot change in place: " +
        'declare a new attribute of the new type (push adds it), copy the values, then drop the old one',
    );
    const differs = await p.run(['verify']);
    expect(differs.code).toBe(1);
    expect(differs.stderr).toContain('crm.address.street: attribute is text; expected character varying(20)');
  }, 120_000);
});
