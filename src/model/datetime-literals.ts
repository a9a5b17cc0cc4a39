/**
 * Date, time, timestamp and interval literals as Postgres accepts them for a column default.
 * A shape check alone lets `2023-02-29`, `25:00` or `banana` through, which Postgres refuses at push.
 */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?$/;
const OFFSET = /^(?:Z|[+-](\d{2})(?::?(\d{2}))?)$/;

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** `YYYY-MM-DD` naming a real calendar day (year 1 or later). */
export function isDateLiteral(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month);
}

/** `HH:MM[:SS[.ffffff]]`; 24:00:00 and a leap second are accepted as Postgres does. */
export function isTimeLiteral(s: string): boolean {
  const m = TIME.exec(s);
  if (!m) return false;
  const [h, min, sec] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  if (h === 24) return min === 0 && sec === 0 && !s.includes('.');
  return h <= 23 && min <= 59 && sec <= 60;
}

/** `YYYY-MM-DD HH:MM[:SS[.ffffff]]` (or with `T`), optionally with `Z` or a ±HH[:MM] offset. */
export function isTimestampLiteral(s: string): boolean {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)(.*)$/.exec(s);
  if (!m || !isDateLiteral(m[1]!) || !isTimeLiteral(m[2]!)) return false;
  if (m[3] === '') return true;
  const offset = OFFSET.exec(m[3]!);
  return offset !== null && Number(offset[1] ?? 0) <= 15 && Number(offset[2] ?? 0) <= 59;
}

const UNIT =
  '(?:microseconds?|usecs?|us|milliseconds?|msecs?|ms|seconds?|secs?|s|minutes?|mins?|m|' +
  'hours?|hrs?|h|days?|d|weeks?|w|' +
  'months?|mons?|years?|yrs?|y|decades?|decs?|centuries|century|cent|millennia|millennium|mils?)';
const QUANTITY = `[+-]?\\d+(?:\\.\\d+)?\\s*${UNIT}`;
const CLOCK = '[+-]?\\d+:\\d{2}(?::\\d{2}(?:\\.\\d+)?)?';
const VERBOSE = new RegExp(`^@?\\s*(?:${QUANTITY}(?:\\s+${QUANTITY})*(?:\\s+${CLOCK})?|${CLOCK})(?:\\s+ago)?$`, 'i');
const N = '\\d+(?:\\.\\d+)?';
const ISO = new RegExp(`^P(?=.)(?:${N}Y)?(?:${N}M)?(?:${N}W)?(?:${N}D)?(?:T(?=\\d)(?:${N}H)?(?:${N}M)?(?:${N}S)?)?$`);

/** `1 day`, `2 hours 30 minutes`, `1 year 2 mons 03:00:00`, `-1 week ago`, `P1DT2H`. */
export function isIntervalLiteral(s: string): boolean {
  return VERBOSE.test(s.trim()) || ISO.test(s);
}
