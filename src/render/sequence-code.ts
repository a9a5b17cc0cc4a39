import type { Sequence } from '../model/types.js';
import { drizzleNumber } from '../model/sequence-options.js';
import { tsString } from './ts-escape.js';

/** A bigint option as Drizzle takes it: a number while it is exact as one, else its digits as a string. */
const option = (n: bigint) => {
  const value = drizzleNumber(n);
  return typeof value === 'number' ? `${value}` : tsString(value);
};

/**
 * `export const invoiceNo = shopSchema.sequence('invoice_no', { … });`: every option stated, as push
 * creates it (Drizzle's sequence has no type: a smallint or integer one is a bigint to drizzle-kit).
 */
export function sequenceDeclaration(declare: string, schemaTsName: string, s: Sequence): string {
  const options = [
    `startWith: ${option(s.start)}`,
    `increment: ${option(s.increment)}`,
    `minValue: ${option(s.minValue)}`,
    `maxValue: ${option(s.maxValue)}`,
    `cache: ${option(s.cache)}`,
    `cycle: ${s.cycle}`,
  ];
  const body = options.map((o) => `  ${o},\n`).join('');
  return `${declare} ${s.tsName} = ${schemaTsName}.sequence(${tsString(s.name)}, {\n${body}});`;
}
