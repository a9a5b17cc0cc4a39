import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { expectAdoptedAndReproduced } from '../support/adoption.js';
import { listedStatements } from '../support/cli.js';
import { BOTH, ORDERS_MANIFEST, project } from '../support/project.js';
import { expectOk, expectSettled } from '../support/settled.js';

/** Domains over a varchar, an integer, an enum and an array, used by keys, a foreign key and an array column. */
const HAND_BUILT = `
create schema crm;
create type crm.tier as enum ('free', 'paid');
create domain crm.email as varchar(320) not null constraint email_check check (value ~ '^[^@]+@[^@]+$');
create domain crm.positive_int as integer default 1 constraint positive_int_check check (value > 0);
create domain crm.account_tier as crm.tier default 'free';
create domain crm.flags as boolean[];
create table crm.customers (id crm.positive_int primary key, email crm.email unique, seats crm.positive_int not null,
  tier crm.account_tier, flags crm.flags, emails crm.email[]);
create table crm.orders (id integer primary key, customer_id crm.positive_int not null references crm.customers);
insert into crm.customers values (1, 'a@example.com', 3, 'paid', '{t,f}', '{b@example.com}'), (2, 'c@example.com', 1, null, null, null);
insert into crm.orders values (10, 1), (11, 2);`;

const ROWS = `select c.*, o.id as order_id from crm.customers c join crm.orders o on o.customer_id = c.id order by o.id`;

const MANIFEST = (domains: string) => `version: 1
services:
  crm:
    domains:
${domains}    tables:
      accounts:
        base: false
        columns:
          id: { type: integer, primaryKey: true }
          code: { type: code, nullable: true }
`;

describe.each(BOTH)('on $name', (kind) => {
  test('domains: import --strict writes them, push after import plans nothing, verify passes, a round trip gives the same catalog', async () => {
    const p = await project(kind, ORDERS_MANIFEST);
    await p.sql(HAND_BUILT);
    const manifest = await expectAdoptedAndReproduced(kind, p, { schema: 'crm', rows: ROWS, unmanaged: 'domain' });
    expect(manifest).toContain(
      '    domains:\n' +
        '      account_tier:\n        type: tier\n        default: free\n' +
        '      email:\n        type: varchar(320)\n        notNull: true\n' +
        '        checks: { email_check: { sql: "VALUE::text ~ \'^[^@]+@[^@]+$\'::text" } }\n',
    );
    expect(manifest).toContain('          emails: { type: "email[]", nullable: true }\n');
  }, 180_000);

  test('domains and a composite type of public move with the tables import sends to a service, values and checks kept', async () => {
    const p = await project(kind, ORDERS_MANIFEST);
    await p.sql(`
      create domain public.email as text constraint email_check check (value ~ '^[^@]+@[^@]+$');
      create type public.address as (street text, city text);
      create table public.customers (id integer primary key, email public.email not null, office public.address);
      insert into public.customers values (1, 'a@example.com', row('Main St 1', 'Oslo'));`);
    const imported = await p.run(['import', '--strict', '--map', '*=crm', '--out', 'schema.yaml', '--force']);
    expect(imported.code, imported.stderr).toBe(0);
    expectOk(await p.run(['generate']), 'generate');
    const pushed = await p.run(['push']);
    expectOk(pushed, 'push');
    expect(listedStatements(pushed.stdout).filter((l) => l.includes('SET SCHEMA'))).toEqual([
      '  ALTER TABLE "public"."customers" SET SCHEMA "crm";',
      '  ALTER DOMAIN "public"."email" SET SCHEMA "crm";',
      '  ALTER TYPE "public"."address" SET SCHEMA "crm";',
    ]);
    expect(await p.sql(`select email, (office).city as city from crm.customers`)).toEqual([
      { email: 'a@example.com', city: 'Oslo' },
    ]);
    await expect(p.sql(`insert into crm.customers values (2, 'no address', null)`)).rejects.toThrow(/email_check/);
    expectOk(await p.run(['verify']), 'verify');
    await expectSettled(p, ['crm'], 'push after the move');
  }, 120_000);

  test('a domain of public named like one its home service already has stays listed, with its column', async () => {
    const p = await project(kind, ORDERS_MANIFEST);
    await p.sql(`
      create schema crm;
      create domain crm.email as text;
      create table crm.customers (id integer primary key, email crm.email);
      create domain public.email as varchar(320);
      create table public.crm_leads (id integer primary key, email public.email);`);
    const imported = await p.run(['import', '--map', 'crm_=crm', '--out', 'schema.yaml', '--force']);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stderr).toContain('service crm has another type email; a service declares one type of a name');
    expect(imported.stderr).toMatch(/column public\.crm_leads\.email: type email has no manifest form/);
    expect(readFileSync(join(p.dir, 'schema.yaml'), 'utf8')).toMatch(/domains:\n {6}email:\n {8}type: text\n/);
  }, 120_000);

  test('a domain changes in place: default, NOT NULL, a check added (NOT VALID then validated on a server) and one dropped', async () => {
    const before = MANIFEST(`      code:
        type: text
        checks:
          code_short: { sql: length(VALUE) < 10 }
`);
    const p = await project(kind, before);
    expectOk(await p.run(['push']), 'first push');
    await p.sql(`insert into crm.accounts values (1, 'abc'), (2, 'de')`);
    const after = MANIFEST(`      code:
        type: text
        notNull: true
        default: none
        checks:
          code_lower: { sql: "VALUE = lower(VALUE) AND VALUE <> ''" }
`);
    await p.write(after);
    const pushed = await p.run(['push']);
    expectOk(pushed, 'push of the changes');
    const statements = listedStatements(pushed.stdout);
    expect(statements).toContain('  ALTER DOMAIN "crm"."code" SET DEFAULT \'none\';');
    expect(statements).toContain('  ALTER DOMAIN "crm"."code" SET NOT NULL;');
    expect(statements).toContain('  ALTER DOMAIN "crm"."code" DROP CONSTRAINT "code_short";');
    if (kind.name === 'postgres') {
      expect(statements).toContain(
        `  ALTER DOMAIN "crm"."code" ADD CONSTRAINT "code_lower" CHECK (VALUE = lower(VALUE) AND VALUE <> '') NOT VALID;`,
      );
      expect(statements).toContain('  ALTER DOMAIN "crm"."code" VALIDATE CONSTRAINT "code_lower";');
    } else
      expect(statements).toContain(
        `  ALTER DOMAIN "crm"."code" ADD CONSTRAINT "code_lower" CHECK (VALUE = lower(VALUE) AND VALUE <> '');`,
      );
    expect(pushed.stdout).toContain('removes check code_short from domain crm.code (not in the manifest)');
    await expectSettled(p, ['crm'], 'push after the domain changes');
    expectOk(await p.run(['verify']), 'verify');
    await p.sql(`insert into crm.accounts (id) values (3)`);
    expect(await p.sql(`select code from crm.accounts where id = 3`)).toEqual([{ code: 'none' }]);
    await expect(p.sql(`insert into crm.accounts values (4, 'UP')`)).rejects.toThrow(/code_lower/);
    // The server spells the check its own way (VALUE <> ''::text): compared through it, nothing differs.
    const [check] = await p.sql<{ def: string }>(
      `select pg_get_constraintdef(oid) as def from pg_constraint where conname = 'code_lower'`,
    );
    expect(check!.def).toContain("''::text");
  }, 120_000);

  test("a domain the manifest does not declare is left alone and listed; a domain's new base type is refused", async () => {
    const p = await project(kind, MANIFEST(`      code: { type: text }\n`));
    expectOk(await p.run(['push']), 'first push');
    await p.sql(`create domain crm.undeclared as integer check (value > 0)`);
    const verified = await p.run(['verify']);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain('  unmanaged: domain crm.undeclared (not in the manifest; push leaves it alone)');
    await expectSettled(p, ['crm'], 'push beside an undeclared domain');
    await p.write(MANIFEST(`      code: { type: varchar(20) }\n`));
    const refused = await p.run(['push']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      "domain crm.code is over text; a domain's base type cannot change in place: " +
        'declare a new domain over character varying(20) and change the columns to it',
    );
  }, 120_000);
});
