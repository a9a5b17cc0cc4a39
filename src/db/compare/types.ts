import type {
  Check,
  Column,
  Sequence,
  Composite,
  Domain,
  Enum,
  Grant,
  Index,
  Partition,
  Routine,
  Policy,
  Table,
  TablePrivilege,
  Trigger,
  View,
} from '../../model/types.js';
import type {
  CatalogColumn,
  CatalogConstraint,
  CatalogDomain,
  CatalogFunction,
  CatalogSequence,
  CatalogIndex,
  CatalogTable,
  CatalogView,
} from '../catalog/types.js';
import type { WantedConstraint } from './wanted.js';

/** One difference between the manifest and the live database. */
export interface Drift {
  readonly service: string;
  /** `schema.table` or `schema.table.column`, or the object's qualified name */
  readonly where: string;
  readonly message: string;
  /** what would make it match, for the planner (plan/changes.ts); verify reports only the message */
  readonly change?: Change;
  /** a manifest table found in another schema: verify reports it, push leaves it alone */
  readonly elsewhere?: boolean;
}

/** What differs in a column that exists on both sides. */
export type ColumnAspect =
  | 'type'
  | 'nullability'
  | 'default'
  | 'identity'
  /** the options of an identity's sequence (increment, bounds, start, cache, cycle) */
  | 'identity options'
  | 'generated'
  | 'comment';

/** A difference as the planner reads it: what to create, change or remove. */
export type Change =
  | { readonly kind: 'create schema' }
  | { readonly kind: 'create table'; readonly table: Table }
  | { readonly kind: 'drop table'; readonly live: CatalogTable }
  | { readonly kind: 'table comment'; readonly table: Table }
  | { readonly kind: 'add column'; readonly table: Table; readonly column: Column }
  | { readonly kind: 'drop column'; readonly table: Table; readonly live: CatalogColumn }
  | {
      readonly kind: 'column';
      readonly aspect: ColumnAspect;
      readonly table: Table;
      readonly column: Column;
      readonly live: CatalogColumn;
    }
  /** with `live`: the constraint exists under this name but differs, so it is replaced */
  | {
      readonly kind: 'add constraint';
      readonly table: Table;
      readonly constraint: WantedConstraint;
      readonly live?: CatalogConstraint;
    }
  | { readonly kind: 'drop constraint'; readonly table: Table; readonly live: CatalogConstraint }
  | { readonly kind: 'validate constraint'; readonly table: Table; readonly live: CatalogConstraint }
  /** with `live`: the index exists under this name but differs (or is invalid), so it is rebuilt */
  | { readonly kind: 'create index'; readonly table: Table; readonly index: Index; readonly live?: CatalogIndex }
  | { readonly kind: 'drop index'; readonly table: Table; readonly live: CatalogIndex }
  /** an extension of the manifest the database lacks (database-wide: `where` names no schema) */
  | { readonly kind: 'create extension'; readonly name: string }
  | { readonly kind: 'create sequence'; readonly sequence: Sequence }
  /** a declared standalone sequence with other options: altered, never restarted */
  | { readonly kind: 'alter sequence'; readonly sequence: Sequence; readonly live: CatalogSequence }
  | { readonly kind: 'create enum'; readonly enum: Enum }
  | { readonly kind: 'enum values'; readonly enum: Enum; readonly live: readonly string[] }
  | { readonly kind: 'drop enum'; readonly name: string }
  | { readonly kind: 'create domain'; readonly domain: Domain }
  /** the base type differs: a domain's base type cannot change in place, so the push is refused */
  | { readonly kind: 'domain type'; readonly domain: Domain; readonly live: CatalogDomain }
  | { readonly kind: 'domain not null'; readonly domain: Domain }
  | { readonly kind: 'domain default'; readonly domain: Domain }
  /** with `replacing`: a check of that name exists but differs */
  | { readonly kind: 'add domain check'; readonly domain: Domain; readonly check: Check; readonly replacing: boolean }
  | { readonly kind: 'drop domain check'; readonly domain: Domain; readonly name: string }
  | { readonly kind: 'validate domain check'; readonly domain: Domain; readonly name: string }
  | { readonly kind: 'create composite'; readonly composite: Composite }
  | {
      readonly kind: 'add attribute';
      readonly composite: Composite;
      readonly attribute: Composite['attributes'][number];
    }
  /** an attribute's type cannot change while columns use the type: the push is refused */
  | { readonly kind: 'attribute type'; readonly composite: Composite; readonly name: string; readonly live: string }
  | { readonly kind: 'drop attribute'; readonly composite: Composite; readonly name: string }
  | { readonly kind: 'trigger'; readonly table: Table; readonly column: Column; readonly replace: boolean }
  | { readonly kind: 'drop trigger'; readonly table: Table; readonly name: string }
  | { readonly kind: 'enable rls'; readonly table: Table }
  | { readonly kind: 'force rls'; readonly table: Table }
  /** a policy of `policies:` missing, or differing (`replace`: dropped and created again) */
  | { readonly kind: 'declared policy'; readonly table: Table; readonly policy: Policy; readonly replace: boolean }
  /** a role of a table's or view's `grants:` lacking `privileges` of it (`all`: ALL) */
  | {
      readonly kind: 'grant';
      /** the table or view's name */
      readonly relation: string;
      readonly grant: Grant;
      readonly privileges: 'all' | readonly TablePrivilege[];
    }
  /** a role of `grants:` the server does not have: refused (push creates no roles) */
  | { readonly kind: 'missing role'; readonly relation: string; readonly role: string }
  /** a trigger of `triggers:` missing, or differing (`replace`: dropped and created again) */
  | { readonly kind: 'declared trigger'; readonly table: Table; readonly trigger: Trigger; readonly replace: boolean }
  /** partitioned otherwise than the manifest says (`live`: pg_get_partkeydef, null when not partitioned): refused */
  | { readonly kind: 'partition key'; readonly table: Table; readonly live: string | null }
  | { readonly kind: 'create partition'; readonly table: Table; readonly partition: Partition }
  /** a declared partition with other bounds (`live`), or not attached to the table (null): refused */
  | {
      readonly kind: 'partition bound';
      readonly table: Table;
      readonly partition: Partition;
      readonly live: string | null;
    }
  | { readonly kind: 'create function'; readonly routine: Routine }
  /** `recreate`: dropped and created again (another signature, or a function that should be a procedure) */
  | {
      readonly kind: 'replace function';
      readonly routine: Routine;
      readonly live: CatalogFunction;
      readonly recreate: boolean;
    }
  | { readonly kind: 'create view'; readonly view: View }
  /** `recreate`: dropped and created again (a materialized view, or columns CREATE OR REPLACE cannot keep) */
  | { readonly kind: 'replace view'; readonly view: View; readonly live: CatalogView; readonly recreate: boolean }
  /** a materialized view's index missing, or differing (`replace`) */
  | { readonly kind: 'view index'; readonly view: View; readonly index: Index; readonly replace: boolean }
  | { readonly kind: 'drop view index'; readonly view: View; readonly name: string };

/** Where drift records a difference: `where` below the service's schema. */
export type Noted = (where: string, message: string, change?: Change) => void;

export const same = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);
export const list = (a: readonly string[]) => `(${a.join(', ')})`;
