/**
 * The resolved model: plain readonly data with base columns merged and every name final.
 * Renderers, push and verify see only this, never the raw manifest.
 */

import type { IntervalFields } from '../manifest/value-rules.js';
import type { CustomKind } from './custom-types.js';

export type ScalarKind =
  | 'uuid'
  | 'text'
  | 'varchar'
  | 'char'
  | 'smallint'
  | 'integer'
  | 'bigint'
  | 'smallserial'
  | 'serial'
  | 'bigserial'
  | 'boolean'
  | 'numeric'
  | 'real'
  | 'double'
  | 'date'
  | 'time'
  | 'timestamp'
  | 'timestamptz'
  | 'timetz'
  | 'interval'
  | 'json'
  | 'jsonb'
  | 'inet'
  | 'cidr'
  | 'macaddr'
  | 'macaddr8'
  | 'point'
  | 'line'
  | CustomKind
  | 'enum'
  | 'domain'
  | 'composite';

export interface ColumnType {
  readonly kind: ScalarKind;
  /** varchar / char / bit / varbit length */
  readonly length?: number;
  /** numeric precision and scale; fractional digits of seconds for time, timestamp and interval */
  readonly precision?: number;
  readonly scale?: number;
  /** interval fields: `day to second`, `year`, … */
  readonly fields?: IntervalFields;
  /** for kind 'enum': the enum's SQL name, in the owning service's schema */
  readonly enumName?: string;
  /** for kind 'domain': the domain's SQL name, in the owning service's schema, and its base type */
  readonly domainName?: string;
  readonly base?: ColumnType;
  /** for kind 'composite': the composite type's SQL name, in the owning service's schema */
  readonly compositeName?: string;
  /** array dimensions, 0 for scalars (Postgres records them, and ignores them: `integer[][]` holds any) */
  readonly dims: number;
  /** the type as Postgres' format_type() prints it, unqualified for enums; one `[]` for any array */
  readonly sql: string;
}

/** JSON-compatible literal; bigint keeps 64-bit integers exact. */
export type Literal =
  string | number | bigint | boolean | readonly Literal[] | { readonly [key: string]: Literal } | null;

export type ColumnDefault =
  { readonly kind: 'sql'; readonly sql: string } | { readonly kind: 'literal'; readonly value: Literal };

export type FkAction = 'cascade' | 'restrict' | 'no action' | 'set null' | 'set default';

/** A foreign key over one column (the column's `references`) or several (the table's `foreignKeys`). */
export interface ForeignKey {
  readonly name: string;
  /** the referencing columns, in the order the target's columns pair with them */
  readonly columns: readonly string[];
  readonly target: {
    readonly service: string;
    readonly schema: string;
    readonly table: string;
    readonly columns: readonly string[];
  };
  readonly crossService: boolean;
  readonly onDelete?: FkAction;
  readonly onUpdate?: FkAction;
}

export interface Column {
  readonly name: string;
  /** property name in the generated table object */
  readonly tsKey: string;
  readonly type: ColumnType;
  readonly nullable: boolean;
  readonly default?: ColumnDefault;
  readonly primaryKey: boolean;
  /** name of a single-column unique constraint */
  readonly unique?: string;
  /** GENERATED … AS IDENTITY with the options of the column's sequence */
  readonly identity?: Identity;
  /** a generated column's expression: GENERATED ALWAYS AS (…) STORED */
  readonly generated?: string;
  readonly onUpdateNow: boolean;
  /** json/jsonb: the TypeScript type of the values, imported by the generated module */
  readonly tsType?: { readonly import: string; readonly name: string };
  /** `enforce: database`: a trigger refreshes the column on every UPDATE, whoever runs it */
  readonly onUpdateTrigger?: boolean;
  readonly comment?: string;
  readonly references?: ForeignKey;
  /** the column's old name in the same table, renamed on push */
  readonly renamedFrom?: string;
  /** where the column comes from: `base`, `bases.<name>`, `mixins.<name>` or the table itself */
  readonly origin: string;
}

/** What an index covers at one position: a column, or an expression (`lower(email)`). */
export type IndexKey = { readonly column: string } | { readonly sql: string };

export interface Index {
  readonly name: string;
  /** what the index covers, in order */
  readonly keys: readonly IndexKey[];
  /** the columns among the keys (an expression's columns aside) */
  readonly columns: readonly string[];
  readonly unique: boolean;
  readonly where?: string;
  readonly method: 'btree' | 'hash' | 'gin' | 'gist' | 'brin' | 'spgist';
}

export interface Constraint {
  readonly name: string;
  readonly columns: readonly string[];
}

export interface Check {
  readonly name: string;
  readonly sql: string;
}

export interface Relation {
  readonly kind: 'one' | 'many';
  /** property name in the relational query API */
  readonly key: string;
  /**
   * pairs both sides of one foreign key (unique per service); only when Drizzle needs it: several keys
   * join the two tables, or the key references its own table (relation-names.ts)
   */
  readonly relationName?: string;
  readonly target: { readonly service: string; readonly table: string };
  /**
   * the foreign key the relation follows: on `one` this table's; on `many` the target's, referencing this
   * table, or, through a join table, the join table's key to this table
   */
  readonly fk: ForeignKey;
  /**
   * a `many` across a join table of this service to the table its other key references (drizzle-orm 1.x
   * `through`; relations v1 have no many-to-many, so 0.x code leaves it out)
   */
  readonly through?: { readonly table: string; readonly fk: ForeignKey };
}

/** A soft-delete pair (soft-delete.ts): SQL names of the flag and time columns. */
export interface SoftDelete {
  readonly flag: string;
  readonly at: string;
  /** declared on the base: the table has the CHECK <table>_soft_delete_check; else recognised by name */
  readonly enforced: boolean;
}

export interface Table {
  readonly name: string;
  /** exported constant name */
  readonly tsName: string;
  /** PascalCase name for the exported row types */
  readonly typeName: string;
  readonly comment?: string;
  /** where the table lives now when push must move or rename it here (schema resolved) */
  readonly from?: { readonly schema: string; readonly table: string };
  readonly columns: readonly Column[];
  /** composite primary key; single-column keys are on the column */
  readonly primaryKey?: Constraint;
  readonly uniques: readonly Constraint[];
  readonly indexes: readonly Index[];
  readonly checks: readonly Check[];
  /** the base's soft-delete pair, for the generated notDeleted / softDelete helpers */
  readonly softDelete?: SoftDelete;
  /** a partitioned table: its key and declared partitions (partitionBy, partitions) */
  readonly partitioning?: Partitioning;
  /** row-level security enabled (`rls: true`), for the owner too (`force`); absent: left as it is */
  readonly rls?: true | 'force';
  /** its row-level security policies (`policies:`); none when it declares none */
  readonly policies?: readonly Policy[];
  /** the triggers the manifest declares on it (`triggers:`); none when it declares none */
  readonly triggers?: readonly Trigger[];
  /** the privileges it grants, by role (`grants:`); none when it declares none */
  readonly grants?: readonly Grant[];
  readonly foreignKeys: readonly ForeignKey[];
  readonly relations: readonly Relation[];
}

/** A row-level security policy the table declares (Drizzle's pgPolicy). */
export interface Policy {
  readonly name: string;
  readonly as: 'permissive' | 'restrictive';
  readonly for: 'all' | 'select' | 'insert' | 'update' | 'delete';
  /** role names; empty for PUBLIC (every role) */
  readonly to: readonly string[];
  readonly using?: string;
  readonly withCheck?: string;
}

/**
 * Privileges a table grants a role (`grants:`): push grants what the role lacks and revokes nothing.
 * Drizzle has no form for a grant, so no code is generated.
 */
export interface Grant {
  /** the role's name as PostgreSQL spells it; `public` for every role */
  readonly role: string;
  /** `all`: every privilege the server has on a table (ALL; MAINTAIN too from PostgreSQL 17) */
  readonly all: boolean;
  /** the privileges, in PostgreSQL's order (the seven of `all` when `all`) */
  readonly privileges: readonly TablePrivilege[];
}

export type TablePrivilege = 'select' | 'insert' | 'update' | 'delete' | 'truncate' | 'references' | 'trigger';

/**
 * A trigger the table declares: SQL the service owns, created or replaced by push and compared by
 * verify as the server prints it; Drizzle has no form for it, so no code is generated.
 */
export interface Trigger {
  readonly name: string;
  readonly timing: 'before' | 'after';
  readonly events: readonly ('insert' | 'update' | 'delete' | 'truncate')[];
  readonly forEach: 'row' | 'statement';
  /** UPDATE OF these columns (none: any UPDATE) */
  readonly columns: readonly string[];
  /** the WHEN condition, as written */
  readonly when?: string;
  /** the trigger function; no schema for the service's own (a bare name in the manifest) */
  readonly function: { readonly schema?: string; readonly name: string };
  readonly args: readonly string[];
}

/** A partitioned table's key and the partitions the manifest declares (created in the table's schema). */
export interface Partitioning {
  readonly strategy: 'range' | 'list' | 'hash';
  /** the key in order: a column's name, or an expression */
  readonly key: readonly ({ readonly column: string } | { readonly sql: string })[];
  readonly partitions: readonly Partition[];
}

export interface Partition {
  readonly name: string;
  /** what follows the partition's name: `FOR VALUES FROM (…) TO (…)`, `FOR VALUES IN (…)`, … or `DEFAULT` */
  readonly bound: string;
}

export interface Enum {
  readonly name: string;
  readonly tsName: string;
  readonly values: readonly string[];
  /** the enum's old name in the same schema, renamed on push */
  readonly renamedFrom?: string;
  /** values renamed on push, keeping the rows that hold them */
  readonly renamedValues?: readonly { readonly from: string; readonly to: string }[];
}

/**
 * A view of the service's schema (`views:`): its query as the manifest writes it, compared as the
 * server prints it; its columns (always nullable: a view promises no NOT NULL) type the generated
 * Drizzle view.
 */
export interface View {
  readonly name: string;
  /** exported constant name */
  readonly tsName: string;
  readonly sql: string;
  readonly materialized: boolean;
  readonly columns: readonly Column[];
  /** WITH (...) options as pg_class.reloptions spells them: `security_barrier=true` */
  readonly options: readonly string[];
  /** a materialized view's indexes */
  readonly indexes: readonly Index[];
  /** the privileges it grants, by role (`grants:`); none when it declares none */
  readonly grants?: readonly Grant[];
}

/** A domain of a service: a base type with NOT NULL, a default and named checks (of VALUE). */
export interface Domain {
  readonly name: string;
  /** the customType binding the generated module declares for it */
  readonly tsName: string;
  readonly type: ColumnType;
  readonly notNull: boolean;
  readonly default?: ColumnDefault;
  /** named as declared: a domain's checks keep the names they have */
  readonly checks: readonly Check[];
}

/**
 * A function or procedure of the service's schema (`functions:`): SQL the service owns, created or
 * replaced by push and compared by verify; Drizzle has no form for it, so no code is generated.
 */
export interface Routine {
  readonly name: string;
  /** the argument list inside the parentheses, as written; '' for none */
  readonly args: string;
  /** the return type; undefined for a procedure */
  readonly returns?: string;
  readonly language: 'sql' | 'plpgsql';
  /** the body as pg_proc.prosrc holds it */
  readonly body: string;
  readonly volatility: 'volatile' | 'stable' | 'immutable';
}

/** A composite type of a service (`CREATE TYPE … AS (…)`): named attributes, each of a column type. */
export interface Composite {
  readonly name: string;
  /** the customType binding the generated module declares for it */
  readonly tsName: string;
  /** in declaration order, which is the order push creates them in */
  readonly attributes: readonly { readonly name: string; readonly type: ColumnType }[];
}

export interface Service {
  readonly name: string;
  readonly schema: string;
  /** exported constant holding pgSchema(...) */
  readonly schemaTsName: string;
  readonly urlEnv: string;
  readonly enums: readonly Enum[];
  readonly domains: readonly Domain[];
  readonly composites: readonly Composite[];
  readonly tables: readonly Table[];
  readonly views: readonly View[];
  readonly functions: readonly Routine[];
  readonly sequences: readonly Sequence[];
  /** the manifest's extensions (Model.extensions): the service's database needs each one */
  readonly extensions: readonly string[];
  /** services whose tables this one references, so they are pushed first */
  readonly dependsOn: readonly string[];
  /**
   * a per-tenant service: per schema, `schema` is then its pattern, bound to one tenant's schema by
   * bindTenant (tenants.ts); per database, `schema` is its schema inside every tenant's database
   */
  readonly tenants?: Tenancy;
}

/**
 * How a per-tenant service names its tenants and where its tenants come from: `schema`, one schema
 * per tenant named by the pattern; `database`, one database per tenant (a database name or a URL
 * pattern), each holding the service's schema.
 */
export interface Tenancy {
  readonly kind: 'schema' | 'database';
  /** the pattern, e.g. `tenant_{tenant}` or `postgres://app@db2/tenant_{tenant}` */
  readonly pattern: string;
  /** the pattern's text before and after `{tenant}` */
  readonly prefix: string;
  readonly suffix: string;
  readonly source?: TenantSource;
}

export type TenantSource =
  | { readonly kind: 'query'; readonly query: string }
  | { readonly kind: 'schemas' }
  | { readonly kind: 'file'; readonly file: string }
  | { readonly kind: 'list'; readonly names: readonly string[] };

/** The drizzle-orm major the generated code is written for: 0 (0.x, relations v1) or 1 (1.x, relations v2). */
export type DrizzleMajor = 0 | 1;

/**
 * The options of a sequence as PostgreSQL stores them (pg_sequence): the defaults CREATE SEQUENCE
 * would apply are filled in, so compare and push see every option.
 */
export interface SequenceOptions {
  readonly type: 'smallint' | 'integer' | 'bigint';
  readonly start: bigint;
  readonly increment: bigint;
  readonly minValue: bigint;
  readonly maxValue: bigint;
  readonly cache: bigint;
  readonly cycle: boolean;
}

/** A standalone sequence (`sequences:`). */
export interface Sequence extends SequenceOptions {
  readonly name: string;
  readonly tsName: string;
}

/** An identity column's mode and the options of the sequence it owns (of the column's type). */
export interface Identity extends SequenceOptions {
  readonly mode: 'always' | 'by default';
}

export interface Model {
  /** services in dependency order: referenced services come first */
  readonly services: readonly Service[];
  /** the manifest's `extensions:`, in its order: created by push where missing, never dropped */
  readonly extensions: readonly string[];
  /** the manifest's `drizzle:`; absent, the drizzle-orm installed for the output folder decides (drizzle-target.ts) */
  readonly drizzle?: DrizzleMajor;
}
