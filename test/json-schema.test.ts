import { Ajv, type ErrorObject } from 'ajv';
import fc from 'fast-check';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { parseDocument } from 'yaml';
import { JSON_SCHEMA_FILE, manifestJsonSchema } from '../src/manifest/json-schema.js';
import { COLUMN_TYPE_PATTERN, IDENTIFIER_PATTERN, SQL_FRAGMENT_PATTERN } from '../src/manifest/value-rules.js';
import { parseColumnType } from '../src/model/column-types.js';
import { identifierProblem } from '../src/model/names.js';
import { sqlFragmentProblem } from '../src/model/sql-fragment.js';
import { modeline, starterManifest } from '../src/write/init-project.js';
import { VALID_MANIFEST, hostileManifests } from './corpus/hostile-manifests.js';
import { arbitraryManifest } from './support/arbitrary-manifest.js';
import { cli } from './support/cli.js';
import { fixtureCases } from './support/fixtures.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const schema = manifestJsonSchema();
// strict: ajv refuses unknown keywords and ambiguous types, so the schema holds no silent mistakes.
const ajv = new Ajv({ strict: true, allowUnionTypes: true, allErrors: true });
// The messages yaml-language-server shows instead of its generic ones: annotations to ajv.
for (const keyword of ['patternErrorMessage', 'errorMessage']) ajv.addKeyword({ keyword, schemaType: 'string' });
const validate = ajv.compile(schema);

/** What an editor validates: the YAML as JSON, or undefined when its YAML parser already refuses the text. */
function editorData(text: string | Buffer): unknown {
  const doc = parseDocument(String(text), { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) return undefined;
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch {
    return undefined;
  }
}

const errorsOf = (text: string): ErrorObject[] => (validate(editorData(text)) ? [] : [...(validate.errors ?? [])]);

describe('the shipped JSON Schema', () => {
  test(`${JSON_SCHEMA_FILE} is what schemagen json-schema prints (regenerate: npm run json-schema)`, async () => {
    const printed = await cli(['json-schema']);
    expect(printed.code).toBe(0);
    expect(JSON.parse(printed.stdout)).toEqual(schema);
    expect(readFileSync(join(ROOT, JSON_SCHEMA_FILE), 'utf8')).toBe(printed.stdout);
  });

  test("the repository's schema.yaml points editors at it", () => {
    const first = readFileSync(join(ROOT, 'schema.yaml'), 'utf8').split('\n')[0]!;
    expect(first).toBe(`# yaml-language-server: $schema=./${JSON_SCHEMA_FILE}`);
    expect(existsSync(join(ROOT, first.split('$schema=')[1]!))).toBe(true);
  });

  test('is draft-07 and states version as the integer 1', () => {
    expect(schema['$schema']).toBe('http://json-schema.org/draft-07/schema#');
    expect(errorsOf('version: 1\nservices: { s: { tables: { t: {} } } }\n')).toEqual([]);
    expect(errorsOf('version: 2\nservices: { s: { tables: { t: {} } } }\n')).toMatchObject([
      { instancePath: '/version', keyword: 'const' },
    ]);
  });

  test('every key has a description (hover text)', () => {
    const undescribed: string[] = [];
    const walk = (node: unknown, at: string) => {
      if (typeof node !== 'object' || node === null) return;
      const props = (node as { properties?: Record<string, Record<string, unknown>> }).properties;
      for (const [key, value] of Object.entries(props ?? {})) {
        if (!value['description'] && !value['$ref']) undescribed.push(`${at}.${key}`);
      }
      // allOf holds the if/then rules between keys, whose `properties` are conditions, not keys.
      for (const [key, value] of Object.entries(node)) if (key !== 'allOf') walk(value, `${at}.${key}`);
    };
    walk(schema, '');
    expect(undescribed).toEqual([]);
  });
});

describe('valid manifests pass', () => {
  test.each(['schema.yaml', ...fixtureCases('golden').map((f) => join('test', 'fixtures', f, 'schema.yaml'))])(
    '%s',
    (file) => {
      expect(errorsOf(readFileSync(join(ROOT, file), 'utf8'))).toEqual([]);
    },
  );

  test('the corpus base manifest and the starter manifest of schemagen init', () => {
    expect(errorsOf(VALID_MANIFEST)).toEqual([]);
    expect(errorsOf(starterManifest(modeline('/p/schema.yaml', '/p')))).toEqual([]);
  });

  test('random valid manifests (the property tests generator)', () => {
    fc.assert(
      fc.property(arbitraryManifest, (text) => {
        expect(errorsOf(text)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});

test('the editor flags a typo: a misspelt key is named', () => {
  const errors = errorsOf(
    'version: 1\nservices:\n  shop:\n    tables:\n      orders:\n        colums:\n          total: { type: integer }\n',
  );
  expect(errors).toMatchObject([
    {
      instancePath: '/services/shop/tables/orders',
      keyword: 'additionalProperties',
      params: { additionalProperty: 'colums' },
    },
  ]);
});

const col = (column: string) => `version: 1\nservices: { s: { tables: { t: { columns: { c: ${column} } } } } }\n`;
const index = (ix: string) => `version: 1\nservices: { s: { tables: { t: { indexes: [${ix}] } } } }\n`;
const COLUMN = '/services/s/tables/t/columns/c';
const INDEX = '/services/s/tables/t/indexes/0';

test.each([
  ['a bad table name', 'version: 1\nservices: { shop: { tables: { Orders: {} } } }\n', '/services/shop/tables'],
  [
    'a reserved schema',
    'version: 1\nservices: { shop: { schema: pg_shop, tables: { t: {} } } }\n',
    '/services/shop/schema',
  ],
  [
    'a semicolon in SQL',
    "version: 1\nservices: { s: { tables: { t: { checks: { c: { sql: 'true; drop' } } } } } }\n",
    '/services/s/tables/t/checks/c/sql',
  ],
  [
    'an array of serials',
    'version: 1\nservices: { s: { tables: { t: { columns: { c: { type: "serial[]" } } } } } }\n',
    '/services/s/tables/t/columns/c/type',
  ],
  [
    'a duplicate enum value',
    'version: 1\nservices: { s: { enums: { e: [a, a] }, tables: { t: {} } } }\n',
    '/services/s/enums/e',
  ],
  [
    'a default mapping of neither form',
    'version: 1\nservices: { s: { tables: { t: { columns: { c: { type: jsonb, default: { a: 1 } } } } } } }\n',
    '/services/s/tables/t/columns/c/default',
  ],
  [
    'a misspelt key of softDelete',
    'version: 1\nbase: { softDelete: { flag: f, when: w } }\nservices: { s: { tables: { t: {} } } }\n',
    '/base/softDelete',
  ],
  [
    'a base key that is neither a column name nor softDelete',
    'version: 1\nbase: { SoftDelete: { type: text } }\nservices: { s: { tables: { t: {} } } }\n',
    '/base',
  ],
  ['a nullable primary key', col('{ type: uuid, primaryKey: true, nullable: true }'), COLUMN],
  ['identity on text', col('{ type: text, identity: always }'), `${COLUMN}/type`],
  ['a default on an identity column', col('{ type: integer, identity: always, default: 1 }'), COLUMN],
  ['a default on a serial column', col('{ type: serial, default: 1 }'), COLUMN],
  ['onUpdate on an integer', col('{ type: integer, onUpdate: now }'), `${COLUMN}/type`],
  ['a unique hash index', index('{ columns: [c], unique: true, method: hash }'), `${INDEX}/method`],
  ['a hash index on two columns', index('{ columns: [c, d], method: hash }'), `${INDEX}/columns`],
  [
    "a lint.ignore glob leaving the manifest's folder",
    'version: 1\nservices: { s: { tables: { t: {} } } }\nlint: { ignore: [src, ../other] }\n',
    '/lint/ignore/1',
  ],
])('the editor flags %s', (_name, text, at) => {
  expect(errorsOf(text).map((e) => e.instancePath)).toContain(at);
});

/**
 * Rules that relate a value to others elsewhere in the manifest. A JSON Schema checks each value on
 * its own, so these stay with the tool; every other rejected manifest must be refused by the schema too.
 */
const CROSS_FIELD: readonly (readonly [rule: string, cases: RegExp])[] = [
  [
    'references name existing services, tables, columns, bases, mixins and enums',
    /^(reference: (missing \w+|implicit cross-service)|unknown (base|mixin|enum type)|\w+ on unknown column)$/,
  ],
  [
    'a foreign key fits its target: unique, a type PostgreSQL compares with it as it is, set null only on a nullable column',
    /^reference: (non-unique target|type mismatch|set null on not-null)$/,
  ],
  ['mixins include each other without a cycle', /^(mixin cycle|self-including mixin)$/],
  ['a table redeclares no base column', /^redeclared base column$/],
  ['each service owns its own schema', /^shared schema$/],
  [
    "a default fits its column's type, range and enum values",
    /^(wrong type .*\.default = (list|string|number|bool)|enormous integer default|enum default not a value)$/,
  ],
];
/** Text that the editor's YAML parser refuses before any schema applies. */
const YAML_SYNTAX =
  /^(not YAML at all|tabs as indentation|duplicate (top-level key|service)|alias bomb|deep (flow|block) nesting)$/;

test('every hostile manifest the JSON Schema accepts breaks a cross-field rule', () => {
  const unexplained: string[] = [];
  const used = new Set<string>();
  for (const hostile of hostileManifests()) {
    const data = editorData(hostile.text);
    if (data === undefined) {
      if (!YAML_SYNTAX.test(hostile.name)) unexplained.push(`YAML parser refuses: ${hostile.name}`);
      continue;
    }
    if (!validate(data)) continue;
    const rule = CROSS_FIELD.find(([, cases]) => cases.test(hostile.name));
    if (rule) used.add(rule[0]);
    else unexplained.push(`JSON Schema accepts: ${hostile.name}`);
  }
  expect(unexplained).toEqual([]);
  expect([...used].sort()).toEqual(CROSS_FIELD.map(([rule]) => rule).sort());
});

describe('patterns agree with the rules the tool enforces', () => {
  test('identifiers: the pattern accepts exactly the names the model accepts', () => {
    const pattern = new RegExp(IDENTIFIER_PATTERN, 'u');
    const names = fc.string({ unit: fc.constantFrom('a', 'z', '_', '0', '9', 'A', '-', ' ', 'é'), maxLength: 70 });
    fc.assert(
      fc.property(names, (n) => {
        expect(pattern.test(n)).toBe(identifierProblem(n, 'name') === undefined);
      }),
    );
  });

  test('raw SQL: what the tool accepts matches; what matches is refused only for parentheses or E-strings', () => {
    const pattern = new RegExp(SQL_FRAGMENT_PATTERN, 'u');
    const sql = fc.string({
      unit: fc.constantFrom('a', ' ', "'", '"', ';', '$', '-', '/', '*', '(', ')', '\\', 'E', '\0'),
      maxLength: 24,
    });
    fc.assert(
      fc.property(sql, (s) => {
        const problem = sqlFragmentProblem(s);
        if (problem === undefined) expect(pattern.test(s)).toBe(true);
        else if (pattern.test(s)) expect(problem).toMatch(/unbalanced|backslash in an E/);
      }),
      { numRuns: 2000 },
    );
  });

  test('column types: what the tool accepts matches; a match is refused only as an unknown name or a scale', () => {
    const pattern = new RegExp(COLUMN_TYPE_PATTERN, 'u');
    const word = fc.constantFrom(
      'integer',
      'text',
      'double precision',
      'serial',
      'bigserial',
      'mood',
      'Text',
      'varchar',
    );
    const sized = fc.tuple(
      fc.constantFrom('varchar', 'char', 'numeric', 'decimal', 'integer'),
      fc.nat({ max: 2 }),
      sizes,
    );
    const scalar = fc.oneof(
      word,
      sized.map(([t, pad, [n, s]]) => `${t}${' '.repeat(pad)}(${n}${s})`),
    );
    const spelling = fc
      .tuple(fc.constantFrom('', ' '), scalar, fc.constantFrom('', '[]', ' []', '[][]', '[ ]'))
      .map((p) => p.join(''));
    fc.assert(
      fc.property(spelling, (t) => {
        const parsed = parseColumnType(t, new Set(['mood']));
        if (typeof parsed !== 'string') expect(pattern.test(t)).toBe(true);
        else if (pattern.test(t)) expect(parsed).toMatch(/^unknown column type|^numeric scale/);
      }),
      { numRuns: 3000 },
    );
  });
});

/** Lengths and precisions around the bounds, with and without leading zeros, and an optional scale. */
const sizes = fc.tuple(
  fc.oneof(
    fc.constantFrom('0', '1', '00', '007', '999', '1000', '1001', '9999999', '10485760', '10485761', '010485760'),
    fc.nat({ max: 20_000_000 }).map(String),
  ),
  fc.constantFrom('', ',0', ', 2', ',1000', ',x'),
);
