import { readFileSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { UserError } from '../shared/errors.js';
import type { Model } from '../model/types.js';
import { isGenerated } from '../write/output-tree.js';
import { baseColumnsOf } from './base-columns.js';
import { positionsIn, type Finding } from './finding.js';
import { createdTables } from './sql-tables.js';
import { SQL_FILE, lintedFiles } from './walk.js';

export interface LintOptions {
  /** the project root (the manifest's folder): `migrations/<service>/` is relative to it */
  readonly root: string;
  /** files and folders to lint, relative to `cwd` */
  readonly paths: readonly string[];
  readonly cwd: string;
  /** folders left out, absolute: the generated output */
  readonly excluded: readonly string[];
  /** the manifest's model; without one, the default base, and every `migrations/<folder>/` is a service's */
  readonly model: Model | undefined;
}

export interface LintResult {
  /** how many files were read, generated ones left out */
  readonly files: number;
  readonly findings: readonly Finding[];
}

export async function lint(options: LintOptions): Promise<LintResult> {
  // Files with the generated header are generate's output even outside the output folder (another --out).
  const files = lintedFiles(options.paths, options.cwd, options.excluded)
    .map((path) => ({ path, text: readFileSync(path, 'utf8') }))
    .filter((f) => !isGenerated(f.path, f.text));
  const services = options.model && new Set(options.model.services.map((s) => s.name));
  const sql = files.filter((f) => SQL_FILE.test(f.path)).flatMap((f) => lintSql(f, options.root, services));
  const code = files.filter((f) => !SQL_FILE.test(f.path));
  const findings = [...sql, ...(code.length > 0 ? await lintCode(code, options.model, options.cwd) : [])];
  return { files: files.length, findings };
}

interface SourceText {
  readonly path: string;
  readonly text: string;
}

/** Loads the TypeScript compiler only when there is code to read: other commands never pay for it. */
async function lintCode(files: readonly SourceText[], model: Model | undefined, cwd: string): Promise<Finding[]> {
  const { lintSourceFiles, parseTypeScript } = await import('./typescript-tables.js');
  const parsed = files.map((f) => {
    try {
      return parseTypeScript(f.path, f.text);
    } catch (err) {
      // The compiler's recursive descent parser overflows on thousands of nested brackets.
      if (err instanceof RangeError) throw new UserError(`lint: ${relative(cwd, f.path)}: nested too deeply to parse`);
      throw err;
    }
  });
  // The generated modules export each service's pgSchema; a hand-written `authSchema.table(…)` uses them.
  const generated = new Map((model?.services ?? []).map((s) => [s.schemaTsName, s.schema]));
  return lintSourceFiles(parsed, baseColumnsOf(model), generated);
}

const OUTSIDE = 'outside the per-service migration folders (migrations/<service>/); declare the table in the manifest';

function lintSql({ path, text }: SourceText, root: string, services: ReadonlySet<string> | undefined): Finding[] {
  const [top, service, ...rest] = relative(root, path).split(sep);
  if (top === 'migrations' && rest.length > 0 && (services === undefined || services.has(service!))) return [];
  const positionAt = positionsIn(text);
  return createdTables(text).map(({ name, offset }) => ({
    path,
    ...positionAt(offset),
    rule: 'sql-create-table',
    message: `CREATE TABLE ${name} ${OUTSIDE}`,
  }));
}
