import { UserError } from '../shared/errors.js';
import type { DrizzleMajor } from './types.js';

/**
 * Which drizzle-orm major the generated code is written for. The manifest's `drizzle:` decides; without
 * it, the drizzle-orm the generated modules will import (the project's installed copy); with none
 * installed, 0.x, which is also what npm installs for the package's peer dependency by default.
 */
export interface DrizzleTarget {
  readonly major: DrizzleMajor;
  /** why, as the generate report says it: `drizzle: 1 in schema.yaml`, `drizzle-orm 1.0.0-rc.5 installed` */
  readonly reason: string;
}

/** `declared`: the manifest's choice; `installed`: the version of the installed drizzle-orm, if any. */
export function drizzleTarget(
  declared: DrizzleMajor | undefined,
  installed: string | undefined,
  manifest: string,
): DrizzleTarget {
  if (declared !== undefined) return { major: declared, reason: `drizzle: ${declared} in ${manifest}` };
  if (installed === undefined) return { major: 0, reason: 'no drizzle-orm installed' };
  const major = /^(0|1)\./.exec(installed)?.[1];
  if (major !== undefined)
    return { major: Number(major) as DrizzleMajor, reason: `drizzle-orm ${installed} installed` };
  throw new UserError(
    `drizzle-orm ${installed} is installed; the generated code is written for drizzle-orm 0.x or 1.x: ` +
      `install one of them, or set drizzle: 0 or drizzle: 1 in ${manifest}`,
  );
}

/** How reports and docs name a target: `drizzle-orm 1.x`. */
export const targetName = (major: DrizzleMajor) => `drizzle-orm ${major}.x`;
