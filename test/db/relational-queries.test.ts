import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { asc } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { expect, test } from 'vitest';
import * as work from '../fixtures/relations-two-foreign-keys/expected/work/index.js';
import { FIXTURES } from '../support/fixtures.js';
import { PGLITE, project } from '../support/project.js';

// The golden of two keys from tasks to projects (and one back), queried through Drizzle's relational API.
test('both relations of two foreign keys to one table return their own rows', async () => {
  const p = await project(PGLITE, readFileSync(join(FIXTURES, 'relations-two-foreign-keys', 'schema.yaml'), 'utf8'));
  expect((await p.run(['push'])).code).toBe(0);
  const client = await PGlite.create(join(p.dir, '.schemagen', 'pglite'));
  try {
    const db = drizzle(client, { schema: work.schema });
    const [alpha, beta] = await db
      .insert(work.projects)
      .values([{ title: 'alpha' }, { title: 'beta' }])
      .returning();
    await db.insert(work.tasks).values([
      { title: 'a1', projectId: alpha!.id, leadProjectId: beta!.id },
      { title: 'a2', projectId: alpha!.id },
      { title: 'b1', projectId: beta!.id, leadProjectId: alpha!.id },
    ]);
    const titles = (rows: readonly { title: string }[]) => rows.map((r) => r.title).sort();

    const projects = await db.query.projects.findMany({
      with: { tasksByProject: true, tasksByLeadProject: true },
      orderBy: asc(work.projects.title),
    });
    expect(projects.map((x) => [x.title, titles(x.tasksByProject), titles(x.tasksByLeadProject)])).toEqual([
      ['alpha', ['a1', 'a2'], ['b1']],
      ['beta', ['b1'], ['a1']],
    ]);

    const tasks = await db.query.tasks.findMany({
      with: { project: true, leadProject: true },
      orderBy: asc(work.tasks.title),
    });
    expect(tasks.map((t) => [t.title, t.project.title, t.leadProject?.title ?? null])).toEqual([
      ['a1', 'alpha', 'beta'],
      ['a2', 'alpha', null],
      ['b1', 'beta', 'alpha'],
    ]);
  } finally {
    await client.close();
  }
}, 120_000);
