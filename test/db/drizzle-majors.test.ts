import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cli } from '../support/cli.js';
import { freshDatabase } from '../support/databases.js';
import { DRIZZLE_MAJORS, FIXTURES, type DrizzleMajorCase } from '../support/fixtures.js';

const ROOT = join(FIXTURES, '..', '..');
const SERVICES = ['auth', 'user', 'institution'] as const;
const titles = (rows: readonly Module[]) => rows.map((r) => r['title'] as string).sort();

/** A module of the project, typed loosely: its types differ between the two majors. */
type Module = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * A project with `manifest`, in a folder whose modules import that major's drizzle-orm: generated (for that
 * major, as generate says), pushed and verified by schemagen on a fresh database.
 */
async function pushedProject(on: DrizzleMajorCase, manifest: string) {
  mkdirSync(on.work, { recursive: true });
  const dir = mkdtempSync(join(on.work, 'queries-'));
  copyFileSync(manifest, join(dir, 'schema.yaml'));
  const generated = await cli(['generate'], { cwd: dir });
  expect(generated.stdout).toContain(`for drizzle-orm ${on.major}.x (drizzle-orm ${on.major}.`);
  const url = await freshDatabase(`queries${on.major}`);
  const env = { DATABASE_URL: url };
  const pushed = await cli(['push'], { cwd: dir, env });
  expect(pushed.code, pushed.stderr).toBe(0);
  const verified = await cli(['verify'], { cwd: dir, env });
  expect(verified.code, verified.stderr).toBe(0);
  const load = (file: string): Promise<Module> => import(pathToFileURL(join(dir, 'generated', file)).href);
  return { dir, url, load };
}

// The same queries for each drizzle-orm major, through modules freshly generated in a project that has that
// major installed, on the connection the generated db.ts opens.
describe.each(DRIZZLE_MAJORS)('drizzle-orm $major.x', (on) => {
  let dir = '';
  let url = '';
  let load: (file: string) => Promise<Module> = () => Promise.reject(new Error('no project'));
  /** The modules of each service and its database, closed after `fn`. */
  async function withServices(fn: (s: Record<(typeof SERVICES)[number], { m: Module; db: Module }>) => Promise<void>) {
    const loaded = await Promise.all(
      SERVICES.map(async (s) => ({ m: await load(`${s}/index.ts`), db: (await load(`${s}/db.ts`))['connect'](url) })),
    );
    try {
      await fn(Object.fromEntries(SERVICES.map((s, i) => [s, loaded[i]!])) as never);
    } finally {
      await Promise.all(loaded.map(({ db }) => db.$client.end()));
    }
  }

  beforeAll(async () => {
    ({ dir, url, load } = await pushedProject(on, join(ROOT, 'schema.yaml')));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('relational queries join within and across services; the soft-delete helpers take its database', async () => {
    const { eq } = (await import(pathToFileURL(join(on.project, 'node_modules/drizzle-orm/index.js')).href)) as Module;
    await withServices(async ({ auth, user, institution }) => {
      const [account] = await auth.db
        .insert(auth.m['accounts'])
        .values({ email: 'ada@example.com', passwordHash: 'x' })
        .returning();
      const profiles = user.m['profiles'];
      const [profile] = await user.db
        .insert(profiles)
        .values({ accountId: account.id, firstName: 'Ada', lastName: 'Lovelace' })
        .returning();
      const educations = user.m['educations'];
      await user.db.insert(educations).values([
        { profileId: profile.id, school: 'Home', startedOn: '1830-01-01' },
        { profileId: profile.id, school: 'London', startedOn: '1840-01-01' },
      ]);
      const [org] = await institution.db
        .insert(institution.m['institutions'])
        .values({ name: 'Analytical Engines', kind: 'company' })
        .returning();
      await institution.db.insert(institution.m['members']).values({ institutionId: org.id, profileId: profile.id });

      const found = await user.db.query.profiles.findFirst({ with: { account: true, educations: true } });
      expect(found.account.email).toBe('ada@example.com');
      expect(found.educations.map((e: Module) => e['school']).sort()).toEqual(['Home', 'London']);
      const orgs = await institution.db.query.institutions.findMany({
        with: { members: { with: { profile: true } } },
      });
      expect(orgs.map((o: Module) => o['members'].map((m: Module) => m['profile'].firstName))).toEqual([['Ada']]);
      const viaKey = await user.db.query.authAccounts.findMany();
      expect(viaKey.map((a: Module) => a['email'])).toEqual(['ada@example.com']);

      const deleted = await user.m['softDelete'](user.db, educations, eq(educations.school, 'Home'));
      expect(deleted.map((e: Module) => [e['school'], e['isDeleted']])).toEqual([['Home', true]]);
      const live = await user.db.select().from(educations).where(user.m['notDeleted'](educations));
      expect(live.map((e: Module) => e['school'])).toEqual(['London']);
    });
  });

  // Relations v1 (0.x) have no many-to-many; 1.x relates the two ends of a join table through it.
  if (on.major === 1)
    test('a join table relates the tables it links: institutions.profiles through members', async () => {
      await withServices(async ({ institution }) => {
        const orgs = await institution.db.query.institutions.findMany({ with: { profiles: true } });
        expect(orgs.map((o: Module) => o['profiles'].map((p: Module) => p['lastName']))).toEqual([['Lovelace']]);
      });
    });

  test('two keys from one table to another: each relation returns its own rows', async () => {
    const p = await pushedProject(on, join(FIXTURES, 'relations-two-foreign-keys', 'schema.yaml'));
    const work = await p.load('work/index.ts');
    const db = (await p.load('work/db.ts'))['connect'](p.url);
    try {
      const [alpha, beta] = await db
        .insert(work['projects'])
        .values([{ title: 'alpha' }, { title: 'beta' }])
        .returning();
      await db.insert(work['tasks']).values([
        { title: 'a1', projectId: alpha.id, leadProjectId: beta.id },
        { title: 'a2', projectId: alpha.id },
        { title: 'b1', projectId: beta.id, leadProjectId: alpha.id },
      ]);
      const projects = await db.query.projects.findMany({ with: { tasksByProject: true, tasksByLeadProject: true } });
      expect(
        projects.map((x: Module) => [x['title'], titles(x['tasksByProject']), titles(x['tasksByLeadProject'])]).sort(),
      ).toEqual([
        ['alpha', ['a1', 'a2'], ['b1']],
        ['beta', ['b1'], ['a1']],
      ]);
      const tasks = await db.query.tasks.findMany({ with: { project: true, leadProject: true } });
      expect(
        tasks.map((t: Module) => [t['title'], t['project'].title, t['leadProject']?.title ?? null]).sort(),
      ).toEqual([
        ['a1', 'alpha', 'beta'],
        ['a2', 'alpha', null],
        ['b1', 'beta', 'alpha'],
      ]);
    } finally {
      await db.$client.end();
      rmSync(p.dir, { recursive: true, force: true });
    }
  });

  test('a key over two columns relates its rows both ways, across services too', async () => {
    const p = await pushedProject(on, join(FIXTURES, 'composite-foreign-keys', 'schema.yaml'));
    const [sales, stock] = [await p.load('sales/index.ts'), await p.load('stock/index.ts')];
    const db = (await p.load('sales/db.ts'))['connect'](p.url);
    try {
      await db.insert(stock['warehouses']).values({ code: 'north', site: 2 });
      await db.insert(sales['orders']).values([
        { region: 'eu', number: 1 },
        { region: 'us', number: 1 },
      ]);
      await db.insert(sales['orderLines']).values([
        { orderRegion: 'eu', orderNumber: 1, line: 1, sku: 'a', warehouseCode: 'north', warehouseSite: 2 },
        { orderRegion: 'eu', orderNumber: 1, line: 2, sku: 'b' },
        { orderRegion: 'us', orderNumber: 1, line: 1, sku: 'c' },
      ]);
      const orders = await db.query.orders.findMany({ with: { orderLines: true } });
      expect(
        orders.map((o: Module) => [o['region'], o['orderLines'].map((l: Module) => l['sku']).sort()]).sort(),
      ).toEqual([
        ['eu', ['a', 'b']],
        ['us', ['c']],
      ]);
      const lines = await db.query.orderLines.findMany({ with: { order: true, warehouse: true } });
      expect(lines.map((l: Module) => [l['sku'], l['order'].region, l['warehouse']?.code ?? null]).sort()).toEqual([
        ['a', 'eu', 'north'],
        ['b', 'eu', null],
        ['c', 'us', null],
      ]);
    } finally {
      await db.$client.end();
      rmSync(p.dir, { recursive: true, force: true });
    }
  });
});
