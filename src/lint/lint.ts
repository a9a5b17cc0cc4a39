import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { UserError } from '../shared/errors.js';
import type { Model } from '../model/types.js';
import { isGenerated } from '../write/output-tree.js';
import { baseColumnsOf } from './base-columns.js';
import { positionsIn, type Finding } from './finding.js';
import { ignoredBy } from './ignore.js';
import { createdTables, sqlCommentsWith } from './sql-tables.js';
import { SUPPRESSION, suppress, type CommentedFile } from './suppressions.js';
import { SQL_FILE, lintedFiles } from './walk.js';

export interface LintOptions {
  /** the project root (the manifest's folder): `migrations/<service>/` and `ignore` are relative to it */
  readonly root: string;
  /** files and folders to lint, relative to `cwd` */
  readonly paths: readonly string[];
  readonly cwd: string;
  /** folders left out, absolute: the generated output */
  readonly excluded: readonly string[];
  /** the manifest's `lint.ignore` globs: files and folders left out unless named in `paths` */
  readonly ignore: readonly string[];
  /** the manifest's model; without one, the default base, and every `migrations/<folder>/` is a service's */
  readonly model: Model | undefined;
}

export interface LintResult {
  /** how many files were read, generated ones left out */
  readonly files: number;
  readonly findings: readonly Finding[];
}

export async function lint(options: LintOptions): Promise<LintResult> {
  const excluded = new Set(options.excluded.map((p) => resolve(p)));
  const ignored = ignoredBy(options.ignore);
  const leftOut = (path: string) => {
    const rel = relative(options.root, path);
    const inRoot = !rel.startsWith('..') && !isAbsolute(rel);
    return excluded.has(path) || (inRoot && ignored(rel.split(sep).join('/')));
  };
  // Files with the generated header are generate's output even outside the output folder (another --out).
  const files = lintedFiles(options.paths, options.cwd, leftOut)
    .map((path) => ({ path, text: readFileSync(path, 'utf8') }))
    .filter((f) => !isGenerated(f.path, f.text));
  const services = options.model && new Set(options.model.services.map((s) => s.name));
  const sqlFiles = files.filter((f) => SQL_FILE.test(f.path));
  const sql: Checked = {
    findings: sqlFiles.flatMap((f) => lintSql(f, options.root, services)),
    commented: sqlFiles.map((f) => ({ ...f, comments: sqlCommentsWith(f.text, SUPPRESSION) })),
  };
  const codeFiles = files.filter((f) => !SQL_FILE.test(f.path));
  const code = codeFiles.length > 0 ? await lintCode(codeFiles, options.model, options.cwd) : NOTHING;
  const findings = suppress([...sql.findings, ...code.findings], [...sql.commented, ...code.commented]);
  return { files: files.length, findings };
}

interface SourceText {
  readonly path: string;
  readonly text: string;
}

/** The findings in some files, and those files with their comments holding a suppression. */
interface Checked {
  readonly findings: readonly Finding[];
  readonly commented: readonly CommentedFile[];
}

const NOTHING: Checked = { findings: [], commented: [] };

/** Loads the TypeScript compiler only when there is code to read: other commands never pay for it. */
async function lintCode(files: readonly SourceText[], model: Model | undefined, cwd: string): Promise<Checked> {
  const { lintSourceFiles, parseTypeScript } = await import('./typescript-tables.js');
  const { commentsWith } = await import('./typescript-comments.js');
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
  return {
    findings: lintSourceFiles(parsed, baseColumnsOf(model), generated),
    commented: parsed.map((file) => ({
      path: file.fileName,
      text: file.text,
      comments: commentsWith(file, SUPPRESSION),
    })),
  };
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
