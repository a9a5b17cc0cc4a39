import type { YamlPath } from '../manifest/diagnostics.js';
import type { ManifestInput, TenantsInput } from '../manifest/schema.js';
import {
  MAX_IDENTIFIER_BYTES,
  TENANT_DATABASE_RULE,
  TENANT_PATTERN_RULE,
  TENANT_PLACEHOLDER,
} from '../manifest/value-rules.js';
import { identifierProblem } from './names.js';
import type { ForeignKey, Model, Service, Tenancy, TenantSource } from './types.js';

type Report = (message: string, path: YamlPath, atKey?: boolean) => void;

/**
 * A per-tenant service is one service whose schema is a pattern: every tenant gets the same tables in
 * the schema the pattern names for it. Everything downstream (push, verify, the generated factory)
 * works on the service bound to one tenant, so a tenant is a service instance whose schema is fixed.
 */
export function resolveTenancy(input: TenantsInput, path: YamlPath, report: Report): Tenancy | undefined {
  const given = (['schema', 'database'] as const).filter((k) => input[k] !== undefined);
  if (given.length !== 1) {
    report(
      `expected exactly one of schema (a schema per tenant) or database (a database per tenant), ` +
        `got ${given.join(', ') || 'neither'}`,
      path,
    );
    return undefined;
  }
  const kind = given[0]!;
  const pattern = input[kind]!;
  const at = [...path, kind];
  const parts = pattern.split(TENANT_PLACEHOLDER);
  const rule = kind === 'schema' ? TENANT_PATTERN_RULE : TENANT_DATABASE_RULE;
  if (!new RegExp(rule.pattern).test(pattern) || parts.length !== 2) {
    report(`invalid tenant ${kind} pattern ${JSON.stringify(pattern)}; ${rule.patternErrorMessage}`, at);
    return undefined;
  }
  const [prefix, suffix] = parts as [string, string];
  const problem = kind === 'schema' ? schemaPatternProblem(pattern, prefix) : databasePatternProblem(pattern);
  if (problem) {
    report(problem, at);
    return undefined;
  }
  if (!pattern.includes('://') && Buffer.byteLength(prefix + suffix) > MAX_IDENTIFIER_BYTES - 8)
    report(
      `tenant ${kind} pattern ${JSON.stringify(pattern)} leaves tenant names under 8 bytes; expected a shorter pattern`,
      at,
    );
  const source = input.from && tenantSource(input.from, [...path, 'from'], report);
  if (source?.kind === 'schemas' && kind === 'database')
    report(`schemas: true lists tenant schemas; expected query, file or list beside tenants.database`, [
      ...path,
      'from',
      'schemas',
    ]);
  return { kind, pattern, prefix, suffix, ...(source && { source }) };
}

function schemaPatternProblem(pattern: string, prefix: string): string | undefined {
  if (/^[0-9]/.test(prefix) || prefix.startsWith('pg_'))
    return `tenant schema pattern ${JSON.stringify(pattern)} starts with ${prefix}; expected a letter or _, not pg_`;
  return undefined;
}

/** A URL pattern must parse once {tenant} is filled in, and keeps its password out of the manifest. */
function databasePatternProblem(pattern: string): string | undefined {
  if (!pattern.includes('://'))
    return /^[0-9]/.test(pattern)
      ? `tenant database pattern ${JSON.stringify(pattern)} starts with a digit; expected a letter or _`
      : undefined;
  let url: URL;
  try {
    url = new URL(pattern.replace(TENANT_PLACEHOLDER, 'tenant'));
  } catch {
    return (
      `invalid tenant database URL pattern ${JSON.stringify(pattern)}; ` +
      `expected postgres://[user@]host[:port]/database`
    );
  }
  if (url.password !== '')
    return (
      `tenant database URL pattern ${JSON.stringify(pattern.replace(/:[^:@/]*@/, ':***@'))} holds a password; ` +
      `expected none in the manifest (a tenant URL without a user takes the service URL's user and password; ` +
      `or PGPASSWORD)`
    );
  if (url.pathname.length <= 1)
    return `tenant database URL pattern ${JSON.stringify(pattern)} names no database; expected …/<database>`;
  return undefined;
}

function tenantSource(from: NonNullable<TenantsInput['from']>, at: YamlPath, report: Report): TenantSource | undefined {
  const given = Object.keys(from);
  if (given.length !== 1) {
    report(`expected exactly one of query, schemas, file or list, got ${given.join(', ') || 'none'}`, at);
    return undefined;
  }
  if (from.query !== undefined) return { kind: 'query', query: from.query };
  if (from.file !== undefined) return { kind: 'file', file: from.file };
  if (from.list !== undefined) {
    from.list.forEach((name, i) => {
      const problem = identifierProblem(name, 'tenant name');
      if (problem) report(problem, [...at, 'list', i]);
    });
    return { kind: 'list', names: from.list };
  }
  return { kind: 'schemas' };
}

/** The schema of `tenant`, or why the name cannot be a tenant of this pattern. */
export function tenantSchema(t: Tenancy, tenant: string): { schema: string } | { problem: string } {
  const problem = identifierProblem(tenant, 'tenant name');
  if (problem) return { problem };
  const schema = `${t.prefix}${tenant}${t.suffix}`;
  if (Buffer.byteLength(schema) > MAX_IDENTIFIER_BYTES)
    return {
      problem: `tenant name ${JSON.stringify(tenant)} makes schema ${schema}, over ${MAX_IDENTIFIER_BYTES} bytes`,
    };
  return { schema };
}

/** The tenant whose schema `schema` is, or undefined when the pattern does not name it. */
export function tenantOfSchema(t: Tenancy, schema: string): string | undefined {
  if (!schema.startsWith(t.prefix) || !schema.endsWith(t.suffix)) return undefined;
  const tenant = schema.slice(t.prefix.length, schema.length - t.suffix.length);
  return tenant.length > 0 && !identifierProblem(tenant, 'tenant') ? tenant : undefined;
}

/** A LIKE pattern matching every schema the pattern can name (`_` escaped). */
export const schemaLike = (t: Tenancy) => `${likeText(t.prefix)}%${likeText(t.suffix)}`;
const likeText = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The service as it is for one tenant: its schema, and its own foreign keys and moves, in the tenant's schema. */
export function bindTenant(service: Service, schema: string): Service {
  const bind = (fk: ForeignKey): ForeignKey =>
    fk.target.service === service.name ? { ...fk, target: { ...fk.target, schema } } : fk;
  return {
    ...service,
    schema,
    tables: service.tables.map((t) => ({
      ...t,
      ...(t.from && { from: { ...t.from, schema } }),
      columns: t.columns.map((c) => (c.references ? { ...c, references: bind(c.references) } : c)),
      foreignKeys: t.foreignKeys.map(bind),
      relations: t.relations.map((r) => ({ ...r, fk: bind(r.fk) })),
    })),
  };
}

/** The model as push sees it for one tenant: the service bound to the tenant's schema in place of the pattern. */
export function bindTenantModel(model: Model, service: Service, schema: string): { bound: Service; model: Model } {
  const bound = bindTenant(service, schema);
  return { bound, model: { ...model, services: model.services.map((s) => (s.name === service.name ? bound : s)) } };
}

/**
 * Manifest-wide rules of per-tenant services: no pattern can name another service's schema or share a
 * schema with another pattern; only the service itself references its tables (a shared table would
 * need one tenant's), and its tables only move within the tenant's schema.
 */
export function checkTenancies(manifest: ManifestInput, tenancies: ReadonlyMap<string, Tenancy>, report: Report) {
  const services = Object.entries(manifest.services);
  for (const [name, t] of tenancies) if (t.kind === 'schema') checkSchemaTenancy(manifest, name, t, tenancies, report);
  for (const [name, svc] of services)
    for (const [tableName, table] of Object.entries(svc.tables))
      for (const [column, c] of Object.entries(table.columns ?? {})) {
        const target = c?.references?.service;
        if (target === undefined || target === name) continue;
        const at = ['services', name, 'tables', tableName, 'columns', column, 'references', 'service'];
        const theirs = tenancies.get(target);
        if (theirs)
          report(
            `service ${target} is per tenant (${theirs.kind} ${theirs.pattern}), so only its own tables ` +
              `can reference its tables: a table of ${tenancies.has(name) ? 'another per-tenant' : 'a shared'} ` +
              `service has no one tenant to point at`,
            at,
          );
        else if (tenancies.get(name)?.kind === 'database')
          report(
            `service ${name} has a database per tenant, so its tables cannot reference service ${target}, ` +
              `whose tables are in another database; expected references within the service`,
            at,
          );
      }
}

/** A schema pattern names no other service's schema and meets no other pattern; its tables move only within it. */
function checkSchemaTenancy(
  manifest: ManifestInput,
  name: string,
  t: Tenancy,
  tenancies: ReadonlyMap<string, Tenancy>,
  report: Report,
) {
  const at = ['services', name, 'tenants', 'schema'];
  if (manifest.services[name]!.schema !== undefined)
    report(`a per-tenant service's schemas are named by tenants.schema; expected no schema: beside tenants:`, [
      'services',
      name,
      'schema',
    ]);
  for (const [other, svc] of Object.entries(manifest.services)) {
    const theirs = tenancies.get(other);
    if (other === name) continue;
    if (!theirs || theirs.kind === 'database') {
      const schema = svc.schema ?? other;
      const tenant = tenantOfSchema(t, schema);
      if (tenant !== undefined)
        report(
          `pattern ${t.pattern} names schema ${schema} of service ${other} for tenant ${JSON.stringify(tenant)}; ` +
            `expected a pattern no other service's schema matches`,
          at,
        );
    } else if (other > name && couldMeet(t, theirs))
      report(
        `pattern ${t.pattern} can name the same schema as service ${other}'s ${theirs.pattern}; ` +
          `expected patterns that never meet`,
        at,
      );
  }
  for (const [tableName, table] of Object.entries(manifest.services[name]!.tables))
    if (table.from?.includes('.'))
      report(`a per-tenant table moves only within its tenant's schema; expected the old table name alone`, [
        'services',
        name,
        'tables',
        tableName,
        'from',
      ]);
}

/** Two patterns name a common schema when one's prefix starts the other's and one's suffix ends the other's. */
const couldMeet = (a: Tenancy, b: Tenancy) =>
  (a.prefix.startsWith(b.prefix) || b.prefix.startsWith(a.prefix)) &&
  (a.suffix.endsWith(b.suffix) || b.suffix.endsWith(a.suffix));

/** `text` with the schema name `from` (a whole name, not part of a longer one) replaced by `to`. */
export const renameSchema = (text: string, from: string, to: string) =>
  text.replace(new RegExp(`(?<![a-z0-9_])${from}(?![a-z0-9_])`, 'g'), to);

/** The tenancy of a service with a schema per tenant (its generated tables take the schema at run time). */
export const schemaTenancy = (s: Service): Tenancy | undefined =>
  s.tenants?.kind === 'schema' ? s.tenants : undefined;
