import { loadProject } from '../../app/project.js';
import { roles } from '../../app/roles.js';
import { UserError } from '../../shared/errors.js';
import { manifestArgs, projectOptions, servicesArg, targetArgs, targetChoice } from '../args.js';
import { defineCli } from '../command.js';
import { printRoles } from '../report.js';

export const rolesCommand = defineCli({
  name: 'roles',
  description:
    'Print (or --apply) one least-privilege login role per service: its own schema ' +
    'only, read access to the tables it references',
  args: {
    ...servicesArg,
    ...manifestArgs,
    ...targetArgs,
    apply: { type: 'boolean', description: "run the statements on each service's database" },
    'password-env': {
      type: 'string',
      description: 'environment variable holding the password to set (never printed)',
      valueHint: 'VAR',
    },
  },
  handler: async (args, io) => {
    const project = await loadProject(projectOptions(args, io));
    const passwordVar = args['password-env'];
    const password = passwordVar ? io.env[passwordVar] : undefined;
    if (passwordVar && !password) throw new UserError(`--password-env ${passwordVar}: the variable is not set`);
    const report = await roles(project, { ...targetChoice(args, io), apply: args.apply, password });
    printRoles(report, password !== undefined, io);
    return report.ok ? 0 : 1;
  },
});
