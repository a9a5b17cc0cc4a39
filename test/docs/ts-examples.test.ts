import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { expect, test } from 'vitest';
import { cli } from '../support/cli.js';
import { DRIZZLE_MAJORS, installDrizzle, readTree } from '../support/fixtures.js';
import { PAGES, ROOT, codeBlocks, type CodeBlock } from '../support/markdown.js';

// Every TypeScript example in README.md and docs/ type-checks under strict against the built package
// (`drizzle-schemagen` resolves to dist/ through the package's exports, so run `npm run build` first)
// and the repository's generated/ modules, as a file at the repository root: `./generated/…` imports
// resolve as they would in a project. A block whose first line names its file (`// test/x.test.ts`)
// is checked as that file; a block without imports continues the page's previous one. The names an
// example takes from the code around it are declared once here.
//
// A block whose first line is `// drizzle-orm 1.x` is written for drizzle-orm 1.x: it is checked in a
// second program, as a file of a folder under the repository root that only the compiler sees, with the
// compiler options of the 1.x goldens (test/drizzle-1/tsconfig.goldens.json, whose paths point drizzle-orm
// at the 1.x copy) and, beside it, `generated/` as generate writes the repository's schema.yaml in a project
// with drizzle-orm 1.x installed.

const SURROUNDINGS = `import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
declare global {
  /** any Drizzle PostgreSQL database or transaction */
  const db: PgDatabase<PgQueryResultHKT>;
  const accountId: string;
  const id: string;
}
`;

const DRIZZLE_1 = /^\/\/ drizzle-orm 1\.x$/;
/** Where the 1.x examples and their generated/ are checked: a folder that exists only in the compiler host. */
const PROJECT_1 = join(ROOT, 'docs-examples-drizzle-1');

interface Example {
  readonly file: string;
  readonly blocks: CodeBlock[];
  /** the drizzle-orm major the example is written for */
  readonly major: 0 | 1;
}

/** The pages' TypeScript blocks, as the files they are checked as. */
function examples(): Example[] {
  const out: Example[] = [];
  for (const page of PAGES) {
    const blocks = codeBlocks(page).filter((b) => b.lang === 'ts');
    blocks.forEach((block, i) => {
      const previous = out.at(-1);
      if (!/^import /m.test(block.text) && previous?.blocks[0]?.page === page) {
        previous.blocks.push(block);
        return;
      }
      const firstLine = block.text.split('\n', 1)[0]!;
      const major = DRIZZLE_1.test(firstLine) ? 1 : 0;
      const named = /^\/\/ (\S+\.ts)\b/.exec(firstLine)?.[1];
      const file = named ?? `docs-example-${page.replace(/\W+/g, '-')}-${i + 1}.ts`;
      out.push({ file: join(major === 1 ? PROJECT_1 : ROOT, file), blocks: [block], major });
    });
  }
  return out;
}

/** `page:line` of the example's block holding the line `line` (0-based) of its file. */
function whereIn(example: Example, line: number): string {
  let start = 0;
  for (const block of example.blocks) {
    const lines = block.text.split('\n').length - 1;
    if (line < start + lines) return `${block.page}:${block.line + 1 + line - start}`;
    start += lines;
  }
  return example.file;
}

/** The compiler options of a tsconfig file (its files and includes are not checked here). */
function compilerOptions(tsconfig: string): ts.CompilerOptions {
  const config = ts.readConfigFile(tsconfig, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, dirname(tsconfig), undefined, tsconfig);
  return { ...parsed.options, noEmit: true };
}

/** Type-checks the examples and `beside` (path → text; these files only the compiler sees): the problems. */
function problemsOf(
  checked: readonly Example[],
  options: ts.CompilerOptions,
  beside: ReadonlyMap<string, string>,
): string[] {
  const files = new Map([...beside, ...checked.map((e) => [e.file, e.blocks.map((b) => b.text).join('')] as const)]);
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile, directoryExists } = host;
  const folders = new Set([...files.keys()].flatMap((f) => ancestors(dirname(f))));
  host.fileExists = (f) => files.has(f) || fileExists(f);
  host.directoryExists = (d) => folders.has(d) || (directoryExists?.(d) ?? true);
  host.readFile = (f) => files.get(f) ?? readFile(f);
  host.getSourceFile = (f, language, ...rest) => {
    const text = files.get(f);
    return text === undefined ? getSourceFile(f, language, ...rest) : ts.createSourceFile(f, text, language);
  };
  const program = ts.createProgram([...files.keys()], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const example = checked.find((e) => e.file === d.file?.fileName);
    const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : 0;
    const where = example ? whereIn(example, line) : (d.file?.fileName ?? '');
    return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

/** The folder and the folders above it, up to the repository root. */
const ancestors = (dir: string): string[] => (dir.startsWith(ROOT) ? [dir, ...ancestors(dirname(dir))] : []);

test('every TypeScript example in the docs type-checks against the package and generated/', () => {
  const checked = examples().filter((e) => e.major === 0);
  expect(checked.length).toBeGreaterThanOrEqual(4);
  const surroundings = new Map([[join(ROOT, 'docs-example-surroundings.ts'), SURROUNDINGS]]);
  const options = compilerOptions(join(ROOT, 'tsconfig.base.json'));
  expect(problemsOf(checked, options, surroundings)).toEqual([]);
}, 120_000);

test('every drizzle-orm 1.x example type-checks against drizzle-orm 1.x and generated/ written for it', async () => {
  const checked = examples().filter((e) => e.major === 1);
  expect(checked.map((e) => e.blocks[0]!.page)).toContain('docs/drizzle-versions.md');
  const on = DRIZZLE_MAJORS.find((m) => m.major === 1)!;
  const dir = installDrizzle(mkdtempSync(join(tmpdir(), 'schemagen-docs-ts-')), on);
  cpSync(join(ROOT, 'schema.yaml'), join(dir, 'schema.yaml'));
  const generated = await cli(['generate'], { cwd: dir });
  expect(generated.stdout).toContain(' for drizzle-orm 1.x ');
  const files = new Map(
    [...readTree(join(dir, 'generated'))]
      .filter(([path]) => path.endsWith('.ts'))
      .map(([path, text]) => [join(PROJECT_1, 'generated', path), text]),
  );
  const options = compilerOptions(join(on.project, 'tsconfig.goldens.json'));
  expect(problemsOf(checked, options, files)).toEqual([]);
}, 120_000);
