import { expect, test } from 'vitest';
import { parseDuration, policyFrom } from '../../src/cli/args.js';

test('durations for --lock-timeout, --retry-for and --statement-timeout', () => {
  expect([
    parseDuration('2s'),
    parseDuration('500ms'),
    parseDuration('1m'),
    parseDuration('3'),
    parseDuration('0'),
    parseDuration('2 h'),
  ]).toEqual([2000, 500, 60000, 3000, undefined, undefined]);
  expect(policyFrom({ 'lock-timeout': '250ms' })).toEqual({
    lockTimeoutMs: 250,
    retryForMs: 60000,
    statementTimeoutMs: 60000,
  });
  expect(policyFrom({ 'retry-for': 'soon' })).toBe(
    '--retry-for "soon": expected a positive duration such as 2s, 500ms or 1m',
  );
});
