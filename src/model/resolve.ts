import { constraintNames, roleName } from '../shared/conventions.js';
import { formatPath, type Diagnostic, type YamlPath } from '../manifest/diagnostics.js';
import type { ManifestInput } from '../manifest/schema.js';
import { ENV_NAME } from '../manifest/value-rules.js';
import { camelCase, identifierProblem, pascalCase, reservedSchemaProblem, rowTypeNames } from './names.js';
import { resolveSharedSets } from './resolve-columns.js';
import { compositeTypes, resolveComposites } from './resolve-composites.js';
import { domainTypes, resolveDomains } from './resolve-domains.js';
import { resolveEnums } from './resolve-enums.js';
import { checkMoves } from './resolve-moves.js';
import { resolveReferences } from './resolve-references.js';
import { resolveTable, type ServiceDraft } from './resolve-table.js';
import { resolveFunctions } from './resolve-functions.js';
import { resolveSequences } from './resolve-sequences.js';
import { resolveViews } from './resolve-views.js';
import { SOFT_DELETE_EXPORTS } from './soft-delete.js';
import { checkTenancies, resolveTenancy } from './tenants.js';
import type { DrizzleMajor, Model, Tenancy } from './types.js';

/** Validates everything the shape cannot express and builds the model; all problems are collected. */
export function resolveModel(manifest: ManifestInput): { model?: Model; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const report = (message: string, path: YamlPath, atKey = false) => diagnostics.push({ path, message, atKey });
  const shared = resolveSharedSets(manifest, diagnostics);
  for (const name of Object.keys(manifest.mixins ?? {})) shared.expandMixin(name);
  for (const [kind, names] of [
    ['base name', Object.keys(manifest.bases ?? {})],
    ['mixin name', Object.keys(manifest.mixins ?? {})],
  ] as const) {
    for (const n of names) {
      const problem = identifierProblem(n, kind);
      if (problem) report(problem, [kind === 'base name' ? 'bases' : 'mixins', n], true);
    }
  }
  const extensions = resolveExtensions(manifest.extensions ?? [], report);
  const services: ServiceDraft[] = [];
  // Each service's own role (schemagen roles) → the service: no table declares grants to one.
  const serviceRoles = new Map(Object.keys(manifest.services).map((s) => [roleName(s), s] as const));
  const enumOwners = new Map<string, string[]>();
  for (const [name, svc] of Object.entries(manifest.services))
    for (const e of Object.keys(svc.enums ?? {})) enumOwners.set(e, [...(enumOwners.get(e) ?? []), name]);
  const schemaOwner = new Map<string, string>();
  const tenancies = new Map<string, Tenancy>();
  if (Object.keys(manifest.services).length === 0) report('no services; expected at least one service', ['services']);
  for (const [name, svc] of Object.entries(manifest.services)) {
    const path: YamlPath = ['services', name];
    const nameProblem = identifierProblem(name, 'service name');
    if (nameProblem) report(nameProblem, path, true);
    const tenants = svc.tenants && resolveTenancy(svc.tenants, [...path, 'tenants'], report);
    if (tenants) tenancies.set(name, tenants);
    // Per schema, the pattern is the schema; per database, the service's schema is in every tenant's database.
    const schemaPattern = svc.tenants?.schema;
    const schema = schemaPattern ?? svc.schema ?? name;
    const schemaAt = svc.schema === undefined ? path : [...path, 'schema'];
    const schemaProblem = schemaPattern
      ? undefined
      : (identifierProblem(schema, 'schema name') ?? reservedSchemaProblem(schema));
    if (schemaProblem && !(nameProblem && svc.schema === undefined))
      report(schemaProblem, schemaAt, svc.schema === undefined);
    const owner = schemaOwner.get(schema);
    if (owner)
      report(
        `schema ${JSON.stringify(schema)} is already used by service ${owner}; expected one schema per service`,
        schemaAt,
        svc.schema === undefined,
      );
    schemaOwner.set(schema, name);
    const urlEnv = svc.databaseUrlEnv ?? `${name.toUpperCase()}_DATABASE_URL`;
    if (!ENV_NAME.test(urlEnv))
      report(`invalid environment variable name ${JSON.stringify(urlEnv)}; expected letters, digits and _`, [
        ...path,
        'databaseUrlEnv',
      ]);

    const enums = resolveEnums(svc.enums ?? {}, [...path, 'enums'], diagnostics);
    const enumValues = new Map(enums.map((e) => [e.name, e.values] as const));
    const domains = resolveDomains(svc.domains ?? {}, enumValues, [...path, 'domains'], diagnostics);
    const composites = resolveComposites(
      svc.composites ?? {},
      new Set(enumValues.keys()),
      new Map(domainTypes(domains)),
      [...path, 'composites'],
      diagnostics,
    );
    const userTypes = new Map([...domainTypes(domains), ...compositeTypes(composites)]);
    const scope = { schema, enums: enumValues, userTypes, diagnostics, enumOwners, serviceRoles };
    const drafts = Object.entries(svc.tables).map(([t, input]) =>
      resolveTable(t, input, [...path, 'tables', t], shared, scope),
    );
    if (drafts.length === 0) report('no tables; expected at least one table', [...path, 'tables']);
    const functions = resolveFunctions(svc.functions ?? {}, [...path, 'functions'], diagnostics);
    const sequences = resolveSequences(svc.sequences ?? {}, [...path, 'sequences'], diagnostics);
    const views = resolveViews(
      svc.views ?? {},
      [...path, 'views'],
      new Set(scope.enums.keys()),
      serviceRoles,
      diagnostics,
    );
    // A view's query and a function's body name their tables schema-qualified: one text cannot serve every
    // tenant's schema (a database per tenant keeps one schema name, so there they are fine).
    for (const key of ['views', 'functions', 'sequences'] as const)
      if (schemaPattern !== undefined && svc[key])
        report(
          `a per-tenant service has no ${key} yet; expected ${key} in a service without tenants:`,
          [...path, key],
          true,
        );
    const schemaTsName = `${camelCase(name)}Schema`;
    const constNames = [
      schemaTsName,
      ...enums.flatMap((e) => [e.tsName, pascalCase(e.name)]),
      ...drafts.flatMap((t) => [t.tsName, `${t.tsName}Relations`]),
      ...views.map((v) => v.tsName),
      ...sequences.map((q) => q.tsName),
    ];
    const typeNames = rowTypeNames(
      drafts.map((t) => t.name),
      new Set([...constNames, ...SOFT_DELETE_EXPORTS]),
    );
    const tables = drafts.map((t) => ({ ...t, typeName: typeNames.get(t.name)! }));
    const service = {
      name,
      schema,
      schemaTsName,
      urlEnv,
      enums,
      domains,
      composites,
      tables,
      views,
      functions,
      sequences,
      extensions,
      path,
      ...(tenants && { tenants }),
    };
    checkNamespaces(service, report);
    services.push(service);
  }
  checkTenancies(manifest, tenancies, report);
  checkMoves(services, report);
  const resolved = resolveReferences(services, diagnostics);
  const drizzle = manifest.drizzle === undefined ? undefined : (Number(manifest.drizzle) as DrizzleMajor);
  const model: Model = { ...resolved, extensions, ...(drizzle !== undefined && { drizzle }) };
  return diagnostics.length > 0 ? { diagnostics } : { model, diagnostics };
}

/** The manifest's extensions, each named once (the shape checked their spelling). */
function resolveExtensions(names: readonly string[], report: (message: string, path: YamlPath) => void): string[] {
  names.forEach((name, i) => {
    const first = names.indexOf(name);
    if (first < i)
      report(`extension ${name} is listed twice (first at ${formatPath(['extensions', first])}); expected each once`, [
        'extensions',
        i,
      ]);
  });
  return [...new Set(names)];
}

/** A table's constraints share one namespace: a named check or foreign key must not take another's name. */
function checkConstraintNames(t: ServiceDraft['tables'][number], report: (message: string, path: YamlPath) => void) {
  const taken = new Map<string, string>();
  const own = (name: string, what: string, path: YamlPath) => {
    const previous = taken.get(name);
    if (previous) report(`${what} ${JSON.stringify(name)} has the name of ${previous}; expected distinct names`, path);
    else taken.set(name, `${what} at ${formatPath(path)}`);
  };
  const pk = t.primaryKey?.name ?? (t.columns.some((c) => c.primaryKey) && constraintNames.primaryKey(t.name));
  if (pk) own(pk, 'primary key', t.path);
  t.uniques.forEach((u) => own(u.name, 'unique constraint', t.path));
  t.references.forEach((r) => own(r.name, 'foreign key', r.path));
  t.checks.forEach((k) => own(k.name, 'check', [...t.path, 'checks']));
}

/**
 * Postgres keeps tables, indexes and types of one schema in one namespace, and TypeScript keeps the
 * module's bindings in one; two manifest names must not land on the same name in either.
 */
function checkNamespaces(service: ServiceDraft, report: (message: string, path: YamlPath, atKey?: boolean) => void) {
  const relations = new Map<string, string>();
  const claim = (name: string, what: string, path: YamlPath, atKey = false) => {
    const previous = relations.get(name);
    if (previous)
      report(
        `${what} ${JSON.stringify(name)} collides with ${previous} in schema ` +
          `${service.schema}; expected distinct names`,
        path,
        atKey,
      );
    else relations.set(name, `${what} at ${formatPath(path)}`);
  };
  service.enums.forEach((e) => claim(e.name, 'enum', [...service.path, 'enums', e.name], true));
  service.domains.forEach((d) => claim(d.name, 'domain', [...service.path, 'domains', d.name], true));
  service.composites.forEach((c) => claim(c.name, 'composite type', [...service.path, 'composites', c.name], true));
  service.sequences.forEach((q) => claim(q.name, 'sequence', [...service.path, 'sequences', q.name], true));
  for (const t of service.tables) {
    claim(t.name, 'table', t.path, true);
    // A column's primaryKey: true (maybe inherited from a base) is named <table>_pkey by Postgres as well.
    if (t.primaryKey) claim(t.primaryKey.name, 'primary key', [...t.path, 'primaryKey']);
    else if (t.columns.some((c) => c.primaryKey))
      claim(constraintNames.primaryKey(t.name), 'primary key', t.path, true);
    t.uniques.forEach((u) => claim(u.name, 'unique constraint', t.path));
    t.indexes.forEach((ix, i) => claim(ix.name, 'index', [...t.path, 'indexes', i]));
    t.partitioning?.partitions.forEach((x) => claim(x.name, 'partition', [...t.path, 'partitions', x.name], true));
    checkConstraintNames(t, report);
    const keys = new Map<string, string>();
    for (const c of t.columns) {
      const other = keys.get(c.tsKey);
      if (other)
        report(
          `column ${c.name} and column ${other} both become property ${c.tsKey}; expected distinct names`,
          c.path,
          true,
        );
      keys.set(c.tsKey, c.name);
    }
  }
  const bindings = new Map<string, string>([
    [service.schemaTsName, 'the schema constant'],
    ...SOFT_DELETE_EXPORTS.map((n) => [n, 'the soft-delete helpers'] as const),
  ]);
  const bind = (name: string, what: string, path: YamlPath) => {
    const previous = bindings.get(name);
    if (previous)
      report(
        `${what} becomes the TypeScript name ${name}, already used by ${previous}; expected distinct names`,
        path,
        true,
      );
    else bindings.set(name, what);
  };
  for (const e of service.enums) {
    bind(e.tsName, `enum ${e.name}`, [...service.path, 'enums', e.name]);
    bind(pascalCase(e.name), `enum ${e.name}'s value type`, [...service.path, 'enums', e.name]);
  }
  for (const d of service.domains) bind(d.tsName, `domain ${d.name}`, [...service.path, 'domains', d.name]);
  for (const c of service.composites)
    bind(c.tsName, `composite type ${c.name}`, [...service.path, 'composites', c.name]);
  // Invalid names are reported already; their TypeScript names would only add noise.
  for (const t of service.tables.filter((x) => !identifierProblem(x.name, 'table'))) {
    bind(t.tsName, `table ${t.name}`, t.path);
    bind(t.typeName, `table ${t.name}'s row type`, t.path);
    bind(`New${t.typeName}`, `table ${t.name}'s insert type`, t.path);
    bind(`${t.tsName}Relations`, `table ${t.name}'s relations`, t.path);
  }
  for (const v of service.views) {
    const at: YamlPath = [...service.path, 'views', v.name];
    claim(v.name, v.materialized ? 'materialized view' : 'view', at, true);
    v.indexes.forEach((ix, i) => claim(ix.name, 'index', [...at, 'indexes', i]));
    if (!identifierProblem(v.name, 'view')) bind(v.tsName, `view ${v.name}`, at);
  }
  // Imported value types share the module's names too; one type may serve several columns.
  const imported = new Map<string, string>();
  for (const t of service.tables) {
    for (const c of t.columns.filter((col) => col.tsType)) {
      const { name, import: from } = c.tsType!;
      if (imported.get(name) === from) continue;
      if (imported.has(name))
        report(`tsType ${name} is imported from ${imported.get(name)} and ${from}; expected one module per type name`, [
          ...c.path,
          'tsType',
          'name',
        ]);
      else bind(name, `the tsType of ${t.name}.${c.name}`, [...c.path, 'tsType', 'name']);
      imported.set(name, from);
    }
  }
}
