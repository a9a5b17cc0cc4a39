import { loadProject } from '../../app/project.js';
import { createTenant, dropTenant, type TenantChange } from '../../app/tenant-lifecycle.js';
import { UsageError } from '../../shared/errors.js';
import { manifestArgs, projectOptions, targetArgs, targetChoice } from '../args.js';
import { defineCli } from '../command.js';
import type { CliIo } from '../io.js';

const tenantArgs = {
  names: { type: 'positional', required: false, description: '<service> <tenant>' },
  ...manifestArgs,
  ...targetArgs,
  json: { type: 'boolean', description: 'print one JSON document' },
} as const;

/** `<service> <tenant>`, the two words every tenant command takes. */
function serviceAndTenant(words: readonly string[], command: string): [string, string] {
  if (words.length !== 2)
    throw new UsageError(`expected: schemagen ${command} <service> <tenant>, got ${words.length} names`);
  return [words[0]!, words[1]!];
}

function printChange(c: TenantChange, json: boolean, io: CliIo): number {
  const failed = c.status === 'failed' || c.status === 'refused';
  if (json) io.stdout(JSON.stringify(c));
  else {
    const out = failed ? io.stderr : io.stdout;
    out(`${c.service} ${c.tenant} (${c.schema}) → ${c.target}: ${c.status}`);
    for (const sql of c.statements) out(`  ${sql.trim().replace(/;$/, '').replace(/\n/g, '\n    ')};`);
    for (const reason of c.reasons) out(`  ${reason}`);
  }
  return failed ? 1 : 0;
}

export const tenantCreateCommand = defineCli({
  name: 'tenant create',
  description: 'Create one tenant of a per-tenant service: its schema with every table, as push makes it',
  args: tenantArgs,
  handler: async (args, io) => {
    const [service, tenant] = serviceAndTenant(args._, 'tenant create');
    const project = await loadProject(projectOptions(args, io));
    return printChange(
      await createTenant(project, service, tenant, targetChoice({ ...args, _: [] }, io)),
      args.json ?? false,
      io,
    );
  },
});

export const tenantDropCommand = defineCli({
  name: 'tenant drop',
  description: "Drop one tenant's schema; refused while its tables hold rows unless --accept-data-loss",
  args: {
    ...tenantArgs,
    'accept-data-loss': { type: 'boolean', description: 'drop the schema even though its tables hold rows' },
  },
  handler: async (args, io) => {
    const [service, tenant] = serviceAndTenant(args._, 'tenant drop');
    const project = await loadProject(projectOptions(args, io));
    const options = { ...targetChoice({ ...args, _: [] }, io), acceptDataLoss: args['accept-data-loss'] };
    return printChange(await dropTenant(project, service, tenant, options), args.json ?? false, io);
  },
});
