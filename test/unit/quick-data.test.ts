import { expect, test } from 'vitest';
import { quickData } from '../../src/manifest/load.js';

// Valid manifests are read the quick way (no positions kept); anything that may be an anchor or an
// alias goes the careful way, which refuses it at its line and column.

test("a * inside a word or a quoted string (lint.ignore's globs) keeps the quick way", () => {
  const text = 'lint:\n  ignore:\n    - test/**\n    - "**/*.sql"\n    - \'*.ts\'\n    - a*b&c\n';
  expect(quickData(text)).toEqual({ lint: { ignore: ['test/**', '**/*.sql', '*.ts', 'a*b&c'] } });
});

test.each([
  ['after a key', 'a: &x 1\nb: *x\n'],
  ['at the start of the document', '&x a: 1\n'],
  ['in a flow sequence', 'a: [&x 1, *x]\n'],
  ['after a quoted key in a flow mapping', '{"a":&x 1, "b":*x}\n'],
  ['after a tag', 'a: !!str &x 1\n'],
  ['on a line of its own', 'a:\n  - &x\n    b: 1\n'],
])('an anchor or alias %s takes the careful way', (_, text) => {
  expect(quickData(text)).toBeUndefined();
});
