/**
 * Built-in Postgres types drizzle-orm has no column builder for. Each is declared once with
 * `customType` in the generated `column-types.ts`, which the services' modules import; the runtime
 * table builder (db/migrations/runtime-tables.ts) declares the same from this data, so the generated
 * code and what migrations are made from cannot disagree.
 */
export interface CustomTypeSpec {
  /** the TypeScript type of the values (the driver hands over the server's text for all but bytea) */
  readonly data: string;
  /** set when the driver's value is not the data type's */
  readonly driverData?: string;
  /** the type's name as Postgres spells it; a length, when given, follows in parentheses */
  readonly sql: string;
  /** the type takes a length (`bit(8)`), passed as `{ length }` */
  readonly sized?: true;
  /** why it is a custom type, for the declaration's comment */
  readonly note?: string;
  /** the extension defining it (in the extension's schema, not pg_catalog), which `extensions:` lists */
  readonly extension?: string;
}

const text = (sql: string): CustomTypeSpec => ({ data: 'string', sql });

export const CUSTOM_TYPES = {
  bytea: {
    data: 'Uint8Array',
    driverData: 'Uint8Array',
    sql: 'bytea',
    note: 'bytea as Uint8Array (drizzle-orm 0.x has no bytea column).',
  },
  money: text('money'),
  xml: text('xml'),
  tsvector: text('tsvector'),
  tsquery: text('tsquery'),
  bit: { data: 'string', sql: 'bit', sized: true },
  varbit: { data: 'string', sql: 'bit varying', sized: true },
  lseg: text('lseg'),
  box: text('box'),
  path: text('path'),
  polygon: text('polygon'),
  circle: text('circle'),
  int4range: text('int4range'),
  int8range: text('int8range'),
  numrange: text('numrange'),
  tsrange: text('tsrange'),
  tstzrange: text('tstzrange'),
  daterange: text('daterange'),
  int4multirange: text('int4multirange'),
  int8multirange: text('int8multirange'),
  nummultirange: text('nummultirange'),
  tsmultirange: text('tsmultirange'),
  tstzmultirange: text('tstzmultirange'),
  datemultirange: text('datemultirange'),
  citext: {
    data: 'string',
    sql: 'citext',
    note: 'Case-insensitive text of the citext extension (extensions: [citext]).',
    extension: 'citext',
  },
} as const satisfies Record<string, CustomTypeSpec>;

export type CustomKind = keyof typeof CUSTOM_TYPES;

export const isCustomKind = (kind: string): kind is CustomKind => Object.hasOwn(CUSTOM_TYPES, kind);

/** A type an extension defines, which the manifest spells by its bare name (citext). */
export const isExtensionType = (name: string): boolean =>
  isCustomKind(name) && (CUSTOM_TYPES[name] as CustomTypeSpec).extension !== undefined;

/** The SQL a custom type's column is declared with, from the `{ length }` its builder was given. */
export function customTypeSql(spec: CustomTypeSpec, config: { length?: number } | undefined): string {
  return config?.length === undefined ? spec.sql : `${spec.sql}(${config.length})`;
}

/** The declaration generated/column-types.ts holds for the type. */
export function customTypeDeclaration(name: CustomKind): string {
  const spec: CustomTypeSpec = CUSTOM_TYPES[name];
  const driver = spec.driverData ? `; driverData: ${spec.driverData}` : '';
  const comment = spec.note ? `/** ${spec.note} */\n` : '';
  if (!spec.sized)
    return (
      `${comment}export const ${name} = customType<{ data: ${spec.data}${driver} }>({ ` +
      `dataType: () => '${spec.sql}' });`
    );
  return (
    `${comment}export const ${name} = customType<{ data: ${spec.data}${driver}; config: { length?: number } }>({\n` +
    `  dataType: (config) => (config?.length === undefined ? '${spec.sql}' : \`${spec.sql}(\${config.length})\`),\n` +
    `});`
  );
}
