import type TS from 'typescript';
import type { BaseColumns, Finding, LintRule } from './finding.js';
import { ts } from './typescript.js';

/** Drizzle's table and schema builders, recognised by name and through aliased imports. */
type Builder = 'pgTable' | 'pgSchema' | 'pgTableCreator';
const BUILDERS: ReadonlySet<string> = new Set<Builder>(['pgTable', 'pgSchema', 'pgTableCreator']);
const PG_CORE = /^drizzle-orm\/pg-core(?:\/|$)/;

/** What one file's names mean for the rules; read from the syntax tree only. */
interface FileScope {
  /** local name → builder, for `import { pgTable as t } from 'drizzle-orm/pg-core'` */
  readonly aliases: ReadonlyMap<string, Builder>;
  /** every `const name = …` initializer, so `s.table(…)`, `t(…)` and `...columns` can be followed */
  readonly values: ReadonlyMap<string, TS.Expression>;
  /** local name → the name another file exports it under (`import { authSchema as auth } from …`) */
  readonly imported: ReadonlyMap<string, string>;
}

/** What the project's files export under a name, so `s.table(…)` and `...columns` work across files. */
interface ProjectExports {
  /** `export const authSchema = pgSchema('auth')`: authSchema → auth */
  readonly schemas: ReadonlyMap<string, string>;
  /** `export const baseColumns = { … }`: a hand-written BaseModel that tables spread */
  readonly objects: ReadonlyMap<string, TS.ObjectLiteralExpression>;
}

export const parseTypeScript = (path: string, text: string) =>
  ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, scriptKind(path));

function scriptKind(path: string): TS.ScriptKind {
  if (path.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (path.endsWith('.jsx')) return ts.ScriptKind.JSX;
  return /\.[cm]?js$/.test(path) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
}

/**
 * Every finding in the project's parsed code. `generatedSchemas` maps the generated modules' pgSchema
 * constants to their schemas (the output folder itself is not parsed).
 */
export function lintSourceFiles(
  files: readonly TS.SourceFile[],
  base: BaseColumns,
  generatedSchemas: ReadonlyMap<string, string>,
): Finding[] {
  const exported = projectExports(files);
  const exports = { ...exported, schemas: new Map([...generatedSchemas, ...exported.schemas]) };
  const reported = new Set<TS.Node>();
  return files.flatMap((file) => lintFile(file, base, exports, reported));
}

/** The exported `pgSchema(…)` and object constants of `files`; the first file exporting a name wins. */
function projectExports(files: readonly TS.SourceFile[]): ProjectExports {
  const schemas = new Map<string, string>();
  const objects = new Map<string, TS.ObjectLiteralExpression>();
  for (const file of files) {
    const scope = scopeOf(file);
    for (const statement of file.statements) {
      if (!ts.isVariableStatement(statement)) continue;
      if (!statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
      for (const d of statement.declarationList.declarations) {
        const value = d.initializer && unwrap(d.initializer);
        if (!ts.isIdentifier(d.name) || !value || schemas.has(d.name.text) || objects.has(d.name.text)) continue;
        if (ts.isObjectLiteralExpression(value)) objects.set(d.name.text, value);
        else if (ts.isCallExpression(value) && builderOf(value.expression, scope) === 'pgSchema') {
          schemas.set(d.name.text, nameText(value.arguments[0]));
        }
      }
    }
  }
  return { schemas, objects };
}

const DECLARE = 'declare it in the manifest and import it from the generated code';
const OWN_SCHEMA = "a service in the manifest puts it in the service's own schema";
const BASE = 'the manifest adds base columns to every table';

/**
 * Hand-written tables, tables in public and columns repeating a base column in one parsed file. A
 * column of a spread object is reported where it is written (maybe another file), once: `reported`
 * is shared by every file of the run.
 */
function lintFile(file: TS.SourceFile, base: BaseColumns, exports: ProjectExports, reported: Set<TS.Node>): Finding[] {
  const scope = scopeOf(file);
  const findings: Finding[] = [];
  const report = (node: TS.Node, rule: LintRule, message: string) => {
    const where = node.getSourceFile();
    const { line, character } = where.getLineAndCharacterOfPosition(node.getStart(where));
    findings.push({ path: where.fileName, line: line + 1, col: character + 1, rule, message });
  };
  eachNode(file, (node) => {
    const table = ts.isCallExpression(node) ? tableCall(node, scope, exports) : undefined;
    if (table) {
      const qualified = JSON.stringify(`${table.schema}.${table.name}`);
      report(node, 'hand-written-table', `Drizzle table ${qualified} written by hand (${table.via}); ${DECLARE}`);
      if (table.schema === 'public') {
        const inPublic = `table ${JSON.stringify(table.name)} is in the public schema (${table.via})`;
        report(node, 'public-table', `${inPublic}; ${OWN_SCHEMA}`);
      }
      for (const { node: at, name } of columnNames(table.columns, scope, exports, new Set())) {
        const origin = base.get(name);
        if (!origin || reported.has(at)) continue;
        reported.add(at);
        report(at, 'base-column', `column ${JSON.stringify(name)} repeats a base column (from ${origin}); ${BASE}`);
      }
    }
  });
  return findings;
}

/** Every node in source order, with an explicit stack: a 100,000-term expression must not overflow the call stack. */
function eachNode(root: TS.Node, fn: (node: TS.Node) => void) {
  const stack = [root];
  for (let node = stack.pop(); node; node = stack.pop()) {
    fn(node);
    const children: TS.Node[] = [];
    ts.forEachChild(node, (child) => {
      children.push(child);
    });
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
}

const scopes = new WeakMap<TS.SourceFile, FileScope>();

function scopeOf(file: TS.SourceFile): FileScope {
  const known = scopes.get(file);
  if (known) return known;
  const aliases = new Map<string, Builder>();
  const imported = new Map<string, string>();
  const values = new Map<string, TS.Expression>();
  for (const statement of file.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const bindings = statement.importClause?.namedBindings;
    if (!bindings || !ts.isNamedImports(bindings)) continue;
    const fromPgCore = PG_CORE.test(statement.moduleSpecifier.text);
    for (const element of bindings.elements) {
      const name = (element.propertyName ?? element.name).text;
      if (fromPgCore && BUILDERS.has(name)) aliases.set(element.name.text, name as Builder);
      else imported.set(element.name.text, name);
    }
  }
  eachNode(file, (node) => {
    // The first declaration of a name wins: shadowing inside functions is rare in schema files.
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer) {
      if (!values.has(node.name.text)) values.set(node.name.text, unwrap(node.initializer));
    }
  });
  const scope = { aliases, values, imported };
  scopes.set(file, scope);
  return scope;
}

/** Drops parentheses, `as`, `satisfies` and `!`, which do not change what a value is. */
function unwrap(expr: TS.Expression): TS.Expression {
  while (
    ts.isParenthesizedExpression(expr) ||
    ts.isAsExpression(expr) ||
    ts.isSatisfiesExpression(expr) ||
    ts.isNonNullExpression(expr) ||
    ts.isTypeAssertionExpression(expr)
  )
    expr = expr.expression;
  return expr;
}

/** `pgTable`, an alias of it, or `anything.pgTable`: re-exports and namespace imports keep the name. */
function builderOf(callee: TS.Expression, scope: FileScope): Builder | undefined {
  const e = unwrap(callee);
  const name = ts.isIdentifier(e) ? e.text : ts.isPropertyAccessExpression(e) ? e.name.text : undefined;
  if (name === undefined) return undefined;
  const alias = ts.isIdentifier(e) ? scope.aliases.get(name) : undefined;
  return alias ?? (BUILDERS.has(name) ? (name as Builder) : undefined);
}

/** A string literal's text, else the expression as written in brackets (`[service.schema]`). */
function nameText(expr: TS.Expression | undefined): string {
  if (!expr) return '[missing]';
  const e = unwrap(expr);
  return ts.isStringLiteralLike(e) ? e.text : `[${e.getText()}]`;
}

interface TableCall {
  readonly name: string;
  readonly schema: string;
  /** how the table was declared, as the message shows it */
  readonly via: string;
  readonly columns: TS.Expression | undefined;
}

/** `pgTable(…)`, a pgTableCreator's function, or `.table(…)` on a pgSchema, this file's or an exported one. */
function tableCall(call: TS.CallExpression, scope: FileScope, exports: ProjectExports): TableCall | undefined {
  const where = placeOf(unwrap(call.expression), scope, exports.schemas);
  return where && { ...where, name: nameText(call.arguments[0]), columns: call.arguments[1] };
}

type Place = Pick<TableCall, 'schema' | 'via'>;

function placeOf(callee: TS.Expression, scope: FileScope, schemas: ProjectExports['schemas']): Place | undefined {
  const value = ts.isIdentifier(callee) ? scope.values.get(callee.text) : undefined;
  // `const table = pgTable` is pgTable too.
  if (builderOf(callee, scope) === 'pgTable' || (value && builderOf(value, scope) === 'pgTable')) {
    return { schema: 'public', via: 'pgTable' };
  }
  if (value && ts.isCallExpression(value) && builderOf(value.expression, scope) === 'pgTableCreator') {
    return { schema: 'public', via: `${callee.getText()} from pgTableCreator` };
  }
  if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'table') return undefined;
  const receiver = unwrap(callee.expression);
  const known = ts.isIdentifier(receiver) ? scope.values.get(receiver.text) : receiver;
  let schema: string | undefined;
  if (known && ts.isCallExpression(known) && builderOf(known.expression, scope) === 'pgSchema') {
    schema = nameText(known.arguments[0]);
  } else if (ts.isIdentifier(receiver)) schema = schemas.get(scope.imported.get(receiver.text) ?? '');
  if (schema === undefined) return undefined;
  const spelled = schema.startsWith('[') ? schema.slice(1, -1) : JSON.stringify(schema);
  return { schema, via: `pgSchema(${spelled}).table` };
}

/**
 * The SQL name of every column in a table's columns argument (an object, a `(t) => ({…})` callback,
 * or a constant holding one), following spreads of local constants. A column's SQL name is its
 * builder's first string argument (`timestamp('created_at')`); without one Drizzle uses the key, or
 * its snake_case form under `casing: 'snake_case'`, so both are checked.
 */
function columnNames(
  arg: TS.Expression | undefined,
  scope: FileScope,
  exports: ProjectExports,
  seen: Set<TS.Node>,
): ColumnName[] {
  const object = columnsObject(arg, scope, exports);
  if (!object || seen.has(object)) return [];
  seen.add(object);
  // An object from another file resolves its own shorthand columns.
  const own = scopeOf(object.getSourceFile());
  return object.properties.flatMap((p) => {
    if (ts.isSpreadAssignment(p)) return columnNames(p.expression, own, exports, seen);
    const literalKey = ts.isIdentifier(p.name) || ts.isStringLiteralLike(p.name) || ts.isNumericLiteral(p.name);
    if (!literalKey) return [];
    const key = p.name.text;
    let value: TS.Expression | undefined;
    if (ts.isPropertyAssignment(p)) value = p.initializer;
    else if (ts.isShorthandPropertyAssignment(p)) value = own.values.get(key);
    const sqlName = value && builderName(value);
    const snakeCase = key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
    const names = sqlName === undefined ? [key, snakeCase] : [sqlName];
    return [...new Set(names)].map((name) => ({ node: p.name, name }));
  });
}

interface ColumnName {
  /** the property's key, where a finding points */
  readonly node: TS.Node;
  readonly name: string;
}

function columnsObject(arg: TS.Expression | undefined, scope: FileScope, exports: ProjectExports) {
  let e = arg && unwrap(arg);
  if (e && ts.isIdentifier(e)) e = scope.values.get(e.text) ?? exports.objects.get(scope.imported.get(e.text) ?? '');
  if (e && (ts.isArrowFunction(e) || ts.isFunctionExpression(e))) {
    const body = e.body;
    const returned = ts.isBlock(body) ? body.statements.find(ts.isReturnStatement)?.expression : body;
    e = returned && unwrap(returned);
  }
  return e && ts.isObjectLiteralExpression(e) ? e : undefined;
}

/** The string argument of the builder call heading a chain: `t.timestamp('created_at').notNull()`. */
function builderName(expr: TS.Expression): string | undefined {
  let e = unwrap(expr);
  while (ts.isCallExpression(e)) {
    const callee = unwrap(e.expression);
    // `timestamp(…)` or `t.timestamp(…)` heads the chain; `….notNull()` and the like follow it.
    const onName = ts.isPropertyAccessExpression(callee) && ts.isIdentifier(unwrap(callee.expression));
    if (ts.isIdentifier(callee) || onName) {
      const first = e.arguments[0] && unwrap(e.arguments[0]);
      return first && ts.isStringLiteralLike(first) ? first.text : undefined;
    }
    if (!ts.isPropertyAccessExpression(callee)) return undefined;
    e = unwrap(callee.expression);
  }
  return undefined;
}
