import { expect, test } from 'vitest';
import { connectUrl } from '../../src/db/connect/connection.js';
import { freshDatabase } from '../support/databases.js';

// Push and verify read the catalog through Db.readOnly: statements sent together run on two
// connections that share one exported snapshot. What commits meanwhile must stay out of both.
test('readOnly spreads statements over two connections that see one snapshot', async () => {
  const url = await freshDatabase('shared_snapshot');
  const db = connectUrl(url);
  const other = connectUrl(url);
  try {
    await db.batch(['create table things (id int)', 'insert into things values (1)']);
    const count = 'select count(*)::int as n, pg_backend_pid() as pid from things';
    type Row = { n: number; pid: number };
    const [before, together] = await db.readOnly(async (q) => {
      const first = await q.query<Row>(count);
      await other.batch(['insert into things values (2)', 'create table later (id int)']);
      const rows = await Promise.all([
        q.query<Row>(count),
        q.query<Row>(count),
        q.query<{ n: number }>(`select count(*)::int as n from pg_class where relname = 'later'`),
      ]);
      return [first, rows] as const;
    });
    expect(before[0]!.n).toBe(1);
    expect(together.map((rows) => rows[0]!.n)).toEqual([1, 1, 0]);
    // Two statements sent together went to two connections (two server processes).
    expect(together[0]![0]!.pid).not.toBe(together[1]![0]!.pid);
    expect((await db.query<Row>(count))[0]!.n).toBe(2);
  } finally {
    await Promise.all([db.close(), other.close()]);
  }
});

test('a failing statement inside readOnly fails the read and leaves the connections usable', async () => {
  const db = connectUrl(await freshDatabase('shared_snapshot_failure'));
  try {
    await expect(
      db.readOnly((q) => Promise.all([q.query('select 1'), q.query('select * from no_such_table')])),
    ).rejects.toThrow(/no_such_table/);
    expect((await db.readOnly((q) => q.query<{ one: number }>('select 1 as one')))[0]).toEqual({ one: 1 });
  } finally {
    await db.close();
  }
});
