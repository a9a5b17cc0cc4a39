import { expect, test } from 'vitest';
import { backwardImports } from '../scripts/check-shape.mjs';

test('every import in src/ points to its own folder or an earlier stage of the pipeline', () => {
  const { backwards, imports } = backwardImports();
  expect(imports).toBeGreaterThan(100);
  expect(backwards).toEqual([]);
});
