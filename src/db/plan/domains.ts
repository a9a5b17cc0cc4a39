import { columnTypeSql, defaultSql } from '../../model/sql-spelling.js';
import type { Check, Domain } from '../../model/types.js';
import { qualified, quoteIdent as q } from '../../shared/sql-quote.js';
import type { CatalogDomain } from '../catalog/types.js';
import { asColumn } from '../compare/domains.js';
import type { Change } from '../compare/types.js';
import { inTransaction, online, type Step } from './steps.js';

/**
 * Domain changes. A new domain comes whole (base type, default, NOT NULL, checks); a live one has
 * its default set or dropped in place, and its NOT NULL and checks added and dropped. A check added
 * to a domain that columns of live tables use is added NOT VALID and validated after the commit,
 * where writes go on (ALTER DOMAIN … VALIDATE CONSTRAINT); a domain's base type cannot change in place.
 */
type DomainChange = Extract<Change, { kind: `${string}domain${string}` }>;

/** A domain's change as steps and the stage of the plan they go in (service-plan.ts), or why it cannot be pushed. */
export function domainChange(
  schema: string,
  change: DomainChange,
  later: boolean,
): { stage: 'enums' | 'add rules' | 'drop rules'; steps: Step[] } | { refusal: string } {
  const d = change.domain;
  switch (change.kind) {
    case 'create domain':
      return { stage: 'enums', steps: [createDomain(schema, d)] };
    case 'domain type':
      return { refusal: domainTypeRefusal(schema, d, change.live) };
    case 'domain default':
      return { stage: 'enums', steps: [domainDefault(schema, d)] };
    // Relaxed before the columns change; tightened once they have.
    case 'domain not null':
      return { stage: d.notNull ? 'add rules' : 'enums', steps: [domainNotNull(schema, d)] };
    case 'add domain check':
      return { stage: 'add rules', steps: addDomainCheck(schema, d, change.check, change.replacing, later) };
    case 'drop domain check': {
      const rule = `removes check ${change.name} from domain ${schema}.${d.name} (not in the manifest)`;
      return { stage: 'drop rules', steps: [dropDomainCheck(schema, d, change.name, rule)] };
    }
    case 'validate domain check':
      return { stage: 'add rules', steps: [validateDomainCheck(schema, d, change.name)] };
  }
}

const name = (schema: string, d: Domain) => qualified(schema, d.name);
const object = (schema: string, d: Domain, part?: string) => `${schema}.${d.name}${part ? `.${part}` : ''}`;
const checkSql = (k: Check) => `CONSTRAINT ${q(k.name)} CHECK (${k.sql})`;

function createDomain(schema: string, d: Domain): Step {
  const dflt = defaultSql(asColumn(d));
  const parts = [
    `CREATE DOMAIN ${name(schema, d)} AS ${columnTypeSql(asColumn(d), schema)}`,
    ...(dflt === undefined ? [] : [`DEFAULT ${dflt}`]),
    ...(d.notNull ? ['NOT NULL'] : []),
    ...d.checks.map(checkSql),
  ];
  return inTransaction('create domain', object(schema, d), parts.join(' '), 'none', {});
}

function domainDefault(schema: string, d: Domain): Step {
  const dflt = defaultSql(asColumn(d));
  const sql = `ALTER DOMAIN ${name(schema, d)} ${dflt === undefined ? 'DROP DEFAULT' : `SET DEFAULT ${dflt}`}`;
  return inTransaction('alter domain', object(schema, d), sql, 'none', {});
}

/** SET NOT NULL reads every column of the domain, as adding a check does. */
function domainNotNull(schema: string, d: Domain): Step {
  const sql = `ALTER DOMAIN ${name(schema, d)} ${d.notNull ? 'SET' : 'DROP'} NOT NULL`;
  return inTransaction('alter domain', object(schema, d), sql, d.notNull ? 'SHARE' : 'none', {}, { scans: d.notNull });
}

/** The check added (in place of the one of its name that differs); NOT VALID then validated when `later`. */
function addDomainCheck(schema: string, d: Domain, k: Check, replacing: boolean, later: boolean): Step[] {
  const drop = replacing ? [dropDomainCheck(schema, d, k.name)] : [];
  const add = `ALTER DOMAIN ${name(schema, d)} ADD ${checkSql(k)}`;
  if (!later)
    return [...drop, inTransaction('add constraint', object(schema, d, k.name), add, 'SHARE', {}, { scans: true })];
  return [
    ...drop,
    inTransaction('add constraint', object(schema, d, k.name), `${add} NOT VALID`, 'none', {}),
    validateDomainCheck(schema, d, k.name),
  ];
}

/** VALIDATE CONSTRAINT after the commit; dropped again when it fails, so no unvalidated rule stays behind. */
function validateDomainCheck(schema: string, d: Domain, check: string): Step {
  return online(
    'validate constraint',
    object(schema, d, check),
    `ALTER DOMAIN ${name(schema, d)} VALIDATE CONSTRAINT ${q(check)}`,
    'SHARE UPDATE EXCLUSIVE',
    {},
    { scans: true, undo: `ALTER DOMAIN ${name(schema, d)} DROP CONSTRAINT IF EXISTS ${q(check)}` },
  );
}

function dropDomainCheck(schema: string, d: Domain, check: string, removesRule?: string): Step {
  const sql = `ALTER DOMAIN ${name(schema, d)} DROP CONSTRAINT ${q(check)}`;
  return inTransaction('drop constraint', object(schema, d, check), sql, 'none', {}, { removesRule });
}

/** Why a domain over another base type cannot be pushed. */
const domainTypeRefusal = (schema: string, d: Domain, live: CatalogDomain): string =>
  `domain ${schema}.${d.name} is over ${live.baseType}; a domain's base type cannot change in place: ` +
  `declare a new domain over ${d.type.sql} and change the columns to it`;
