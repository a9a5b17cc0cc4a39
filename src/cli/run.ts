import { parseArgs, renderUsage, type ArgsDef, type CommandDef } from 'citty';
import { ManifestError, UsageError, UserError } from '../errors.js';
import { formatDiagnostic } from '../manifest/diagnostics.js';
import type { Command } from './command.js';
import { checkCommand, generateCommand, validateCommand } from './commands/codegen.js';
import { pushCommand } from './commands/push.js';
import { verifyCommand } from './commands/verify.js';
import { diagramCommand } from './commands/diagram.js';
import { importCommand } from './commands/import.js';
import { initCommand } from './commands/init.js';
import { jsonSchemaCommand } from './commands/json-schema.js';
import { lintCommand } from './commands/lint.js';
import { migrateCommand, migrationsGenerateCommand } from './commands/migrations.js';
import { rolesCommand } from './commands/roles.js';
import { upCommand } from './commands/up.js';
import type { CliIo } from './io.js';

const COMMANDS: readonly Command[] = [
  initCommand,
  validateCommand,
  generateCommand,
  checkCommand,
  diagramCommand,
  lintCommand,
  pushCommand,
  verifyCommand,
  migrationsGenerateCommand,
  migrateCommand,
  rolesCommand,
  upCommand,
  importCommand,
  jsonSchemaCommand,
];

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

const main: CommandDef = {
  meta: {
    name: 'schemagen',
    description: 'One YAML manifest → Drizzle schemas, per-service configs, guarded push and live verification',
  },
  subCommands: Object.fromEntries(
    COMMANDS.map((c) => [c.name, { meta: { name: c.name, description: c.description }, args: c.args }]),
  ),
};

/** Runs one CLI invocation and returns its exit code; never exits the process itself. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const [first = '', ...afterFirst] = argv;
  const helpWanted = (list: readonly string[]) => list.includes('--help') || list.includes('-h');
  if (first === '' || first === '--help' || first === '-h' || first === 'help') {
    io.stdout(await renderUsage(main));
    return first === '' ? EXIT.usage : EXIT.ok;
  }
  // Two-word commands (`migrations generate`) take the next word as part of their name.
  const twoWord = COMMANDS.find((c) => c.name === `${first} ${afterFirst[0] ?? ''}`);
  const command = twoWord ?? COMMANDS.find((c) => c.name === first);
  const rest = twoWord ? afterFirst.slice(1) : afterFirst;
  if (!command) {
    io.stderr(
      `unknown command ${JSON.stringify(first)}; expected one of: ` +
        `${COMMANDS.map((c) => c.name).join(', ')} (see schemagen --help)`,
    );
    return EXIT.usage;
  }
  const def: CommandDef = { meta: { name: command.name, description: command.description }, args: command.args };
  if (helpWanted(rest)) {
    io.stdout(await renderUsage(def, main));
    return EXIT.ok;
  }
  let args;
  try {
    args = parseStrict(rest, command.args);
  } catch (err) {
    io.stderr(`${(err as Error).message}\n(see schemagen ${command.name} --help)`);
    return EXIT.usage;
  }
  try {
    return await command.handler(args, io);
  } catch (err) {
    return reportError(err, io);
  }
}

/** citty's parser accepts anything; a typo in a flag must be a usage error, not silently ignored. */
function parseStrict(raw: readonly string[], defs: ArgsDef) {
  const known = new Set<string>();
  for (const [name, def] of Object.entries(defs)) {
    known.add(name);
    if ('alias' in def) for (const alias of [def.alias ?? []].flat()) known.add(alias);
    if (def.type === 'boolean') known.add(`no-${name}`);
  }
  for (const token of raw) {
    if (token === '--') break;
    const flag = /^--?([^=]+)/.exec(token)?.[1];
    if (flag && !/^-\d/.test(token) && !known.has(flag)) throw new Error(`unknown option ${token.split('=')[0]}`);
  }
  const parsed = parseArgs([...raw], defs);
  for (const [name, def] of Object.entries(defs)) {
    // An empty value (`--out` last, or `--out=`) would mean the current folder: never what was meant.
    if (def.type === 'string' && name in parsed && (typeof parsed[name] !== 'string' || parsed[name] === ''))
      throw new Error(`option --${name} needs a value`);
    // citty keeps the last of repeated options; an option described as repeatable gets them all.
    if (def.type === 'string' && def.description?.includes('(repeatable)'))
      (parsed as Record<string, unknown>)[name] = occurrences(raw, name);
  }
  const positionals = Object.values(defs).some((d) => d.type === 'positional');
  if (!positionals && parsed._.length > 0) throw new Error(`unexpected argument ${JSON.stringify(parsed._[0])}`);
  return parsed;
}

function occurrences(raw: readonly string[], name: string): string[] {
  const end = raw.indexOf('--');
  const tokens = end < 0 ? raw : raw.slice(0, end);
  return tokens.flatMap((t, i) =>
    t === `--${name}` && i + 1 < tokens.length
      ? [tokens[i + 1]!]
      : t.startsWith(`--${name}=`)
        ? [t.slice(name.length + 3)]
        : [],
  );
}

function reportError(err: unknown, io: CliIo): number {
  if (err instanceof ManifestError) {
    for (const d of err.diagnostics) io.stderr(formatDiagnostic(d));
    io.stderr(
      `${err.diagnostics.length} error(s) in ${err.diagnostics[0]?.file ?? 'the manifest'}; nothing was written`,
    );
    return EXIT.failed;
  }
  if (err instanceof UserError) {
    io.stderr(`error: ${err.message}`);
    return err instanceof UsageError ? EXIT.usage : EXIT.failed;
  }
  io.stderr(`internal error: ${err instanceof Error ? err.message : String(err)}`);
  if (io.env['SCHEMAGEN_DEBUG'] && err instanceof Error) io.stderr(err.stack ?? '');
  return EXIT.failed;
}
