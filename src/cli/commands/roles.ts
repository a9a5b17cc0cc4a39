import { scrubSecrets } from '../../db/connection.js';
import { errorLine } from '../../db/push.js';
import { selectServices } from '../../db/targets.js';
import { roleName, roleStatements } from '../../db/roles.js';
import { defineCli, manifestArgs } from '../command.js';
import { UserError } from '../../errors.js';
import { loadProjectModel, project } from '../project.js';
import { perDatabase, plan, targetArgs, withConnections } from './database.js';

export const rolesCommand = defineCli({
  name: 'roles',
  description:
    'Print (or --apply) one least-privilege login role per service: its own schema only, read access to the tables it references',
  args: {
    services: { type: 'positional', required: false, description: 'services (default: all)' },
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
    const p = project(args, io);
    const model = await loadProjectModel(p);
    const passwordVar = args['password-env'];
    const password = passwordVar ? io.env[passwordVar] : undefined;
    if (passwordVar && !password) throw new UserError(`--password-env ${passwordVar}: the variable is not set`);
    for (const service of selectServices(model, args._)) {
      if (Buffer.byteLength(roleName(service)) > 63)
        throw new UserError(`role ${roleName(service)} is longer than 63 bytes; shorten service ${service.name}`);
      io.stdout(
        `-- service ${service.name}: role ${roleName(service)}${password ? ` (password shown as ***; --apply sets the real one)` : ''}`,
      );
      for (const s of roleStatements(model, service, { password, mask: true })) io.stdout(`${s};`);
    }
    if (!args.apply) return 0;
    const planned = plan(model, p, args, io);
    const secrets = [...planned.flatMap((x) => (x.target.url ? [x.target.url] : []))];
    const results = await withConnections(p.root, (connections) =>
      perDatabase(planned, async ({ service, target }) => {
        try {
          const db = await connections.get(target);
          await db.transaction(async (tx) => {
            // Concurrent GRANTs on one object fail with "tuple concurrently updated": one apply at a time.
            await tx.query(`select pg_advisory_xact_lock(hashtext('schemagen roles'))`);
            for (const s of roleStatements(model, service, { password, mask: false })) await tx.query(s);
          });
          return undefined;
        } catch (err) {
          const missing = (err as { code?: string }).code === '3F000' ? `; run schemagen push first` : '';
          // The password may be a statement literal; never let an error echo it.
          return (
            scrubSecrets(errorLine(err), secrets)
              .split(password || '\0')
              .join('***') + missing
          );
        }
      }),
    );
    let ok = true;
    for (const { service, target } of planned) {
      const error = results.get(service);
      if (error) {
        ok = false;
        io.stderr(`${service.name} → ${target.label}: failed: ${error}`);
      } else io.stdout(`${service.name} → ${target.label}: role ${roleName(service)} applied`);
    }
    return ok ? 0 : 1;
  },
});
