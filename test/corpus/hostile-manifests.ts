/**
 * Malformed manifests, built programmatically: for every key of a valid manifest each wrong kind of
 * value, every identifier rule broken at every level, every reference broken, plus YAML-level
 * attacks. Each must be rejected with exit 1 and positioned messages.
 */
export interface HostileCase {
  readonly name: string;
  readonly text: string | Buffer;
}

const VALID = {
  version: 1,
  base: { id: { type: 'uuid', primaryKey: true, default: { sql: 'gen_random_uuid()' } } },
  bases: { event: { id: { type: 'bigserial', primaryKey: true } } },
  mixins: { audited: { include: ['stamped'], columns: { created_by: { type: 'uuid', nullable: true } } }, stamped: { columns: { stamp: { type: 'integer', default: 0 } } } },
  services: {
    shop: {
      schema: 'shop',
      databaseUrlEnv: 'SHOP_DATABASE_URL',
      enums: { status: ['open', 'closed'] },
      tables: {
        orders: {
          base: 'event',
          mixins: ['audited'],
          comment: 'Orders',
          columns: {
            status: { type: 'status', default: 'open', comment: 'state', nullable: false, unique: false, onUpdate: undefined },
            total: { type: 'integer', default: 0, identity: undefined, primaryKey: false },
            customer_id: { type: 'uuid', references: { service: 'crm', table: 'customers', column: 'id', onDelete: 'cascade', onUpdate: 'no action' } },
            seen_at: { type: 'timestamptz', nullable: true, onUpdate: 'now' },
          },
          indexes: [{ columns: ['status', 'total'], name: 'orders_status_total_idx', unique: false, where: { sql: 'total > 0' }, method: 'btree' }],
          uniques: [{ columns: ['status', 'customer_id'], name: 'orders_status_customer_key' }],
          checks: { total_positive: { sql: 'total >= 0' } },
        },
      },
    },
    crm: { tables: { customers: { columns: { name: { type: 'text' } } } } },
  },
};

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const yaml = (v: unknown) => JSON.stringify(v, null, 2); // JSON is YAML; positions still apply

/** Every path to a value in the valid manifest. */
function paths(v: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (v === null || typeof v !== 'object') return [prefix];
  const entries = Array.isArray(v) ? v.map((x, i) => [i, x] as const) : Object.entries(v).filter(([, x]) => x !== undefined);
  return [prefix, ...entries.flatMap(([k, x]) => paths(x, [...prefix, k]))];
}

function setAt(root: Json, path: (string | number)[], value: Json): Json {
  const copy = clone(root);
  let node = copy as Record<string | number, Json>;
  for (const seg of path.slice(0, -1)) node = node[seg] as Record<string | number, Json>;
  node[path.at(-1)!] = value;
  return copy;
}

const kindOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'list' : typeof v === 'object' ? 'mapping' : typeof v === 'boolean' ? 'bool' : typeof v);

const WRONG: Record<string, Json> = { list: [1], mapping: { x: 1 }, string: 'nope', number: 12345, bool: true, null: null };

function wrongTypes(): HostileCase[] {
  const out: HostileCase[] = [];
  for (const path of paths(VALID).filter((p) => p.length > 0)) {
    const original = kindOf(path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], VALID));
    for (const [kind, value] of Object.entries(WRONG)) {
      if (kind === original) continue; // same kind of value: not a type error
      out.push({ name: `wrong type ${path.join('.')} = ${kind}`, text: yaml(setAt(VALID as unknown as Json, path, value)) });
    }
  }
  return out;
}

const BAD_NAMES = ['Orders', 'or-ders', 'or ders', '1orders', '', 'x'.repeat(64), '\u0430ccounts', 'zero\u200bwidth', '__proto__', 'é'];

function badIdentifiers(): HostileCase[] {
  const out: HostileCase[] = [];
  for (const bad of BAD_NAMES) {
    const rename = (obj: Record<string, unknown>, from: string) => Object.fromEntries(Object.entries(obj).map(([k, v]) => [k === from ? bad : k, v]));
    const m = clone(VALID) as typeof VALID & Record<string, unknown>;
    out.push({ name: `bad service name ${JSON.stringify(bad)}`, text: yaml({ ...m, services: rename(m.services, 'crm') }) });
    const shop = m.services.shop;
    out.push({ name: `bad table name ${JSON.stringify(bad)}`, text: yaml(setAt(m as unknown as Json, ['services', 'shop', 'tables'], rename(shop.tables, 'orders') as Json)) });
    out.push({ name: `bad column name ${JSON.stringify(bad)}`, text: yaml(setAt(m as unknown as Json, ['services', 'shop', 'tables', 'orders', 'columns'], rename(shop.tables.orders.columns, 'total') as Json)) });
    out.push({ name: `bad enum name ${JSON.stringify(bad)}`, text: yaml(setAt(m as unknown as Json, ['services', 'shop', 'enums'], { [bad]: ['a'] })) });
    out.push({ name: `bad schema ${JSON.stringify(bad)}`, text: yaml(setAt(m as unknown as Json, ['services', 'shop', 'schema'], bad)) });
    out.push({ name: `bad check key ${JSON.stringify(bad)}`, text: yaml(setAt(m as unknown as Json, ['services', 'shop', 'tables', 'orders', 'checks'], { [bad]: { sql: 'true' } })) });
  }
  return out;
}

function brokenReferences(): HostileCase[] {
  const at = ['services', 'shop', 'tables', 'orders', 'columns', 'customer_id', 'references'];
  const ref = VALID.services.shop.tables.orders.columns.customer_id.references;
  const cases: [string, Json][] = [
    ['missing service', { ...ref, service: 'nowhere' }],
    ['missing table', { ...ref, table: 'nowhere' }],
    ['missing column', { ...ref, column: 'nowhere' }],
    ['implicit cross-service', { table: 'customers' }],
    ['non-unique target', { ...ref, column: 'name' }],
    ['bad action', { ...ref, onDelete: 'explode' }],
    ['set null on not-null', { ...ref, onDelete: 'set null' }],
  ];
  const out = cases.map(([name, value]) => ({ name: `reference: ${name}`, text: yaml(setAt(VALID as unknown as Json, at, value)) }));
  out.push({ name: 'reference: type mismatch', text: yaml(setAt(VALID as unknown as Json, [...at.slice(0, -1), 'type'], 'integer')) });
  out.push({ name: 'unknown base', text: yaml(setAt(VALID as unknown as Json, ['services', 'shop', 'tables', 'orders', 'base'], 'nowhere')) });
  out.push({ name: 'unknown mixin', text: yaml(setAt(VALID as unknown as Json, ['services', 'shop', 'tables', 'orders', 'mixins'], ['nowhere'])) });
  out.push({ name: 'mixin cycle', text: yaml(setAt(VALID as unknown as Json, ['mixins', 'stamped', 'include'], ['audited'])) });
  out.push({ name: 'self-including mixin', text: yaml(setAt(VALID as unknown as Json, ['mixins', 'stamped', 'include'], ['stamped'])) });
  out.push({ name: 'index on unknown column', text: yaml(setAt(VALID as unknown as Json, ['services', 'shop', 'tables', 'orders', 'indexes', 0, 'columns'], ['nowhere'])) });
  out.push({ name: 'unique on unknown column', text: yaml(setAt(VALID as unknown as Json, ['services', 'shop', 'tables', 'orders', 'uniques', 0, 'columns'], ['nowhere'])) });
  out.push({ name: 'unknown enum type', text: yaml(setAt(VALID as unknown as Json, ['services', 'shop', 'tables', 'orders', 'columns', 'status', 'type'], 'statuses')) });
  out.push({ name: 'enum default not a value', text: yaml(setAt(VALID as unknown as Json, ['services', 'shop', 'tables', 'orders', 'columns', 'status', 'default'], 'pending')) });
  return out;
}

function alias(depth: number): string {
  const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i <= depth; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
  return `version: 1\n${lines.join('\n')}\nservices: {}\n`;
}

function yamlLevel(): HostileCase[] {
  const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256));
  return [
    { name: 'empty file', text: '' },
    { name: 'only a comment', text: '# nothing\n' },
    { name: 'not YAML at all', text: 'version: 1\nservices: {\n  shop: [unclosed\n' },
    { name: 'binary garbage', text: garbage },
    { name: 'NUL bytes', text: 'version: 1\0\nservices: {}\n' },
    { name: 'invalid UTF-8', text: Buffer.from([0x76, 0x3a, 0x20, 0xff, 0xfe, 0x0a]) },
    { name: 'top-level list', text: '- version: 1\n' },
    { name: 'top-level scalar', text: 'hello\n' },
    { name: 'top-level number', text: '42\n' },
    { name: 'tabs as indentation', text: 'version: 1\nservices:\n\tshop: {}\n' },
    { name: 'duplicate top-level key', text: 'version: 1\nversion: 1\nservices: {}\n' },
    { name: 'duplicate service', text: 'version: 1\nservices:\n  a: { tables: { t: { columns: {} } } }\n  a: { tables: { t: { columns: {} } } }\n' },
    { name: 'anchors and aliases', text: 'version: 1\nx: &x { type: text }\nservices: { s: { tables: { t: { columns: { c: *x } } } } }\n' },
    { name: 'alias bomb', text: alias(9) },
    { name: 'merge key', text: 'version: 1\nservices:\n  s:\n    <<: { tables: {} }\n' },
    { name: 'enormous number', text: 'version: 1e999\nservices: {}\n' },
    { name: 'enormous integer default', text: 'version: 1\nservices: { s: { tables: { t: { columns: { c: { type: bigint, default: 99999999999999999999999999 } } } } } }\n' },
    { name: 'very long string', text: `version: 1\nservices: { s: { tables: { t: { comment: "${'x'.repeat(1_000_000)}\0" } } } }\n` },
    { name: 'very long name', text: `version: 1\nservices: { ${'s'.repeat(200_000)}: { tables: {} } }\n` },
    { name: 'deep flow nesting', text: `version: 1\nservices: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n` },
    { name: 'deep block nesting', text: `version: 1\nservices:\n${Array.from({ length: 2000 }, (_, i) => `${' '.repeat(i + 1)}k${i}:`).join('\n')} x\n` },
    { name: 'version 2', text: 'version: 2\nservices: {}\n' },
    { name: 'no services', text: 'version: 1\n' },
    { name: 'empty services', text: 'version: 1\nservices: {}\n' },
    { name: 'service without tables', text: 'version: 1\nservices: { s: { tables: {} } }\n' },
    { name: 'raw SQL with semicolon', text: "version: 1\nservices: { s: { tables: { t: { columns: { c: { type: text, default: { sql: \"'a'; drop table t\" } } } } } } }\n" },
    { name: 'raw SQL with comment', text: "version: 1\nservices: { s: { tables: { t: { checks: { x: { sql: 'true -- hi' } } } } } }\n" },
    { name: 'raw SQL dollar quotes', text: "version: 1\nservices: { s: { tables: { t: { checks: { x: { sql: '$$a$$ = 1' } } } } } }\n" },
    { name: 'raw SQL unbalanced quote', text: "version: 1\nservices: { s: { tables: { t: { checks: { x: { sql: \"a = 'b\" } } } } } }\n" },
    { name: 'NUL in comment', text: 'version: 1\nservices: { s: { tables: { t: { comment: "a\\0b" } } } }\n' },
    { name: 'NUL in enum value', text: 'version: 1\nservices: { s: { enums: { e: ["a\\0b"] }, tables: { t: {} } } }\n' },
    { name: 'default in wrong form', text: 'version: 1\nservices: { s: { tables: { t: { columns: { c: { type: jsonb, default: { a: 1 } } } } } } }\n' },
    { name: 'redeclared base column', text: 'version: 1\nservices: { s: { tables: { t: { columns: { created_at: { type: timestamptz } } } } } }\n' },
    { name: 'shared schema', text: 'version: 1\nservices: { a: { schema: x, tables: { t: {} } }, b: { schema: x, tables: { t: {} } } }\n' },
    { name: 'reserved schema public', text: 'version: 1\nservices: { a: { schema: public, tables: { t: {} } } }\n' },
  ];
}

export const VALID_MANIFEST = yaml(VALID);

export function hostileManifests(): HostileCase[] {
  return [...yamlLevel(), ...badIdentifiers(), ...brokenReferences(), ...wrongTypes()];
}
