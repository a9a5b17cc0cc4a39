import { describe, expect, test } from 'vitest';
import { expectAdoptedAndReproduced } from '../support/adoption.js';
import { listedStatements } from '../support/cli.js';
import { BOTH, ORDERS_MANIFEST, project } from '../support/project.js';
import { expectOk, expectSettled } from '../support/settled.js';

/** Orders keyed by region and number; their lines reference them by both, named as the database names it. */
const MANIFEST = (foreignKeys: string) => `version: 1
services:
  sales:
    tables:
      orders:
        base: false
        columns:
          region: { type: varchar(8) }
          number: { type: integer }
        primaryKey: [region, number]
      order_lines:
        base: false
        columns:
          order_region: { type: varchar(8) }
          order_number: { type: integer }
          line: { type: smallint }
        primaryKey: [order_region, order_number, line]
${foreignKeys}`;

const LINE_TO_ORDER = `        foreignKeys:
          - columns: [order_region, order_number]
            references: { table: orders, columns: [region, number] }
            onDelete: cascade
            name: FK_OrderLine_Order
`;

/** A hand-built pair in public: a composite key to a unique constraint, and one to the primary key, keys named in any spelling. */
const HAND_BUILT = `
create schema depot;
create table depot.bins (aisle text, shelf integer, label text not null, primary key (aisle, shelf), unique (label, shelf));
create table depot.items (sku text primary key, aisle text, shelf integer, label text, label_shelf integer,
  constraint "FK_Item_Bin" foreign key (aisle, shelf) references depot.bins (aisle, shelf) on delete set null,
  foreign key (label, label_shelf) references depot.bins (label, shelf));
insert into depot.bins values ('a', 1, 'x'), ('b', 2, 'y');
insert into depot.items values ('s1', 'a', 1, 'x', 1), ('s2', null, null, 'y', 2);`;

describe.each(BOTH)('on $name', (kind) => {
  test('a composite foreign key is created with its name, refuses an orphan line and cascades a delete', async () => {
    const p = await project(kind, MANIFEST(LINE_TO_ORDER));
    const pushed = await p.run(['push']);
    expectOk(pushed, 'first push');
    expect(pushed.stdout).toContain(
      'CONSTRAINT "FK_OrderLine_Order" FOREIGN KEY ("order_region", "order_number") ' +
        'REFERENCES "sales"."orders"("region", "number") ON DELETE cascade',
    );
    await p.sql(
      `insert into sales.orders values ('eu', 1), ('us', 1); insert into sales.order_lines values ('eu', 1, 1), ('eu', 1, 2)`,
    );
    // The region alone exists, the pair does not.
    await expect(p.sql(`insert into sales.order_lines values ('eu', 2, 1)`)).rejects.toThrow(/FK_OrderLine_Order/);
    await p.sql(`delete from sales.orders where region = 'eu'`);
    expect(await p.sql(`select count(*)::int as n from sales.order_lines`)).toEqual([{ n: 0 }]);
    expectOk(await p.run(['verify']), 'verify');
    await expectSettled(p, ['sales'], 'second push');
  }, 120_000);

  test('a composite foreign key added to lines with rows: orphans are counted first, then it is added and settles', async () => {
    const p = await project(kind, MANIFEST(''));
    expectOk(await p.run(['push']), 'first push');
    await p.sql(
      `insert into sales.orders values ('eu', 1); insert into sales.order_lines values ('eu', 1, 1), ('eu', 7, 1), ('us', 7, 2)`,
    );
    await p.write(MANIFEST(LINE_TO_ORDER));
    const refused = await p.run(['push']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'foreign key FK_OrderLine_Order is violated by 2 existing rows of sales.order_lines',
    );
    expect(refused.stderr).toContain('nothing was changed');

    await p.sql(`delete from sales.order_lines where order_number = 7`);
    const pushed = await p.run(['push']);
    expectOk(pushed, 'push once the orphans are gone');
    const statements = listedStatements(pushed.stdout);
    const add =
      '  ALTER TABLE "sales"."order_lines" ADD CONSTRAINT "FK_OrderLine_Order" FOREIGN KEY ("order_region", "order_number") ' +
      'REFERENCES "sales"."orders"("region", "number") ON DELETE cascade';
    // On a server the rows are checked without holding writes: NOT VALID, then VALIDATE.
    if (kind.name === 'postgres') {
      expect(statements).toContain(`${add} NOT VALID;`);
      expect(statements).toContain('  ALTER TABLE "sales"."order_lines" VALIDATE CONSTRAINT "FK_OrderLine_Order";');
    } else expect(statements).toContain(`${add};`);
    expectOk(await p.run(['verify']), 'verify');
    await expectSettled(p, ['sales'], 'push after');
    expect(await p.sql(`select count(*)::int as n from sales.order_lines`)).toEqual([{ n: 1 }]);
  }, 120_000);

  test('import writes composite foreign keys with their names; push after import plans nothing; a round trip gives the same catalog', async () => {
    const p = await project(kind, ORDERS_MANIFEST);
    await p.sql(HAND_BUILT);
    const manifest = await expectAdoptedAndReproduced(kind, p, {
      schema: 'depot',
      rows: 'select * from depot.items order by sku',
      unmanaged: 'foreign key',
    });
    expect(manifest).toContain(
      '          - { columns: [ aisle, shelf ], references: { table: bins, columns: [ aisle, shelf ] }, onDelete: set null, name: FK_Item_Bin }\n',
    );
    expect(manifest).toContain(
      '          - { columns: [ label, label_shelf ], references: { table: bins, columns: [ label, shelf ] } }\n',
    );
  }, 180_000);
});
