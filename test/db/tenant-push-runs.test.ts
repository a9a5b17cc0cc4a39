import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import postgres from 'postgres';
import { describe, expect, test } from 'vitest';
import { run } from '../../src/cli/run.js';
import { spawnCli } from '../support/cli.js';
import { BOTH, POSTGRES, project } from '../support/project.js';
import { TENANTS, manifest, statuses } from '../support/tenants.js';

/**
 * A fleet push as an operator lives it: killed halfway and run again, it pushes only the tenants not in
 * sync; on a terminal it says how far it is on one line.
 */
const BIN = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'bin.js');
const NOTE = `\n          note: { type: text, nullable: true }`;

describe('on postgres only', () => {
  test('a fleet push killed halfway, run again, pushes only the tenants not in sync', async () => {
    const p = await project(POSTGRES, manifest());
    const names = Array.from({ length: 8 }, (_, i) => `t${i + 1}`);
    await p.sql(`create table public.tenants (slug text primary key);
      insert into public.tenants values ${names.map((n) => `('${n}')`).join(', ')}`);
    expect((await p.run(['push'])).code).toBe(0);
    await p.write(manifest(NOTE));
    // A reader holds t4's orders, so the push (one tenant at a time, in the order listed) waits there.
    const reader = postgres(p.env['DATABASE_URL']!, { max: 1, onnotice: () => {} });
    let release = () => {};
    const held = new Promise<void>((r) => (release = r));
    let locked = () => {};
    const isLocked = new Promise<void>((r) => (locked = r));
    const holding = reader.begin(async (tx) => {
      await tx`lock table tenant_t4.orders in access share mode`;
      locked();
      await held;
    });
    try {
      await isLocked;
      const killed = spawnCli(['push', '--concurrency', '1'], p.dir, { ...p.env });
      await killed.waitForOutput('retry 1', 60_000);
      killed.kill();
      await killed.done;
    } finally {
      release();
      await holding;
      await reader.end();
    }
    const noted = await p.sql<{ schema: string }>(
      `select table_schema as schema from information_schema.columns where column_name = 'note' order by 1`,
    );
    expect(noted.map((r) => r.schema)).toEqual(['tenant_t1', 'tenant_t2', 'tenant_t3']);
    const resumed = await p.run(['push', '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(statuses(resumed.stdout)).toEqual(
      Object.fromEntries(names.map((n, i) => [n, i < 3 ? 'unchanged' : 'altered'])),
    );
    expect((await p.run(['verify'])).code).toBe(0);
  });
  test("push --json's report of many tenants arrives whole through a pipe", async () => {
    const p = await project(POSTGRES, manifest());
    const names = Array.from({ length: 160 }, (_, i) => `t${i + 1}`);
    await p.sql(`create table public.tenants (slug text primary key);
      insert into public.tenants values ${names.map((n) => `('${n}')`).join(', ')}`);
    // Far more than a pipe holds (64 KiB): the process must not exit before its output is written.
    const r = spawnSync(process.execPath, [BIN, 'push', '--json'], { cwd: p.dir, env: { ...p.env }, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.length).toBeGreaterThan(200_000);
    expect(Object.values(statuses(r.stdout))).toEqual(names.map(() => 'created'));
  });
});

describe.each(BOTH)('on $name', (kind) => {
  test('on a terminal, push shows tenants done, failed and left, and the time left, on one line', async () => {
    const p = await project(kind, manifest());
    await p.sql(TENANTS);
    expect((await p.run(['push'])).code).toBe(0);
    // globex holds a row that a new NOT NULL column without a default cannot take.
    await p.sql(`insert into tenant_globex.orders (status) values ('paid')`);
    await p.write(manifest(`\n          total: { type: integer }`));
    const lines: [string, boolean][] = [];
    let out = '';
    const code = await run(['push', '--concurrency', '1', ...(kind.name === 'pglite' ? ['--embedded'] : [])], {
      stdout: (t) => (out += t),
      stderr: (t) => (out += t),
      env: p.env,
      cwd: p.dir,
      progress: (text, last) => lines.push([text, last]),
    });
    expect(code).toBe(1);
    expect(lines[0]![0]).toMatch(/^shop: 1\/3 tenants pushed, 0 failed, 2 left, about \d+ s left$/);
    expect(lines.at(-1)).toEqual(['shop: 3/3 tenants pushed, 1 failed, 0 left', true]);
    expect(lines.slice(0, -1).every(([, last]) => !last)).toBe(true);
    // Not on a terminal (no progress writer): no such line among the output.
    expect(out).not.toContain('tenants pushed');
    const plain = await p.run(['push']);
    expect(plain.stdout + plain.stderr).not.toContain('tenants pushed');
  });
});
