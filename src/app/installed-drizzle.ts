import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The version of the drizzle-orm that modules in `dir` import: the first `node_modules/drizzle-orm` up from
 * it, where Node looks (its package.json is read directly: drizzle-orm 1.x exports no `./package.json`).
 */
export function installedDrizzleOrm(dir: string): string | undefined {
  for (let at = resolve(dir); ; at = dirname(at)) {
    const version = versionIn(join(at, 'node_modules', 'drizzle-orm', 'package.json'));
    if (version !== undefined || dirname(at) === at) return version;
  }
}

function versionIn(packageJson: string): string | undefined {
  try {
    const { version } = JSON.parse(readFileSync(packageJson, 'utf8')) as { version?: unknown };
    return typeof version === 'string' ? version : undefined;
  } catch {
    return undefined; // not installed here; Node would look further up too
  }
}
