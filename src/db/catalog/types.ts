/** What one schema holds, read from the catalogs in one snapshot (readCatalogs). */
export interface CatalogColumn {
  readonly name: string;
  /** format_type() spelling, schema-qualified where the search path needs it */
  readonly type: string;
  /** the array dimensions the column was declared with (pg_attribute.attndims), which format_type() leaves out */
  readonly dims: number;
  readonly notNull: boolean;
  readonly default: string | null;
  readonly identity: '' | 'a' | 'd';
  readonly comment: string | null;
  /** the type's own name and schema, and for arrays the element's (the enum behind `role[]`) */
  readonly typeName: string;
  readonly typeSchema: string;
  /** pg_type.typtype of the scalar type: b base, e enum, d domain, c composite, r range, m multirange */
  readonly typeKind: string;
  readonly generated: boolean;
  /** the name of the sequence the column owns (serial), which lives in the table's schema */
  readonly ownedSequence: string | null;
  /** an identity column's sequence: its name and options */
  readonly identitySequence?: CatalogSequenceOptions & { readonly name: string };
}

export interface CatalogConstraint {
  readonly name: string;
  /** p primary, u unique, f foreign, c check, x exclusion */
  readonly type: 'p' | 'u' | 'f' | 'c' | 'x';
  readonly columns: readonly string[];
  /** pg_get_constraintdef(): of checks and exclusion constraints, of every constraint when read for import */
  readonly definition: string | null;
  readonly deferrable: boolean;
  readonly refSchema: string | null;
  readonly refTable: string | null;
  readonly refColumns: readonly string[] | null;
  /** a no action, r restrict, c cascade, n set null, d set default */
  readonly onDelete: string | null;
  readonly onUpdate: string | null;
  /** false for a constraint added NOT VALID whose validation has not run */
  readonly validated: boolean;
  /** read for import only: a partition's constraint that comes from its partitioned table */
  readonly inherited?: boolean | null;
}

/** A check's condition: what follows CHECK, less the NOT VALID an online push leaves until it validates. */
export const checkCondition = (k: CatalogConstraint): string => conditionOf(k.definition!);

/** The condition in a check's pg_get_constraintdef() text. */
export const conditionOf = (definition: string): string =>
  definition.replace(/^CHECK\s*/i, '').replace(/\s+NOT VALID$/i, '');

/** A name as the server prints one: bare, or double-quoted with its quotes doubled. */
const PRINTED_NAME = '(?:"(?:[^"]|"")*"|[^\\s".]+)';
const TRIGGER_HEAD = new RegExp(
  `^CREATE (?:CONSTRAINT )?TRIGGER ${PRINTED_NAME} (.*?) ON (?:${PRINTED_NAME}\\.)?${PRINTED_NAME} (FOR EACH .*)$`,
  's',
);

/**
 * What a pg_get_triggerdef() text says the trigger does, without its name and table:
 * `BEFORE INSERT FOR EACH ROW EXECUTE FUNCTION f()`. Two triggers of one table compare by it.
 */
export const triggerAction = (definition: string): string => {
  const m = TRIGGER_HEAD.exec(definition);
  return m ? `${m[1]} ${m[2]}` : definition;
};

export interface CatalogIndex {
  readonly name: string;
  readonly unique: boolean;
  readonly method: string;
  /** column names; an expression stands as its text */
  readonly columns: readonly string[];
  /** each key: a column, or an expression as the server prints it (pg_get_indexdef of the key, pretty) */
  readonly keys: readonly ({ readonly column: string } | { readonly sql: string })[];
  readonly predicate: string | null;
  /** false when a concurrent build failed or was interrupted: the index is not used */
  readonly valid: boolean;
  /** DESC, NULLS FIRST, INCLUDE columns or a non-default operator class */
  readonly special: boolean;
  /** pg_get_indexdef(), the whole CREATE INDEX statement: read for import only, null otherwise */
  readonly definition: string | null;
  /** read for import only: a partition's index attached to its partitioned table's */
  readonly inherited?: boolean | null;
}

export interface CatalogTable {
  readonly schema: string;
  readonly name: string;
  /** a partitioned parent */
  readonly partitioned: boolean;
  /** a partition of another table */
  readonly partition: boolean;
  /** of a partitioned table: pg_get_partkeydef(), `RANGE (at)` */
  readonly partitionKey?: string | null;
  /** of a partition: pg_get_expr(relpartbound), `FOR VALUES FROM (…) TO (…)` or `DEFAULT` */
  readonly partitionBound?: string | null;
  /** of a partition: the table it is a partition of */
  readonly parentSchema?: string | null;
  readonly parentName?: string | null;
  readonly comment: string | null;
  readonly columns: readonly CatalogColumn[];
  readonly constraints: readonly CatalogConstraint[];
  /** indexes that do not back a constraint */
  readonly indexes: readonly CatalogIndex[];
  readonly triggers: readonly CatalogTrigger[];
  /** row-level security enabled */
  readonly rls: boolean;
  /** row-level security applies to the table owner too (FORCE) */
  readonly forceRls: boolean;
  readonly policies: readonly CatalogPolicy[];
  /** privileges granted to roles other than its owner (query.ts GRANTS) */
  readonly grants: readonly CatalogGrant[];
}

/** The privileges a table grants one role other than its owner (query.ts GRANTS). */
export interface CatalogGrant {
  /** the role's name; `public` for PUBLIC */
  readonly role: string;
  /** lowercase privilege names (select, insert, …, maintain from PostgreSQL 17) */
  readonly privileges: readonly string[];
  /** every privilege the server has on a table */
  readonly all: boolean;
  /** some held WITH GRANT OPTION */
  readonly grantable: boolean;
}

/** A row-level security policy (query.ts POLICIES). */
export interface CatalogPolicy {
  readonly name: string;
  readonly as: 'permissive' | 'restrictive';
  readonly for: 'all' | 'select' | 'insert' | 'update' | 'delete';
  /** role names, sorted; empty for PUBLIC */
  readonly to: readonly string[];
  readonly using: string | null;
  readonly withCheck: string | null;
}

/** A trigger of a table (query.ts TRIGGERS). */
export interface CatalogTrigger {
  readonly name: string;
  /** pg_get_triggerdef */
  readonly definition: string;
  /** pg_trigger.tgtype: ROW 1, BEFORE 2, INSERT 4, DELETE 8, UPDATE 16, TRUNCATE 32, INSTEAD 64 */
  readonly type: number;
  readonly functionSchema: string;
  readonly functionName: string;
  /** tgargs in hex: each argument ends with a NUL */
  readonly args: string;
  /** UPDATE OF these columns (none: any UPDATE) */
  readonly columns: readonly string[];
  /** enabled, without transition tables, not a constraint trigger: what the manifest can state */
  readonly plain: boolean;
}

export interface CatalogEnum {
  readonly schema: string;
  readonly name: string;
  readonly values: readonly string[];
}

/** A view or materialized view (query.ts VIEWS). */
export interface CatalogView {
  readonly schema: string;
  readonly name: string;
  readonly materialized: boolean;
  /** pg_get_viewdef(oid, true): the query, ending in `;` */
  readonly definition: string;
  /** reloptions, `security_barrier=true` */
  readonly options: readonly string[];
  /** in order: format_type() spelling, and the (element) type's own name, schema and typtype */
  readonly columns: readonly {
    readonly name: string;
    readonly type: string;
    readonly typeName: string;
    readonly typeSchema: string;
    readonly typeKind: string;
  }[];
  /** a materialized view's indexes; `plain`: btree over columns, no predicate, order or INCLUDE */
  readonly indexes: readonly {
    readonly name: string;
    readonly unique: boolean;
    readonly definition: string;
    readonly columns: readonly (string | null)[];
    readonly plain: boolean;
  }[];
  /** the tables and views it reads, `schema.name` */
  readonly reads: readonly string[];
  /** privileges granted to roles other than its owner, as a table's (query.ts VIEWS) */
  readonly grants: readonly CatalogGrant[];
}

/** A sequence's options as pg_sequence stores them (query.ts sequenceOptions); numbers as text, as bigints print. */
export interface CatalogSequenceOptions {
  /** smallint, integer or bigint */
  readonly type: string;
  readonly start: string;
  readonly increment: string;
  readonly minValue: string;
  readonly maxValue: string;
  readonly cache: string;
  readonly cycle: boolean;
  /** the last value handed out; null before the first nextval */
  readonly lastValue: string | null;
}

/** A sequence no column owns (database-queries.ts SEQUENCES). */
export interface CatalogSequence extends CatalogSequenceOptions {
  readonly schema: string;
  readonly name: string;
}

/** A function or procedure (query.ts FUNCTIONS). */
export interface CatalogFunction {
  readonly schema: string;
  readonly name: string;
  readonly procedure: boolean;
  /** pg_get_function_arguments: names, types and defaults */
  readonly args: string;
  /** pg_get_function_identity_arguments: what DROP FUNCTION names it by */
  readonly identity: string;
  /** pg_get_function_result; null for a procedure */
  readonly result: string | null;
  readonly language: string;
  readonly body: string;
  readonly volatility: 'volatile' | 'stable' | 'immutable';
}

/** A domain: its base type as format_type() spells it, NOT NULL, default and checks. */
export interface CatalogDomain {
  readonly schema: string;
  readonly name: string;
  readonly baseType: string;
  /** the base type's array dimensions (pg_type.typndims) and scalar type, as a column's (CatalogColumn) */
  readonly dims: number;
  readonly baseTypeName: string;
  readonly baseTypeSchema: string;
  readonly baseTypeKind: string;
  readonly notNull: boolean;
  readonly default: string | null;
  readonly checks: readonly { readonly name: string; readonly definition: string; readonly validated: boolean }[];
}

/** A composite type (CREATE TYPE … AS): its attributes in order, each typed as a column is. */
export interface CatalogComposite {
  readonly schema: string;
  readonly name: string;
  readonly attributes: readonly CatalogAttribute[];
}

export type CatalogAttribute = Pick<CatalogColumn, 'name' | 'type' | 'dims' | 'typeName' | 'typeSchema' | 'typeKind'>;

/** An object the manifest cannot declare (catalog/query.ts UNMANAGED): push leaves it alone. */
export interface Unmanaged {
  readonly kind: string;
  readonly schema: string;
  /** its name in the schema; a trigger, policy or rule as `table.name`, a function with its arguments */
  readonly name: string;
}

export interface CatalogSchema {
  readonly exists: boolean;
  readonly tables: readonly CatalogTable[];
  readonly enums: readonly CatalogEnum[];
  readonly views: readonly CatalogView[];
  readonly domains: readonly CatalogDomain[];
  readonly functions: readonly CatalogFunction[];
  readonly composites: readonly CatalogComposite[];
  /** the sequences no column owns */
  readonly sequences: readonly CatalogSequence[];
  /** the extensions of the database (not of the schema), plpgsql aside */
  readonly extensions: readonly string[];
  /** the roles of the server (not of the schema), by name */
  readonly roles: readonly string[];
  /**
   * tables with one of `lookFor`'s names in other non-system schemas not owned by another service:
   * where misrouted tables land
   */
  readonly elsewhere: readonly Found[];
  /** what the manifest cannot declare, when the read asked for it (`unmanaged`) */
  readonly unmanaged?: readonly Unmanaged[];
}

/** A table of a looked-for name in another schema. */
export interface Found {
  readonly schema: string;
  readonly table: string;
}

/** A schema to read; `lookFor` and `otherServices` are for `elsewhere` (see CatalogSchema). */
export interface CatalogRequest {
  readonly schema: string;
  readonly lookFor?: readonly string[];
  /** schemas of the other services, whose own verify reports tables that do not belong there */
  readonly otherServices?: readonly string[];
}

export interface DatabaseCatalog {
  /** by schema: every schema asked for (`exists: false` when it is not there), in name order */
  readonly schemas: ReadonlyMap<string, CatalogSchema>;
  /** the enums of every schema but the system ones: a column's type may live in a schema not read */
  readonly enums: readonly CatalogEnum[];
  /** the extensions created in the database, plpgsql aside */
  readonly extensions: readonly string[];
}
