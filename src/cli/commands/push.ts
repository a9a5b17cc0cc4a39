import { loadProject } from '../../app/project.js';
import { push } from '../../app/push.js';
import type { FleetProgressLine } from '../../app/fleet-progress.js';
import {
  fleetArgs,
  fleetFrom,
  manifestArgs,
  onlineArgs,
  outArgs,
  policyFrom,
  projectOptions,
  pushFlagArgs,
  pushOptions,
  servicesArg,
  targetArgs,
  targetChoice,
} from '../args.js';
import { defineCli } from '../command.js';
import { jsonOnError } from '../json-errors.js';
import { printPush } from '../report.js';

export const pushCommand = defineCli({
  name: 'push',
  description:
    'Bring each service schema in line with the manifest, in one transaction per ' +
    'service, refusing data loss and foreign schemas',
  args: { ...servicesArg, ...manifestArgs, ...outArgs, ...targetArgs, ...pushFlagArgs, ...onlineArgs, ...fleetArgs },
  handler: async (args, io) => {
    const policy = policyFrom(args);
    if (typeof policy === 'string') {
      io.stderr(`${policy}\n(see schemagen push --help)`);
      return 2;
    }
    const fleet = fleetFrom(args);
    if (typeof fleet === 'string') {
      io.stderr(`${fleet}\n(see schemagen push --help)`);
      return 2;
    }
    // With --json, stdout holds the one document; progress goes to stderr.
    const options = {
      ...pushOptions(args, policy, args.json ? io.stderr : io.stdout),
      ...fleet,
      onFleetProgress: io.progress && ((p: FleetProgressLine) => io.progress!(p.text, p.left === 0)),
    };
    const failed = { ok: false, dryRun: options.dryRun ?? false, services: [] };
    const report = await jsonOnError(args.json, io, failed, async () =>
      push(await loadProject(projectOptions(args, io)), { ...targetChoice(args, io), ...options }),
    );
    printPush(report, args.json ?? false, io);
    return report.ok ? 0 : 1;
  },
});
