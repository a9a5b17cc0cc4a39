import { existsSync } from 'node:fs';
import { initProject } from '../../write/init-project.js';
import { manifestArgs, projectOptions } from '../args.js';
import { defineCli } from '../command.js';
import { openProject } from '../../app/project.js';

const GITIGNORE = {
  created: 'created .gitignore with .schemagen/',
  added: 'added .schemagen/ to .gitignore',
  present: '.gitignore already ignores .schemagen/',
};

export const initCommand = defineCli({
  name: 'init',
  description: 'Start a project: a starter schema.yaml, .schemagen/ git-ignored, npm scripts; never overwrites a file',
  args: {
    ...manifestArgs,
    tenants: { type: 'boolean', description: 'start with a per-tenant service: a schema for every tenant' },
  },
  handler: (args, io) => {
    const p = openProject(projectOptions(args, io));
    if (existsSync(p.manifestPath)) {
      io.stderr(
        `error: ${p.manifestArg} already exists; init never overwrites it (edit it, or pass --manifest <new file>)`,
      );
      return 1;
    }
    const tenants = args.tenants ?? false;
    const result = initProject(p.manifestPath, io.cwd, { tenants });
    const services = tenants
      ? 'a shared service (app) listing the tenants, a per-tenant service (workspace) with one table'
      : 'one service (app) with one table';
    io.stdout(`wrote ${p.manifestArg}: the default base, ${services}, a first line for editors`);
    io.stdout(GITIGNORE[result.gitignore]);
    const { scripts } = result;
    if ('byHand' in scripts) {
      io.stdout(`${scripts.why}; add these scripts to yours:\n${JSON.stringify({ scripts: scripts.byHand }, null, 2)}`);
    } else {
      if (scripts.added.length > 0) io.stdout(`package.json: added scripts ${scripts.added.join(', ')}`);
      if (scripts.kept.length > 0) io.stdout(`package.json: kept your scripts ${scripts.kept.join(', ')}`);
    }
    io.stdout('next: npm install --save-dev drizzle-schemagen (if not yet), edit the manifest, then npm run codegen');
    if (tenants)
      io.stdout(
        'then: npm run push; a new tenant is a row in app.tenants and ' +
          '`npx schemagen tenant create workspace <slug>` (or the next push)',
      );
    return 0;
  },
});
