import { join } from 'node:path';
import ts from 'typescript';
import { expect, test } from 'vitest';
import { PAGES, ROOT, codeBlocks, type CodeBlock } from '../support/markdown.js';

// Every TypeScript example in README.md and docs/ type-checks under strict against the built package
// (`drizzle-schemagen` resolves to dist/ through the package's exports, so run `npm run build` first)
// and the repository's generated/ modules, as a file at the repository root: `./generated/…` imports
// resolve as they would in a project. A block whose first line names its file (`// test/x.test.ts`)
// is checked as that file; a block without imports continues the page's previous one. The names an
// example takes from the code around it are declared once here.

const SURROUNDINGS = `import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
declare global {
  /** any Drizzle PostgreSQL database or transaction */
  const db: PgDatabase<PgQueryResultHKT>;
  const accountId: string;
  const id: string;
}
`;

interface Example {
  readonly file: string;
  readonly blocks: CodeBlock[];
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
      const named = /^\/\/ (\S+\.ts)\b/.exec(block.text)?.[1];
      const file = named ?? `docs-example-${page.replace(/\W+/g, '-')}-${i + 1}.ts`;
      out.push({ file: join(ROOT, file), blocks: [block] });
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

test('every TypeScript example in the docs type-checks against the package and generated/', () => {
  const checked = examples();
  expect(checked.length).toBeGreaterThanOrEqual(4);
  const files = new Map(checked.map((e) => [e.file, e.blocks.map((b) => b.text).join('')]));
  files.set(join(ROOT, 'docs-example-surroundings.ts'), SURROUNDINGS);
  const config = ts.readConfigFile(join(ROOT, 'tsconfig.base.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  const host = ts.createCompilerHost({ ...options, noEmit: true });
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (f) => files.has(f) || fileExists(f);
  host.readFile = (f) => files.get(f) ?? readFile(f);
  host.getSourceFile = (f, language, ...rest) => {
    const text = files.get(f);
    return text === undefined ? getSourceFile(f, language, ...rest) : ts.createSourceFile(f, text, language);
  };
  const program = ts.createProgram([...files.keys()], { ...options, noEmit: true }, host);
  const problems = ts.getPreEmitDiagnostics(program).map((d) => {
    const example = checked.find((e) => e.file === d.file?.fileName);
    const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : 0;
    const where = example ? whereIn(example, line) : (d.file?.fileName ?? '');
    return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
  expect(problems).toEqual([]);
}, 120_000);
