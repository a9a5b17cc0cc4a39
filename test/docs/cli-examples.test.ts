import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, test } from 'vitest';
import { cli } from '../support/cli.js';
import { PAGES, ROOT, codeBlocks, type CodeBlock } from '../support/markdown.js';

// The command lines of README.md and docs/: every `schemagen …` the pages show (in shell blocks and in
// code spans) names a command that exists with options it takes, every `npm` script exists, every
// `npm install` (`npm i`) installs the tool or its dependencies at versions the repository tests, every
// `--option` mentioned is one a command takes, and the JSON documents shown are what the commands print.

const help = async (args: readonly string[]) => stripVTControlCharacters((await cli([...args, '--help'])).stdout);
const COMMANDS = (await help([]))
  .split('\n')
  .find((l) => l.startsWith('USAGE'))!
  .replace(/^USAGE schemagen /, '')
  .trim()
  .split('|');
/** Every option of every command, and those of the other tools the pages show (drizzle-kit, pg_dump). */
/** The options schemagen takes without a command (`--version`), as its usage names them. */
const TOP_LEVEL = new Set((await help([])).match(/--[a-z][a-z-]*/g) ?? []);
const OPTIONS = new Set([
  ...TOP_LEVEL,
  ...(await Promise.all(COMMANDS.map((c) => help(c.split(' '))))).flatMap((h) => h.match(/--[a-z][a-z-]*/g) ?? []),
  '--help',
  '--config',
  '--jobs',
]);
interface PackageJson {
  name: string;
  scripts: Record<string, string>;
  workspaces?: string[];
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}
const readPackage = (dir: string) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
const PACKAGE = readPackage(ROOT);
const SCRIPTS = PACKAGE.scripts;
/** What a project installs for the tool: the tool itself and its dependencies (drizzle-orm, postgres, drizzle-kit). */
const INSTALLABLE = new Set([
  PACKAGE.name,
  ...Object.keys(PACKAGE.peerDependencies ?? {}),
  ...Object.keys(PACKAGE.dependencies ?? {}),
]);
/** Every version spec the repository installs a package at (its own and its workspaces' package.json). */
const TESTED_SPECS = [PACKAGE, ...(PACKAGE.workspaces ?? []).map((w) => readPackage(join(ROOT, w)))]
  .flatMap((p) => [p.dependencies, p.peerDependencies, p.devDependencies])
  .flatMap((deps) => Object.entries(deps ?? {}))
  .map(([name, spec]) => `${name}@${spec}`);

/** What is wrong with `schemagen <words>` as the docs write it (`[--flag value]` spellings included), or ''. */
async function schemagenProblem(words: readonly string[]): Promise<string> {
  if (words.length === 1 && TOP_LEVEL.has(words[0]!)) return '';
  const command = COMMANDS.find((c) => words.slice(0, c.split(' ').length).join(' ') === c);
  if (!command) return `no command ${JSON.stringify(words[0])}`;
  const options = await help(command.split(' '));
  const flags = words.join(' ').match(/--[a-z][a-z-]*/g) ?? [];
  const unknown = flags.filter((f) => !new RegExp(`${f}(?![a-z-])`).test(options));
  return unknown.length > 0 ? `schemagen ${command} takes no ${unknown.join(', ')}` : '';
}

/** The commands of a shell block: continuation lines joined, comments dropped, `&&` split. */
const shellCommands = (block: CodeBlock) =>
  block.text
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .flatMap((line) => line.replace(/\s+#.*$/, '').split('&&'))
    .map((c) => c.trim().split(/\s+/).filter(Boolean))
    .map((words) => words.slice(words.findIndex((w) => !/^[A-Z_]+=/.test(w))))
    .filter((words) => words.length > 0);

/** What is wrong with `npm install <args>`: a package a project has no use for, or a version nothing here tests. */
function installProblem(args: readonly string[]): string {
  const problems = args
    .filter((a) => a !== '-D' && a !== '--save-dev')
    .map((spec) => {
      const name = spec.replace(/(?<=.)@.*$/, '');
      if (!INSTALLABLE.has(name)) return `${name} is neither drizzle-schemagen nor one of its dependencies`;
      if (spec !== name && !TESTED_SPECS.includes(spec))
        return `${spec} is a version no package.json of the repository tests`;
      return '';
    });
  return problems.filter(Boolean).join('; ');
}

async function shellProblem(words: readonly string[]): Promise<string> {
  const [tool, first = '', second = ''] = words;
  if (tool === 'npm' && first === 'ci') return '';
  if (tool === 'npm' && (first === 'install' || first === 'i')) return installProblem(words.slice(2));
  if (tool === 'npm') {
    const script = first === 'run' ? second : first;
    return script in SCRIPTS ? '' : `package.json has no script ${script}`;
  }
  if (tool === 'npx' && first === 'schemagen') return schemagenProblem(words.slice(2));
  if (tool === 'npx' && first === 'drizzle-kit') {
    if (!words.includes('--config')) return 'drizzle-kit without --config generated/<service>/drizzle.config.ts';
    // `generated/<service>/…` in the text: the repository's auth service stands for any
    const config = (words[words.indexOf('--config') + 1] ?? '').replace('<service>', 'auth');
    return existsSync(join(ROOT, config)) ? '' : `no drizzle-kit config ${config}`;
  }
  return `no test knows how to check ${JSON.stringify(words.join(' '))}; teach test/docs/cli-examples.test.ts`;
}

describe.each(PAGES)('%s', (page) => {
  test('every shell command runs a script or a command that exists, with options it takes', async () => {
    const problems: string[] = [];
    for (const block of codeBlocks(page).filter((b) => b.lang === 'sh'))
      for (const words of shellCommands(block)) {
        const problem = await shellProblem(words);
        if (problem) problems.push(`${page}:${block.line}: ${problem}`);
      }
    expect(problems).toEqual([]);
  });

  test('every `schemagen …`, `npx …` and `npm …` in the text names a command and options that exist', async () => {
    const text = readFileSync(join(ROOT, page), 'utf8');
    const spans = [...text.matchAll(/`((?:npx |npm |schemagen )[^`]+)`/g)].map((m) => m[1]!);
    const problems: string[] = [];
    for (const span of spans)
      for (const command of span.split('&&')) {
        const words = command.trim().split(/\s+/); // a code span may wrap onto the next line
        const problem = await (words[0] === 'schemagen' ? schemagenProblem(words.slice(1)) : shellProblem(words));
        if (problem) problems.push(`${page}: \`${span}\`: ${problem}`);
      }
    expect(problems).toEqual([]);
  });

  test('every --option the page mentions is one some command takes', async () => {
    const text = codeBlocks(page)
      .filter((b) => b.lang === 'mermaid')
      .reduce((t, b) => t.replace(b.text, ''), readFileSync(join(ROOT, page), 'utf8'));
    const mentioned = new Set(text.match(/(?<![\w|-])--[a-z][a-z-]*/g));
    expect([...mentioned].filter((o) => !OPTIONS.has(o))).toEqual([]);
  });
});

test('the command table lists every command', () => {
  const table = readFileSync(join(ROOT, 'docs', 'cli.md'), 'utf8');
  expect(COMMANDS.filter((c) => !table.includes(`| \`schemagen ${c}`))).toEqual([]);
});

const jsonBlocks = PAGES.flatMap(codeBlocks).filter((b) => b.lang === 'json');

/** `shown` is an excerpt of `printed`: the same keys and values, its lists a part of the printed ones. */
function expectExcerpt(shown: Record<string, unknown>, printed: Record<string, unknown>) {
  expect(Object.keys(shown)).toEqual(Object.keys(printed));
  for (const [key, value] of Object.entries(shown)) {
    if (Array.isArray(value)) for (const item of value) expect(printed[key]).toContainEqual(item);
    else expect(printed[key]).toEqual(value);
  }
}

/** The JSON examples, each run: what the page shows is what the command prints. */
const RUNS: Record<string, () => Promise<string>> = {
  // check --json on the repository's project with one generated file edited by hand
  files: async () => {
    const dir = mkdtempSync(join(tmpdir(), 'schemagen-docs-check-'));
    cpSync(join(ROOT, 'schema.yaml'), join(dir, 'schema.yaml'));
    cpSync(join(ROOT, 'generated'), join(dir, 'generated'), { recursive: true });
    appendFileSync(join(dir, 'generated', 'auth', 'schema.ts'), '// edited by hand\n');
    return (await cli(['check', '--json'], { cwd: dir })).stdout;
  },
  // lint --json on the lint fixture that has a hand-written users table
  findings: async () => {
    const dir = mkdtempSync(join(tmpdir(), 'schemagen-docs-lint-'));
    cpSync(join(ROOT, 'test', 'lint-fixtures', 'json-output'), dir, { recursive: true });
    return (await cli(['lint', '--json'], { cwd: dir })).stdout;
  },
};

test.each(jsonBlocks.map((b) => [`${b.page}:${b.line}`, b] as const))('%s is what its command prints', async (_, b) => {
  const shown = JSON.parse(b.text) as Record<string, unknown>;
  const run = Object.entries(RUNS).find(([key]) => key in shown)?.[1];
  if (!run) expect.fail(`no run prints the JSON at ${b.page}:${b.line}; add one to RUNS`);
  expectExcerpt(shown, JSON.parse(await run()) as Record<string, unknown>);
});
