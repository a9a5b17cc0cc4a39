import { identifierProblem, reservedSchemaProblem } from '../model/names.js';
import type { CatalogTable } from '../db/catalog/types.js';

/** Where a live table goes in the manifest: its service and its (maybe shorter) name. */
export interface Placement {
  readonly service: string;
  readonly name: string;
  /** how the service was chosen, for the report */
  readonly reason: string;
}

/** `--map users_=user` pairs; `*` takes every public table no prefix matched. */
export type PrefixMap = readonly { readonly prefix: string; readonly service: string }[];

export function parseMaps(specs: readonly string[]): PrefixMap | string {
  const out: { prefix: string; service: string }[] = [];
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const prefix = spec.slice(0, eq);
    const service = spec.slice(eq + 1);
    if (eq <= 0 || service === '') return `--map ${JSON.stringify(spec)}: expected prefix=service (or '*=service')`;
    const problem = identifierProblem(service, 'service name') ?? reservedSchemaProblem(service);
    if (problem) return `--map ${JSON.stringify(spec)}: ${problem}`;
    out.push({ prefix, service });
  }
  return out;
}

/** The service `public`'s tables go to, without `--map`, when they are not Django's. */
export const PUBLIC_SERVICE = 'app';

const APP_MODEL = /^([a-z0-9]+)_(.+)$/;

/**
 * Django names its tables `<app>_<model>` and keeps its migrations in `django_migrations`: either
 * that table, or every table named so, says `public` is one app per prefix.
 */
export function djangoShaped(tables: readonly CatalogTable[]): boolean {
  const inPublic = tables.filter((t) => t.schema === 'public');
  return inPublic.some((t) => t.name === 'django_migrations') || inPublic.every((t) => APP_MODEL.test(t.name));
}

/**
 * A table outside `public` belongs to the service named after its schema and keeps its name. A
 * table in `public` goes to the service of the longest `--map` prefix it starts with (the prefix
 * dropped from its name), else to `*`'s service, else, in a Django-shaped database (djangoShaped),
 * to the part of its name before the first underscore (`<app>_<model>`). Without a map, any other
 * database keeps `public` whole in one service (PUBLIC_SERVICE) and every name as it is. A
 * shortened name that is taken or invalid stays whole.
 */
export function placeTables(tables: readonly CatalogTable[], maps: PrefixMap): Map<CatalogTable, Placement> {
  const out = new Map<CatalogTable, Placement>();
  const taken = new Set(tables.filter((t) => t.schema !== 'public').map((t) => `${t.schema}.${t.name}`));
  const whole =
    maps.length === 0 && !djangoShaped(tables)
      ? { prefix: '*', service: PUBLIC_SERVICE, why: 'public is not Django-shaped: one service' }
      : undefined;
  const fallback = maps.find((m) => m.prefix === '*') ?? whole;
  const prefixes = maps.filter((m) => m.prefix !== '*').sort((a, b) => b.prefix.length - a.prefix.length);
  for (const t of tables) {
    if (t.schema !== 'public') {
      out.set(t, { service: t.schema, name: t.name, reason: `schema ${t.schema}` });
      continue;
    }
    const mapped = prefixes.find((m) => t.name.startsWith(m.prefix));
    const app = APP_MODEL.exec(t.name);
    const [service, short, reason] = mapped
      ? [mapped.service, t.name.slice(mapped.prefix.length), `--map ${mapped.prefix}=${mapped.service}`]
      : fallback
        ? [fallback.service, t.name, fallback === whole ? whole.why : `--map *=${fallback.service}`]
        : app
          ? [app[1]!, app[2]!, `name prefix ${app[1]}_`]
          : [t.name, t.name, 'a table name without prefix'];
    const usable = short !== '' && !identifierProblem(short, 'table') && !taken.has(`${service}.${short}`);
    const name = usable ? short : t.name;
    taken.add(`${service}.${name}`);
    out.set(t, { service, name, reason });
  }
  return out;
}

/** The service declaring each schema's own objects (sequences, domains, composite types), by schema. */
export type SchemaHomes = ReadonlyMap<string, string>;

/**
 * Where a schema's own objects are declared: by the service of the schema when it stays one, else by
 * the one service every table of it goes to (`public` adopted into a service), which push moves them
 * into along with the tables. A schema whose tables go to several services, or none, has no home.
 */
export function schemaHomes(places: ReadonlyMap<CatalogTable, Placement>): SchemaHomes {
  const going = new Map<string, Set<string>>();
  for (const [t, p] of places) going.set(t.schema, (going.get(t.schema) ?? new Set()).add(p.service));
  const homes = new Map<string, string>();
  for (const [schema, services] of going) {
    const home = services.has(schema) ? schema : services.size === 1 ? [...services][0] : undefined;
    if (home) homes.set(schema, home);
  }
  return homes;
}
