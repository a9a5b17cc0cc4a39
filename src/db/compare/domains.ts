import type { Column, Domain, Service } from '../../model/types.js';
import { columnTypeSql } from '../../model/sql-spelling.js';
import { conditionOf, type CatalogDomain, type CatalogSchema } from '../catalog/types.js';
import type { Equivalence } from './equivalence.js';
import { defaultExpression } from './equivalence.js';
import { actualDefault, expectedDefault, normalizeSql, stripSchema } from './normalize.js';
import type { Noted } from './types.js';

/**
 * The service's declared domains against the live ones: missing, another base type, NOT NULL, the
 * default, and each check by name (missing, different, not validated, undeclared). A domain the
 * manifest does not declare is left alone: verify lists it as unmanaged.
 */
export function diffDomains(service: Service, catalog: CatalogSchema, at: Noted, equivalence: Equivalence): void {
  const live = new Map(catalog.domains.map((d) => [d.name, d] as const));
  for (const domain of service.domains) {
    const actual = live.get(domain.name);
    if (!actual) at(domain.name, 'domain is missing', { kind: 'create domain', domain });
    else diffDomain(service.schema, domain, actual, at, equivalence);
  }
}

function diffDomain(schema: string, domain: Domain, live: CatalogDomain, at: Noted, equivalence: Equivalence) {
  const where = domain.name;
  if (stripSchema(live.baseType) !== domain.type.sql) {
    at(where, `domain is over ${live.baseType}; expected ${domain.type.sql}`, { kind: 'domain type', domain, live });
    return;
  }
  if (live.notNull !== domain.notNull)
    at(
      where,
      `domain is ${live.notNull ? 'NOT NULL' : 'nullable'}; expected ${domain.notNull ? 'NOT NULL' : 'nullable'}`,
      {
        kind: 'domain not null',
        domain,
      },
    );
  if (!sameDefault(schema, domain, live.default, equivalence))
    at(where, `domain default is ${live.default ?? 'none'}; expected ${describe(domain)}`, {
      kind: 'domain default',
      domain,
    });
  const checks = new Map(live.checks.map((k) => [k.name, k] as const));
  const base = columnTypeSql(asColumn(domain), schema);
  for (const check of domain.checks) {
    const k = checks.get(check.name);
    checks.delete(check.name);
    const place = `${where}.${check.name}`;
    if (!k) {
      at(place, 'domain check is missing', { kind: 'add domain check', domain, check, replacing: false });
      continue;
    }
    const condition = conditionOf(k.definition);
    const same =
      normalizeSql(condition) === normalizeSql(check.sql) ||
      equivalence.same({ kind: 'domain check', sql: check.sql, columns: [], type: base }, condition);
    if (!same)
      at(place, `domain check is ${condition}; expected ${check.sql}`, {
        kind: 'add domain check',
        domain,
        check,
        replacing: true,
      });
    else if (!k.validated)
      at(place, 'domain check is NOT VALID (its validation never finished); push validates it', {
        kind: 'validate domain check',
        domain,
        name: check.name,
      });
  }
  for (const name of checks.keys())
    at(`${where}.${name}`, 'domain check is not in the manifest', { kind: 'drop domain check', domain, name });
}

/** The domain as a column of its base type carrying its default: defaults compare the same way. */
export const asColumn = (d: Domain): Column => ({
  name: d.name,
  tsKey: d.tsName,
  type: d.type,
  nullable: !d.notNull,
  primaryKey: false,
  onUpdateNow: false,
  origin: 'domain',
  ...(d.default && { default: d.default }),
});

function sameDefault(schema: string, domain: Domain, live: string | null, equivalence: Equivalence): boolean {
  const column = asColumn(domain);
  if (actualDefault(live, column) === expectedDefault(column)) return true;
  const expression = defaultExpression(schema, column);
  return live !== null && expression !== undefined && equivalence.same(expression, live);
}

const describe = (d: Domain): string =>
  !d.default
    ? 'none'
    : d.default.kind === 'sql'
      ? d.default.sql
      : JSON.stringify(d.default.value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
