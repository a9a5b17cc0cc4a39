import { loadProject } from '../../app/project.js';
import { verify } from '../../app/verify.js';
import {
  manifestArgs,
  projectOptions,
  servicesArg,
  targetArgs,
  targetChoice,
  tenantArg,
  tenantsFrom,
} from '../args.js';
import { defineCli } from '../command.js';
import { jsonOnError } from '../json-errors.js';
import { printVerify } from '../report.js';

export const verifyCommand = defineCli({
  name: 'verify',
  description: 'Compare the live database with the manifest; exit 1 listing every difference',
  args: {
    ...servicesArg,
    ...manifestArgs,
    ...targetArgs,
    ...tenantArg,
    json: { type: 'boolean', description: 'print one JSON document' },
  },
  handler: async (args, io) => {
    const report = await jsonOnError(args.json, io, { ok: false, services: [] }, async () =>
      verify(await loadProject(projectOptions(args, io)), { ...targetChoice(args, io), tenants: tenantsFrom(args) }),
    );
    printVerify(report, args.json ?? false, io);
    return report.ok ? 0 : 1;
  },
});
