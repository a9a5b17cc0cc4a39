import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs, renderUsage, type ArgsDef, type CommandDef } from 'citty';
import { ManifestError } from '../manifest/manifest-error.js';
import { UsageError, UserError } from '../shared/errors.js';
import { formatDiagnostic } from '../manifest/diagnostics.js';
import type { Command } from './command.js';
import type { CliIo } from './io.js';
import { plural } from '../shared/plural.js';

/**
 * Each command's module loads only when that command runs (or for the overall help): a no-op push
 * or verify must not pay for loading yaml, zod, drizzle-kit or TypeScript, which other commands need.
 */
const COMMANDS: readonly { readonly name: string; readonly load: () => Promise<Command> }[] = [
  { name: 'init', load: async () => (await import('./commands/init.js')).initCommand },
  { name: 'validate', load: async () => (await import('./commands/codegen.js')).validateCommand },
  { name: 'generate', load: async () => (await import('./commands/codegen.js')).generateCommand },
  { name: 'check', load: async () => (await import('./commands/codegen.js')).checkCommand },
  { name: 'diagram', load: async () => (await import('./commands/diagram.js')).diagramCommand },
  { name: 'lint', load: async () => (await import('./commands/lint.js')).lintCommand },
  { name: 'push', load: async () => (await import('./commands/push.js')).pushCommand },
  { name: 'verify', load: async () => (await import('./commands/verify.js')).verifyCommand },
  {
    name: 'migrations generate',
    load: async () => (await import('./commands/migrations.js')).migrationsGenerateCommand,
  },
  { name: 'migrate', load: async () => (await import('./commands/migrations.js')).migrateCommand },
  { name: 'roles', load: async () => (await import('./commands/roles.js')).rolesCommand },
  { name: 'tenant create', load: async () => (await import('./commands/tenant.js')).tenantCreateCommand },
  { name: 'tenant drop', load: async () => (await import('./commands/tenant.js')).tenantDropCommand },
  { name: 'up', load: async () => (await import('./commands/up.js')).upCommand },
  { name: 'import', load: async () => (await import('./commands/import.js')).importCommand },
  { name: 'json-schema', load: async () => (await import('./commands/json-schema.js')).jsonSchemaCommand },
];

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

const mainDef = async (): Promise<CommandDef> => ({
  meta: {
    name: 'schemagen',
    version: packageVersion(),
    description: 'One YAML manifest → Drizzle schemas, per-service configs, guarded push and live verification',
  },
  subCommands: Object.fromEntries(
    (await Promise.all(COMMANDS.map((c) => c.load()))).map((c) => [
      c.name,
      { meta: { name: c.name, description: c.description }, args: c.args },
    ]),
  ),
});

/** Runs one CLI invocation and returns its exit code; never exits the process itself. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const [first = '', ...afterFirst] = argv;
  const helpWanted = (list: readonly string[]) => list.includes('--help') || list.includes('-h');
  if (first === '--version' || first === '-V') {
    io.stdout(packageVersion());
    return EXIT.ok;
  }
  if (first === '' || first === '--help' || first === '-h' || first === 'help') {
    io.stdout(`${await renderUsage(await mainDef())}\nschemagen --version (or -V) prints the version.`);
    return first === '' ? EXIT.usage : EXIT.ok;
  }
  // Two-word commands (`migrations generate`) take the next word as part of their name.
  const twoWord = COMMANDS.find((c) => c.name === `${first} ${afterFirst[0] ?? ''}`);
  const entry = twoWord ?? COMMANDS.find((c) => c.name === first);
  const rest = twoWord ? afterFirst.slice(1) : afterFirst;
  if (!entry) {
    io.stderr(
      `unknown command ${JSON.stringify(first)}; expected one of: ` +
        `${COMMANDS.map((c) => c.name).join(', ')} (see schemagen --help)`,
    );
    return EXIT.usage;
  }
  const command = await entry.load();
  const def: CommandDef = { meta: { name: command.name, description: command.description }, args: command.args };
  if (helpWanted(rest)) {
    io.stdout(await renderUsage(def, await mainDef()));
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

/** This package's version, from its package.json (two folders above src/cli and dist/cli alike). */
function packageVersion(): string {
  const path = fileURLToPath(new URL('../../package.json', import.meta.url));
  return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
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
    const file = err.diagnostics[0]?.file ?? 'the manifest';
    io.stderr(`${plural(err.diagnostics.length, 'error')} in ${file}; nothing was written`);
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
