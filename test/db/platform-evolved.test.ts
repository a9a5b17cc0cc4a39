import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { FIXTURES } from '../support/fixtures.js';
import { PGLITE, POSTGRES, project, type TargetKind } from '../support/project.js';
import { expectOk, expectSettled, withColumn } from '../support/settled.js';
import { listedStatements } from '../support/cli.js';

const PLATFORM = readFileSync(join(FIXTURES, '..', '..', 'schema.yaml'), 'utf8');
const SERVICES = ['auth', 'user', 'institution', 'internship', 'application', 'notification'];

/** The table of each service that gets a new column; institution.members has the composite key. */
const EVOLVED: readonly (readonly [service: string, table: string])[] = [
  ['auth', 'accounts'],
  ['user', 'profiles'],
  ['institution', 'members'],
  ['internship', 'internships'],
  ['application', 'applications'],
  ['notification', 'notifications'],
];

/** One row in every table of the platform, foreign keys satisfied. */
const ROWS = `
  insert into auth.accounts (id, email, password_hash) values ('00000000-0000-4000-8000-000000000001', 'a@example.com', 'x');
  insert into auth.sessions (account_id, token_hash, expires_at) values ('00000000-0000-4000-8000-000000000001', 't', now());
  insert into "user".profiles (id, account_id, first_name, last_name)
    values ('00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000001', 'Ada', 'Lovelace');
  insert into "user".educations (profile_id, school, started_on) values ('00000000-0000-4000-8000-000000000002', 'School', '2020-01-01');
  insert into institution.institutions (id, name, kind) values ('00000000-0000-4000-8000-000000000003', 'Uni', 'university');
  insert into institution.members (institution_id, profile_id) values ('00000000-0000-4000-8000-000000000003', '00000000-0000-4000-8000-000000000002');
  insert into internship.internships (id, institution_id, title, description, starts_on, ends_on)
    values ('00000000-0000-4000-8000-000000000004', '00000000-0000-4000-8000-000000000003', 'Intern', 'Work', '2024-01-01', '2024-06-01');
  insert into internship.postings (internship_id, channel) values ('00000000-0000-4000-8000-000000000004', 'web');
  insert into application.applications (id, applicant_id, internship_id)
    values ('00000000-0000-4000-8000-000000000005', '00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000004');
  insert into application.application_events (application_id, to_status) values ('00000000-0000-4000-8000-000000000005', 'submitted');
  insert into notification.notifications (id, recipient_id, channel, title, body)
    values ('00000000-0000-4000-8000-000000000006', '00000000-0000-4000-8000-000000000002', 'email', 'Hi', 'Hello');
  insert into notification.delivery_attempts (notification_id, attempt, succeeded) values ('00000000-0000-4000-8000-000000000006', 1, true);`;

/**
 * The day-to-day change on the seed platform: one service at a time gets a nullable column, is
 * generated and pushed alone; verify passes and the next push has nothing to do.
 */
async function evolve(kind: TargetKind, evolved: typeof EVOLVED) {
  const p = await project(kind, PLATFORM);
  expectOk(await p.run(['push']), 'first push');
  await p.sql(ROWS);
  let manifest = PLATFORM;
  for (const [service, table] of evolved) {
    manifest = withColumn(manifest, service, table, 'evolved_note: { type: text, nullable: true }');
    await p.write(manifest);
    // The dry run shows the one statement the change needs, and nothing re-emitted besides it.
    const dry = await p.run(['push', '--dry-run', service]);
    expectOk(dry, `push --dry-run ${service} after adding ${table}.evolved_note`);
    expect(listedStatements(dry.stdout), dry.stdout).toEqual([
      `  ALTER TABLE "${service}"."${table}" ADD COLUMN "evolved_note" text;`,
    ]);
    const pushed = await p.run(['push', service]);
    expectOk(pushed, `push ${service} after adding ${table}.evolved_note`);
    expect(pushed.stdout).toMatch(new RegExp(`^${service} → .*: altered, 1 statement$`, 'm'));
    const [column] = await p.sql<{ n: number }>(`select count(*)::int as n from information_schema.columns
      where table_schema = '${service}' and table_name = '${table}' and column_name = 'evolved_note'`);
    expect(column, `${service}.${table}.evolved_note exists`).toEqual({ n: 1 });
    expectOk(await p.run(['verify']), `verify after pushing ${service}`);
    await expectSettled(p, SERVICES, `push after pushing ${service}`);
  }
  const [members] = await p.sql<{ n: number }>(
    'select count(*)::int as n from institution.members where evolved_note is null',
  );
  expect(members).toEqual({ n: 1 });
}

describe('the seed platform, one nullable column per service, pushed service by service', () => {
  test('on postgres: each push applies one statement, verify passes, the next push changes nothing', async () => {
    await evolve(POSTGRES, EVOLVED);
  }, 300_000);

  // PGlite opens its folder per command (about a second each): the composite-key service and one more.
  test('on pglite: the same for institution (composite key) and auth', async () => {
    await evolve(
      PGLITE,
      EVOLVED.filter(([s]) => s === 'institution' || s === 'auth'),
    );
  }, 300_000);
});
