import { columnTypeSql } from '../../model/sql-spelling.js';
import type { Column, Composite, Service } from '../../model/types.js';
import { qualified, quoteIdent as q } from '../../shared/sql-quote.js';
import type { Change } from '../compare/types.js';
import { inTransaction, type Step } from './steps.js';

type CompositeChange = Extract<
  Change,
  { kind: 'create composite' | 'add attribute' | 'attribute type' | 'drop attribute' }
>;

/**
 * Composite type changes. A new composite type comes whole, before the tables; a live one gains
 * attributes at its end (the rows' values get NULL for it) and loses those the manifest no longer
 * lists, which loses what the columns of the type hold there: refused unless the push accepts data
 * loss. An attribute's type cannot change while a column uses the type (PostgreSQL refuses it).
 */
export function compositeChange(
  service: Service,
  change: CompositeChange,
): { stage: 'enums' | 'drop columns'; steps: Step[] } | { refusal: string } {
  const { schema } = service;
  const c = change.composite;
  const type = qualified(schema, c.name);
  const object = (part?: string) => `${schema}.${c.name}${part ? `.${part}` : ''}`;
  const attribute = (a: Composite['attributes'][number]) => `${q(a.name)} ${columnTypeSql(asColumn(a), schema)}`;
  switch (change.kind) {
    case 'create composite': {
      const sql = `CREATE TYPE ${type} AS (${c.attributes.map(attribute).join(', ')})`;
      return { stage: 'enums', steps: [inTransaction('create type', object(), sql, 'none', {})] };
    }
    case 'add attribute': {
      const sql = `ALTER TYPE ${type} ADD ATTRIBUTE ${attribute(change.attribute)}`;
      return {
        stage: 'enums',
        steps: [inTransaction('add attribute', object(change.attribute.name), sql, 'none', {})],
      };
    }
    case 'attribute type':
      return {
        refusal:
          `attribute ${change.name} of composite type ${object()} is ${change.live}; an attribute's type ` +
          'cannot change in place: declare a new attribute of the new type (push adds it), copy the values, ' +
          'then drop the old one',
      };
    case 'drop attribute': {
      const sql = `ALTER TYPE ${type} DROP ATTRIBUTE ${q(change.name)}`;
      const loss = lostValues(service, c, change.name);
      return {
        stage: 'drop columns',
        steps: [inTransaction('drop attribute', object(change.name), sql, 'none', {}, loss && { loss })],
      };
    }
  }
}

/**
 * What dropping an attribute loses: the values it holds in the service's columns of the type (for
 * an array column, every row holding one). None when no column uses the type.
 */
function lostValues(service: Service, c: Composite, name: string) {
  const holders = service.tables.flatMap((t) =>
    t.columns
      .filter((col) => col.type.compositeName === c.name)
      .map((col) => {
        const held = col.type.dims > 0 ? `${q(col.name)} is not null` : `(${q(col.name)}).${q(name)} is not null`;
        return `(select count(*) from ${qualified(service.schema, t.name)} where ${held})`;
      }),
  );
  if (holders.length === 0) return undefined;
  return {
    what: `drops attribute ${service.schema}.${c.name}.${name}`,
    countSql: `select ${holders.join(' + ')} as n`,
  };
}

/** An attribute spelled as a column of its type is: enums, domains and arrays qualified alike. */
const asColumn = (a: Composite['attributes'][number]): Column => ({
  name: a.name,
  tsKey: a.name,
  type: a.type,
  nullable: true,
  primaryKey: false,
  onUpdateNow: false,
  origin: 'composite type',
});
