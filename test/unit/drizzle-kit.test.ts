import { expect, test } from 'vitest';
import { contained, DrizzleKitExit } from '../../src/db/plan/drizzle-kit.js';

test('drizzle-kit calling process.exit(1) inside a call fails the call instead; stdout and exit come back', async () => {
  const { exit, write } = { exit: process.exit, write: process.stdout.write };
  const call = contained(async () => {
    process.stdout.write('⠋ Pulling schema from database...');
    process.exit(1);
  });
  await expect(call).rejects.toThrow(DrizzleKitExit);
  await expect(call).rejects.toThrow(/^drizzle-kit stopped while planning: it gave no reason$/);
  expect(process.exit).toBe(exit);
  expect(process.stdout.write).toBe(write);
});
