import type { Diagnostic, YamlPath } from '../manifest/diagnostics.js';
import { SOFT_DELETE_KEY, type ColumnInput, type ManifestInput } from '../manifest/schema.js';
import { parseColumnType } from './column-types.js';
import { resolveDefault } from './defaults.js';
import { GENERATED_BINDINGS, camelCase, identifierProblem } from './names.js';
import { declaredPair } from './soft-delete.js';
import { foreignSchemaProblem } from './sql-fragment.js';
import { resolveSequenceOptions, sequenceType } from './resolve-sequences.js';
import type { Column, ColumnType, Identity } from './types.js';

/** A column before its reference is resolved; keeps where it was declared for diagnostics. */
export interface ColumnDraft extends Omit<Column, 'references' | 'unique'> {
  readonly path: YamlPath;
  readonly wantsUnique: boolean;
  readonly referenceInput?: NonNullable<ColumnInput['references']>;
}

/** The seed platform's unified BaseModel, used when the manifest has no `base:`. */
export const DEFAULT_BASE: Record<string, ColumnInput> = {
  id: { type: 'uuid', primaryKey: true, default: { sql: 'gen_random_uuid()' } },
  created_at: { type: 'timestamptz', default: { sql: 'now()' } },
  updated_at: { type: 'timestamptz', default: { sql: 'now()' }, onUpdate: 'now' },
  is_deleted: { type: 'boolean', default: false },
  deleted_at: { type: 'timestamptz', nullable: true },
};

export interface ColumnScope {
  readonly enums: ReadonlyMap<string, readonly string[]>;
  /** the service's domains and composite types (parseColumnType); none for base and mixin columns */
  readonly userTypes?: ReadonlyMap<string, ColumnType>;
  readonly diagnostics: Diagnostic[];
  /** the service's schema; undefined for base and mixin columns, which land in every service */
  readonly schema?: string;
  /** every enum name in the manifest → the services declaring it, to explain a use from elsewhere */
  readonly enumOwners?: ReadonlyMap<string, readonly string[]>;
}

export function resolveColumn(
  name: string,
  input: ColumnInput,
  path: YamlPath,
  origin: string,
  scope: ColumnScope,
): ColumnDraft | undefined {
  const report = (message: string, at: YamlPath = path, atKey = false) =>
    scope.diagnostics.push({ path: at, message, atKey });
  const nameProblem = identifierProblem(name, 'column name');
  if (nameProblem) report(nameProblem, path, true);
  const type = parseColumnType(input.type, new Set(scope.enums.keys()), scope.userTypes);
  if (typeof type === 'string') {
    report(foreignEnumProblem(input.type, scope) ?? type, [...path, 'type']);
    return undefined;
  }
  const identityType = type.dims === 0 ? sequenceType(type.kind) : undefined;
  if (input.identity && !identityType)
    report(`identity needs smallint, integer or bigint; got ${type.sql}`, [...path, 'identity']);
  if (input.onUpdate && !['timestamp', 'timestamptz', 'date'].includes(type.kind))
    report(`onUpdate: now needs a date or timestamp column; got ${type.sql}`, [...path, 'onUpdate']);
  if (input.enforce && input.onUpdate !== 'now')
    report('enforce: database makes the database refresh the column on update; expected it with onUpdate: now', [
      ...path,
      'enforce',
    ]);
  if (input.tsType) {
    const problem = tsTypeProblem(input.tsType, type);
    if (problem) report(problem.message, [...path, 'tsType', ...problem.at]);
  }
  if (input.primaryKey && input.nullable)
    report('a primary key column cannot be nullable; expected nullable: false or no nullable', [...path, 'nullable']);
  if (input.comment?.includes('\0'))
    report('comment contains a NUL character, which Postgres text cannot hold', [...path, 'comment']);
  const renamedProblem =
    input.renamedFrom === undefined ? undefined : identifierProblem(input.renamedFrom, 'column name');
  if (renamedProblem) report(renamedProblem, [...path, 'renamedFrom']);
  else if (input.renamedFrom === name)
    report('renamedFrom names the column itself; expected its old name', [...path, 'renamedFrom']);
  let columnDefault: Column['default'];
  if (input.default !== undefined) {
    const resolved = resolveDefault(input.default, {
      type,
      enumValues: type.enumName ? scope.enums.get(type.enumName) : undefined,
      identity: input.identity !== undefined,
    });
    const foreign =
      typeof resolved !== 'string' && resolved.kind === 'sql'
        ? foreignSchemaProblem(resolved.sql, scope.schema)
        : undefined;
    if (typeof resolved === 'string' || foreign) report(foreign ?? (resolved as string), [...path, 'default']);
    else columnDefault = resolved;
  }
  const generated = input.generated && generatedProblem(input, type, scope.schema);
  if (generated) report(generated, [...path, 'generated']);
  if (nameProblem) return undefined;
  return {
    name,
    tsKey: camelCase(name),
    type,
    nullable: input.nullable ?? false,
    default: columnDefault,
    primaryKey: input.primaryKey ?? false,
    wantsUnique: input.unique ?? false,
    ...(input.identity && identityType && { identity: resolveIdentity(input.identity, identityType, path, report) }),
    ...(input.generated && { generated: input.generated.sql }),
    onUpdateNow: input.onUpdate === 'now',
    ...(input.tsType && { tsType: { import: input.tsType.import, name: input.tsType.name } }),
    ...(input.enforce === 'database' && input.onUpdate === 'now' && { onUpdateTrigger: true }),
    comment: input.comment,
    ...(input.renamedFrom !== undefined && { renamedFrom: input.renamedFrom }),
    referenceInput: input.references,
    origin,
    path,
  };
}

/** `identity: always` or its mapping form: the sequence's options filled in for the column's type. */
function resolveIdentity(
  input: NonNullable<ColumnInput['identity']>,
  type: Identity['type'],
  path: YamlPath,
  report: (message: string, at: YamlPath) => void,
): Identity {
  if (typeof input === 'string') return { mode: input, ...resolveSequenceOptions({}, type, [], () => undefined) };
  const { mode, ...options } = input;
  return { mode, ...resolveSequenceOptions(options, type, [...path, 'identity'], report) };
}

/** What a generated column cannot be: its value is the expression's, always. */
function generatedProblem(input: ColumnInput, type: ColumnType, schema: string | undefined): string | undefined {
  const other = [
    input.default !== undefined && 'a default',
    input.identity !== undefined && 'identity',
    type.kind.endsWith('serial') && `a ${type.kind}`,
    input.onUpdate !== undefined && 'onUpdate',
  ].find((x) => x !== false);
  if (other) return `a generated column takes its value from its expression, not ${other}; expected one of them`;
  return foreignSchemaProblem(input.generated!.sql, schema);
}

/** A tsType names an exported type of a module the generated file can import (relative, NodeNext .js). */
function tsTypeProblem(
  t: { import: string; name: string },
  type: ColumnType,
): { message: string; at: string[] } | undefined {
  if (!['json', 'jsonb'].includes(type.kind) || type.dims > 0)
    return {
      message: `tsType types json and jsonb values; expected it on a json or jsonb column, got ${type.sql}`,
      at: [],
    };
  if (!/^\.\.?\/[^'"\\\n\r`$]*\.js$/.test(t.import)) {
    return {
      message:
        `invalid module path ${JSON.stringify(t.import)}; expected a relative path from ` +
        `generated/<service>/ (./ or ../) ending in .js`,
      at: ['import'],
    };
  }
  if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(t.name) || GENERATED_BINDINGS.has(t.name)) {
    return {
      message:
        `invalid type name ${JSON.stringify(t.name)}; expected a TypeScript identifier ` +
        `the generated module does not use itself`,
      at: ['name'],
    };
  }
  return undefined;
}

export interface ColumnSet {
  readonly origin: string;
  readonly path: YamlPath;
  readonly columns: readonly ColumnDraft[];
  /** a base's declared soft-delete pair (column names), checked against its columns */
  readonly softDelete?: { readonly flag: string; readonly at: string };
  /** a mixin declared `last: true`: its columns follow the table's own */
  readonly last?: boolean;
}

type BaseInput = NonNullable<ManifestInput['base']>;

/** A type naming another service's enum (`status`, `status[]` or `billing.status`) says whose it is. */
function foreignEnumProblem(spelling: string, scope: ColumnScope): string | undefined {
  const bare = spelling.replace(/(\s*\[\])+$/, '').trim();
  const dot = bare.indexOf('.');
  const [service, name] = dot < 0 ? [undefined, bare] : [bare.slice(0, dot), bare.slice(dot + 1)];
  const owners = (scope.enumOwners?.get(name) ?? []).filter((o) => service === undefined || o === service);
  if (owners.length === 0) return undefined;
  const whose = owners.length === 1 ? `service ${owners[0]}` : `services ${owners.join(', ')}`;
  return (
    `enum ${JSON.stringify(name)} belongs to ${whose}; a column can use only its own ` +
    `service's enums (each lives in its service's schema), expected an enum declared ` +
    `in this service's enums, or text`
  );
}

/**
 * Resolves `base`, `bases.*` and `mixins.*` once, so a mistake in a shared column is reported at its
 * definition and not again for every table that inherits it.
 */
export function resolveSharedSets(manifest: ManifestInput, diagnostics: Diagnostic[]) {
  const scope: ColumnScope = { enums: new Map(), diagnostics };
  const resolveSet = (cols: Record<string, ColumnInput>, path: YamlPath, origin: string): ColumnSet => ({
    origin,
    path,
    columns: Object.entries(cols).flatMap(([n, c]) => resolveColumn(n, c, [...path, n], origin, scope) ?? []),
  });
  const report = (message: string, path: YamlPath) => diagnostics.push({ path, message });
  /** A base's columns, and its soft-delete pair when the declaration fits them. */
  const resolveBase = (input: BaseInput, path: YamlPath, origin: string): ColumnSet => {
    const { [SOFT_DELETE_KEY]: pair, ...cols } = input;
    const set = resolveSet(cols as Record<string, ColumnInput>, path, origin);
    const softDelete = pair && declaredPair(pair, set.columns, [...path, SOFT_DELETE_KEY], report);
    return softDelete ? { ...set, softDelete } : set;
  };
  const base =
    manifest.base === undefined
      ? resolveSet(DEFAULT_BASE, ['base'], 'base (the default base)')
      : resolveBase(manifest.base, ['base'], 'base');
  const bases = new Map<string, ColumnSet>();
  for (const [name, cols] of Object.entries(manifest.bases ?? {}))
    bases.set(name, resolveBase(cols, ['bases', name], `bases.${name}`));
  const mixins = new Map<string, ColumnSet>();
  for (const [name, mixin] of Object.entries(manifest.mixins ?? {})) {
    const set = resolveSet(mixin.columns ?? {}, ['mixins', name, 'columns'], `mixins.${name}`);
    mixins.set(name, mixin.last ? { ...set, last: true } : set);
  }
  return { base, bases, mixins, expandMixin: mixinExpander(manifest, diagnostics) };
}

/** Returns a mixin's names in application order (included ones first); cycles are reported once. */
function mixinExpander(manifest: ManifestInput, diagnostics: Diagnostic[]) {
  const reported = new Set<string>();
  const expand = (name: string, trail: readonly string[]): string[] => {
    const mixin = manifest.mixins?.[name];
    if (!mixin) return [];
    const out: string[] = [];
    for (const [i, inc] of (mixin.include ?? []).entries()) {
      if (trail.includes(inc) || inc === name) {
        // The loop alone, told from the mixin whose include closes it.
        const loop = inc === name ? [] : trail.slice(trail.indexOf(inc));
        const cycle = [name, ...loop, name].join(' → ');
        if (!reported.has(name))
          diagnostics.push({
            path: ['mixins', name, 'include', i],
            message: `mixin cycle ${cycle}; expected includes without cycles`,
          });
        reported.add(name);
        continue;
      }
      if (!manifest.mixins?.[inc]) {
        if (!reported.has(`${name}:${inc}`))
          diagnostics.push({
            path: ['mixins', name, 'include', i],
            message:
              `unknown mixin ${JSON.stringify(inc)}; expected one of: ` +
              `${Object.keys(manifest.mixins ?? {}).join(', ')}`,
          });
        reported.add(`${name}:${inc}`);
        continue;
      }
      out.push(...expand(inc, [...trail, name]));
    }
    out.push(name);
    return [...new Set(out)];
  };
  return (name: string) => expand(name, []);
}
