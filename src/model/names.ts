/** Identifier rules and the derivation of every generated name. */

import pluralize from 'pluralize';
import { IDENTIFIER, MAX_IDENTIFIER_BYTES, isReservedSchema } from '../manifest/value-rules.js';
import { MIGRATIONS_SCHEMA } from '../shared/conventions.js';

export { MAX_IDENTIFIER_BYTES };

/** Returns why `name` is not a valid identifier, or undefined when it is. */
export function identifierProblem(full: string, what: string): string | undefined {
  const name = full.length > 80 ? `${full.slice(0, 80)}…` : full;
  if (!IDENTIFIER.test(full)) {
    const lookalike = /[^\x00-\x7f]/.test(name) ? ' (it contains non-ASCII characters, possibly look-alikes)' : '';
    return (
      `invalid ${what} ${JSON.stringify(name)}${lookalike}; expected lowercase ` +
      `letters, digits and _, starting with a letter or _ ([a-z_][a-z0-9_]*)`
    );
  }
  if (Buffer.byteLength(full) > MAX_IDENTIFIER_BYTES) {
    return (
      `${what} ${JSON.stringify(name)} is ${Buffer.byteLength(full)} bytes; expected ` +
      `at most ${MAX_IDENTIFIER_BYTES} (Postgres truncates longer names)`
    );
  }
  if (full === '__proto__')
    return `${what} "__proto__" cannot be carried safely by JavaScript objects; expected another name`;
  return undefined;
}

/**
 * Returns why `name`, given to a constraint or index, cannot be one: any spelling is kept as it is
 * (an adopted database's `PK_Order_ID`), but PostgreSQL truncates beyond 63 bytes and text holds no NUL.
 */
export function objectNameProblem(name: string, what: string): string | undefined {
  const shown = JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name);
  if (name === '') return `${what} is empty; expected a name`;
  if (name.includes('\0')) return `${what} ${shown} contains a NUL character; expected a name without it`;
  if (Buffer.byteLength(name) > MAX_IDENTIFIER_BYTES)
    return (
      `${what} ${shown} is ${Buffer.byteLength(name)} bytes; expected ` +
      `at most ${MAX_IDENTIFIER_BYTES} (Postgres truncates longer names)`
    );
  return undefined;
}

/**
 * Returns why `role` cannot name a role a policy applies to or a table is granted to: any spelling
 * (an adopted database's `App_Reader`) within PostgreSQL's length, but not a name standing for the
 * role that runs push, which PostgreSQL would store as that role.
 */
export function roleNameProblem(role: string): string | undefined {
  return (
    objectNameProblem(role, 'role name') ??
    (/^(current_user|current_role|session_user)$/.test(role)
      ? `${role} stands for the role that runs push; expected a role's name, or public`
      : undefined)
  );
}

export function reservedSchemaProblem(schema: string): string | undefined {
  if (isReservedSchema(schema)) {
    return (
      `schema ${JSON.stringify(schema)} is reserved (public, information_schema, pg_*, ` +
      `and ${MIGRATIONS_SCHEMA} for migration history); expected a schema of the ` +
      `service's own`
    );
  }
  return undefined;
}

/** snake_case → camelCase, keeping leading and trailing underscores so distinct names stay distinct. */
export function camelCase(name: string): string {
  const lead = /^_*/.exec(name)![0];
  const trail = /_*$/.exec(name.slice(lead.length))![0];
  const core = name.slice(lead.length, name.length - trail.length);
  const parts = core.split('_');
  const camel = parts.map((p, i) => (i === 0 ? p : p.charAt(0).toUpperCase() + p.slice(1))).join('');
  return lead + camel + trail;
}

export function pascalCase(name: string): string {
  const camel = camelCase(name).replace(/^_+/, '');
  return camel.charAt(0).toUpperCase() + camel.slice(1);
}

/** The singular of a snake_case table name: its last word singularized (`application_events` → `application_event`). */
export function singularName(name: string): string {
  const match = /^(.*?)([a-z0-9]+)(_*)$/.exec(name);
  if (!match) return name;
  const [, head, word, trail] = match as unknown as [string, string, string, string];
  const singular = pluralize.singular(word);
  // pluralize maps a lone `s` to ''; keep the name whenever the result is not a plain word.
  return /^[a-z0-9]+$/.test(singular) ? head + singular + trail : name;
}

/**
 * Row type names, singular as Drizzle's docs write them (`profiles` → `Profile` / `NewProfile`). A table whose
 * singular (or its `New…` form) would be another table's type name or a name in `taken` keeps the plural name.
 */
export function rowTypeNames(tables: readonly string[], taken: ReadonlySet<string>): Map<string, string> {
  const forms = (table: string) => {
    const singular = pascalCase(singularName(table));
    const plural = pascalCase(table);
    return { singular, plural, names: new Set([singular, plural].flatMap((n) => [n, `New${n}`])) };
  };
  const all = new Map(tables.map((t) => [t, forms(t)] as const));
  const uses = new Map<string, number>();
  for (const { names } of all.values()) for (const n of names) uses.set(n, (uses.get(n) ?? 0) + 1);
  const clashes = (n: string) => taken.has(n) || uses.get(n)! > 1;
  return new Map(
    [...all].map(
      ([table, { singular, plural }]) =>
        [table, [singular, `New${singular}`].some(clashes) ? plural : singular] as const,
    ),
  );
}

/** Words that cannot be a `const` name in a module. */
const JS_RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum ' +
    'export extends false finally for function if ' +
    ('import in instanceof new null return super switch this throw true try typeof ' +
      'var void while with yield let static ') +
    'implements interface package private protected public await arguments eval undefined NaN Infinity'
  ).split(' '),
);

/** Names the generated modules import or declare themselves. */
export const GENERATED_BINDINGS = new Set(
  (
    'pgSchema uuid text varchar char smallint integer bigint smallserial serial ' +
    'bigserial boolean numeric real doublePrecision ' +
    ('date time timestamp interval json jsonb inet cidr macaddr macaddr8 point line customType bytea columnTypes ' +
      'index uniqueIndex ' +
      'unique primaryKey foreignKey check sql relations ') +
    'AnyPgColumn drizzle postgres connect databaseUrl schema tables notDeleted softDelete'
  ).split(' '),
);

/** A const name for a table or enum: its camelCase, suffixed when that is reserved or taken. */
export function bindingName(name: string, suffix: string): string {
  const camel = camelCase(name);
  return JS_RESERVED.has(camel) || GENERATED_BINDINGS.has(camel) || /^_+$/.test(camel) ? camel + suffix : camel;
}

/** Key of another service's table in a service's relational-query schema: `auth` + `accounts` → `authAccounts`. */
export const crossTableKey = (service: string, table: string) => camelCase(`${service}_${table}`);

/** Namespace binding for another service's schema module. */
export const crossBinding = (service: string) => `${camelCase(service)}Tables`;
