import type { Sequence } from '../../model/types.js';
import { qualified } from '../../shared/sql-quote.js';
import type { Change } from '../compare/types.js';
import { inTransaction, type Step } from './steps.js';

type SequenceChange = Extract<Change, { kind: 'create sequence' | 'alter sequence' }>;

/**
 * A standalone sequence created whole, or its options altered in place with every option stated.
 * ALTER SEQUENCE without RESTART keeps where the sequence stands: START WITH only says where a later
 * RESTART would go, so numbering never goes back to values already handed out. Bounds that would
 * leave the last value handed out outside them are refused (PostgreSQL would fail the statement).
 */
export function sequenceChange(
  schema: string,
  change: SequenceChange,
): { stage: 'enums'; steps: Step[] } | { refusal: string } {
  const s = change.sequence;
  const name = qualified(schema, s.name);
  const object = `${schema}.${s.name}`;
  if (change.kind === 'create sequence')
    return {
      stage: 'enums',
      steps: [inTransaction('create sequence', object, `CREATE SEQUENCE ${name} ${options(s)}`, 'none', {})],
    };
  const last = change.live.lastValue === null ? undefined : BigInt(change.live.lastValue);
  if (last !== undefined && (last < s.minValue || last > s.maxValue))
    return {
      refusal:
        `sequence ${object} has handed out ${last}, outside minValue ${s.minValue} to maxValue ${s.maxValue}; ` +
        'expected bounds that hold the values already used',
    };
  return {
    stage: 'enums',
    steps: [inTransaction('alter sequence', object, `ALTER SEQUENCE ${name} ${options(s)}`, 'none', {})],
  };
}

const options = (s: Sequence) =>
  `AS ${s.type} INCREMENT BY ${s.increment} MINVALUE ${s.minValue} MAXVALUE ${s.maxValue} ` +
  `START WITH ${s.start} CACHE ${s.cache} ${s.cycle ? 'CYCLE' : 'NO CYCLE'}`;
