import { maskUrl } from '../db/connect/connection.js';
import type { Target } from '../db/connect/targets.js';
import { MAX_IDENTIFIER_BYTES, TENANT_PLACEHOLDER } from '../manifest/value-rules.js';
import { identifierProblem } from '../model/names.js';
import type { Service } from '../model/types.js';

/**
 * The database of one tenant of a service with a database per tenant: the URL its source gives, or
 * else its pattern's, a database name on the server of the service's URL (the control database) or a
 * whole URL. A URL without a user takes the control URL's user and password, so the manifest holds no
 * password. A problem when the name or the URL cannot be one.
 */
export function tenantDatabase(
  service: Service,
  tenant: string,
  control: string | undefined,
  given?: string,
): { database: Target } | { problem: string } {
  const named = identifierProblem(tenant, 'tenant name');
  if (named) return { problem: named };
  const t = service.tenants!;
  let url: URL;
  try {
    if (given !== undefined) url = new URL(given);
    else if (t.pattern.includes('://')) url = new URL(t.pattern.replace(TENANT_PLACEHOLDER, tenant));
    else if (control === undefined)
      return {
        problem:
          `the database ${t.pattern.replace(TENANT_PLACEHOLDER, tenant)} is on the server of the service's URL, ` +
          `and service ${service.name} has none; expected ${service.urlEnv} or DATABASE_URL set`,
      };
    else {
      url = new URL(control);
      url.pathname = `/${t.pattern.replace(TENANT_PLACEHOLDER, tenant)}`;
    }
  } catch {
    return { problem: `the database URL ${maskUrl(given ?? t.pattern)} of tenant ${tenant} cannot be parsed` };
  }
  const name = decodeURIComponent(url.pathname.slice(1));
  if (Buffer.byteLength(name) > MAX_IDENTIFIER_BYTES)
    return {
      problem: `tenant name ${JSON.stringify(tenant)} makes database ${name}, over ${MAX_IDENTIFIER_BYTES} bytes`,
    };
  if (url.username === '' && control !== undefined) {
    const c = new URL(control);
    url.username = c.username;
    url.password = c.password;
  }
  const text = url.toString();
  return { database: { key: text, url: text, label: maskUrl(text), source: `tenant ${tenant}` } };
}

/** The server a tenant database is on (host and port): push bounds its concurrency per server. */
export function serverOf(database: Target | undefined): string {
  if (!database?.url) return '';
  const u = new URL(database.url);
  return `${u.hostname}:${u.port || '5432'}`;
}
