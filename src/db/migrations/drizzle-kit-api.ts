import Module, { createRequire } from 'node:module';
import { dirname, sep } from 'node:path';

/**
 * drizzle-kit 0.31, whose push differ and migration writer we use, imports `drizzle-orm` without
 * declaring it, so it gets whichever copy the package manager put above it. In a project on drizzle-orm
 * 1.x that is 1.x, which drizzle-kit 0.31 cannot load. Our own drizzle-orm is a pinned 0.x copy under
 * another name (`drizzle-orm-0`, the one runtime-tables builds the tables with); drizzle-kit's imports of
 * drizzle-orm are pointed at it, whatever the project installed. The project's drizzle-orm (the peer
 * dependency) stays the project's: its generated code and its databases use it, never this copy.
 */
const ownRequire = createRequire(import.meta.url);

type Api = typeof import('drizzle-kit/api');
let api: Api | undefined;

/** Node's CommonJS resolver, which every `require` of drizzle-kit's CommonJS build goes through. */
interface Resolver {
  _resolveFilename(request: string, parent: { filename?: string | null } | undefined, ...rest: unknown[]): string;
}

/** drizzle-kit's API, loaded once (its CommonJS build: the one whose imports can be redirected). */
export function drizzleKitApi(): Api {
  if (api) return api;
  const kitDir = `${dirname(ownRequire.resolve('drizzle-kit/api'))}${sep}`;
  const resolver = Module as unknown as Resolver;
  const resolve = resolver._resolveFilename;
  resolver._resolveFilename = function (request, parent, ...rest) {
    if (parent?.filename?.startsWith(kitDir) && /^drizzle-orm(\/|$)/.test(request))
      return ownRequire.resolve(request.replace(/^drizzle-orm/, 'drizzle-orm-0'));
    return resolve.call(this, request, parent, ...rest);
  };
  return (api = ownRequire('drizzle-kit/api') as Api);
}
