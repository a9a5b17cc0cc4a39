import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { listedStatements } from '../support/cli.js';
import { BOTH, project } from '../support/project.js';
import { expectOk, expectSettled } from '../support/settled.js';

/**
 * Extensions listed once for the project (`extensions:`): created by push before the services'
 * objects (printed, in a dry run too) so defaults can call their functions on an empty database;
 * never dropped; a missing one reported by verify; imported from the database so that a push of the
 * import plans nothing.
 */
const manifest = (extensions: string) => `version: 1
${extensions}
services:
  shop:
    tables:
      orders:
        base: false
        columns:
          id: { type: uuid, primaryKey: true, default: { sql: uuid_generate_v4() } }
          token: { type: text, default: { sql: "encode(gen_random_bytes(4), 'hex')" } }
          code: { type: citext }
`;
const BOTH_EXTENSIONS = manifest('extensions: [pgcrypto, uuid-ossp, citext]');

const created = (stdout: string) => listedStatements(stdout).filter((l) => l.includes('EXTENSION'));

describe.each(BOTH)('on $name', (kind) => {
  test('declared extensions are created first, used by defaults, settled, verified and never dropped', async () => {
    const p = await project(kind, BOTH_EXTENSIONS);
    const dry = await p.run(['push', '--dry-run']);
    expectOk(dry, 'dry run');
    expect(created(dry.stdout)).toEqual([
      '  CREATE EXTENSION IF NOT EXISTS "pgcrypto";',
      '  CREATE EXTENSION IF NOT EXISTS "uuid-ossp";',
      '  CREATE EXTENSION IF NOT EXISTS "citext";',
    ]);
    expect(listedStatements(dry.stdout)[0]).toContain('CREATE EXTENSION');
    const first = await p.run(['push']);
    expectOk(first, 'first push');
    expect(created(first.stdout)).toHaveLength(3);
    await p.sql(`insert into shop.orders (code) values ('AbC')`);
    const [row] = await p.sql<{ id: string; token: string; found: boolean }>(
      `select id::text, token, code = 'abc' as found from shop.orders`,
    );
    expect(row!.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(row!.token).toMatch(/^[0-9a-f]{8}$/);
    expect(row!.found).toBe(true);
    await expectSettled(p, ['shop'], 'push after the first');
    expectOk(await p.run(['verify']), 'verify');

    await p.write(manifest('extensions: [pgcrypto, uuid-ossp, citext, hstore]'));
    const missing = await p.run(['verify']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('extension hstore: extension is missing from the database');
    expectOk(await p.run(['push']), 'push of one more extension');
    // An extension no longer listed stays: the columns and defaults of other tools may use it.
    await p.write(manifest('').replace(/code: \{ type: citext \}/, 'code: { type: text }'));
    const dropped = await p.run(['push', '--accept-data-loss']);
    expectOk(dropped, 'push without the extensions');
    expect(dropped.stdout).not.toContain('EXTENSION');
    const left = await p.sql<{ extname: string }>(`select extname from pg_extension order by 1`);
    expect(left.map((r) => r.extname)).toEqual(['citext', 'hstore', 'pgcrypto', 'plpgsql', 'uuid-ossp']);
  }, 180_000);

  test('import writes the extensions the database has, and a push of the import plans nothing', async () => {
    const p = await project(kind, BOTH_EXTENSIONS);
    expectOk(await p.run(['push']), 'push');
    const embedded = kind.name === 'pglite' ? ['--embedded'] : [];
    const imported = await p.run(['import', '--out', 'imported.yaml', '--schema', 'shop', ...embedded]);
    expect(imported.code, imported.stderr).toBe(0);
    const text = readFileSync(join(p.dir, 'imported.yaml'), 'utf8');
    expect(text).toMatch(/^extensions:\n {2}- citext\n {2}- pgcrypto\n {2}- uuid-ossp\n/m);
    await p.write(text);
    await expectSettled(p, ['shop'], 'push of the import');
  }, 180_000);
});

test('an extension embedded PGlite does not ship is refused by name, with the ones it does', async () => {
  const p = await project(BOTH[1]!, manifest('extensions: [postgis]'));
  const pushed = await p.run(['push']);
  expect(pushed.code).toBe(1);
  expect(pushed.stderr).toMatch(/extension postgis: embedded PGlite cannot load it; it ships .*pgcrypto.*uuid-ossp/);
});
