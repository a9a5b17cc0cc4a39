import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { Document, isMap, isPair } from 'yaml';
import { JSON_SCHEMA_FILE } from '../manifest/json-schema.js';
import { DEFAULT_BASE } from '../model/resolve-columns.js';
import { STATE_DIR } from '../shared/conventions.js';

/** Where the installed package's JSON Schema is, from the package root. */
const INSTALLED_SCHEMA = join('node_modules', 'drizzle-schemagen', JSON_SCHEMA_FILE);

/** The modeline of a manifest: the installed package's JSON Schema, relative to the manifest's folder. */
export function modeline(manifestPath: string, packageRoot: string): string {
  const path = relative(dirname(manifestPath), join(packageRoot, INSTALLED_SCHEMA)).split(sep).join('/');
  return `# yaml-language-server: $schema=${path.startsWith('../') ? path : `./${path}`}`;
}

/** The folder the tool keeps its embedded database and caches in; never committed. */
const STATE_IGNORE = `${STATE_DIR}/`;

export interface InitResult {
  readonly gitignore: 'created' | 'added' | 'present';
  /** scripts added to package.json and those it already had; or the scripts to add by hand, and why */
  readonly scripts:
    | { readonly added: string[]; readonly kept: string[] }
    | { readonly byHand: Record<string, string>; readonly why: string };
}

/** A starter manifest: the modeline, the default base written out, and the starter's services. */
export function starterManifest(modelineText: string, { tenants = false }: StarterOptions = {}): string {
  const base = new Document({ base: DEFAULT_BASE });
  const columns = base.get('base');
  if (isMap(columns)) for (const pair of columns.items) if (isPair(pair) && isMap(pair.value)) pair.value.flow = true;
  return `${modelineText}
# One manifest for every service. Edit it, then run \`npm run codegen\` and commit generated/.
version: 1

# Columns every table gets first, in this order (the default base, written out).
${base.toString({ lineWidth: 0 })}
services:
${tenants ? PER_TENANT_SERVICES : ONE_SERVICE}`;
}

export interface StarterOptions {
  /** a shared service listing the tenants and a per-tenant service with a schema per tenant */
  readonly tenants?: boolean;
}

const ONE_SERVICE = `  app:                      # the service owns the Postgres schema "app"
    tables:
      notes:
        comment: A first table; the base columns come first.
        columns:
          title: { type: text }
          body: { type: text, nullable: true }
`;

const PER_TENANT_SERVICES = `  app:                      # shared: the Postgres schema "app"
    tables:
      tenants:
        comment: One row per tenant; push gives each one a schema of service workspace.
        columns:
          slug: { type: text, unique: true, comment: "The tenant's name: lowercase letters, digits and _." }
  workspace:                # per tenant: the schema tenant_<slug> for every tenant
    tenants:
      schema: tenant_{tenant}   # or a database per tenant: database: tenant_{tenant} (docs: tenants.md)
      from: { query: select slug from app.tenants where not is_deleted order by slug }
    tables:
      notes:
        comment: A first table, in every tenant's schema; the base columns come first.
        columns:
          title: { type: text }
          body: { type: text, nullable: true }
`;

/**
 * Starts a project: writes the starter manifest (never over an existing file); in the package root
 * (where npm runs scripts, so `--manifest` is relative to it), git-ignores `.schemagen/` (the
 * pattern matches at any depth, next to the manifest too) and adds npm scripts not there yet.
 */
export function initProject(manifestPath: string, packageRoot: string, options: StarterOptions = {}): InitResult {
  mkdirSync(dirname(manifestPath), { recursive: true });
  // 'wx' fails when the file exists, so a manifest written meanwhile is never replaced either.
  writeFileSync(manifestPath, starterManifest(modeline(manifestPath, packageRoot), options), { flag: 'wx' });
  const manifestArg = relative(packageRoot, manifestPath).split(sep).join('/');
  const flag = manifestArg === 'schema.yaml' ? '' : ` --manifest ${manifestArg}`;
  const scripts = {
    codegen: `schemagen generate${flag}`,
    'codegen:check': `schemagen check${flag}`,
    push: `schemagen push${flag}`,
    verify: `schemagen verify${flag}`,
  };
  return {
    gitignore: ignoreState(join(packageRoot, '.gitignore')),
    scripts: addScripts(join(packageRoot, 'package.json'), scripts),
  };
}

function ignoreState(path: string): InitResult['gitignore'] {
  if (!existsSync(path)) {
    writeFileSync(path, `${STATE_IGNORE}\n`);
    return 'created';
  }
  const text = readFileSync(path, 'utf8');
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  if (lines.some((l) => [STATE_DIR, `${STATE_DIR}/`, `/${STATE_DIR}`, `/${STATE_DIR}/`].includes(l))) return 'present';
  writeFileSync(path, `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${STATE_IGNORE}\n`);
  return 'added';
}

function addScripts(path: string, wanted: Record<string, string>): InitResult['scripts'] {
  if (!existsSync(path)) return { byHand: wanted, why: 'there is no package.json' };
  const text = readFileSync(path, 'utf8');
  let pkg: { scripts?: Record<string, string> };
  try {
    pkg = JSON.parse(text) as typeof pkg;
  } catch {
    return { byHand: wanted, why: 'package.json is not valid JSON, so it was left alone' };
  }
  const scripts = { ...pkg.scripts };
  const kept = Object.keys(wanted).filter((k) => k in scripts);
  const added = Object.keys(wanted).filter((k) => !(k in scripts));
  if (added.length > 0) {
    for (const k of added) scripts[k] = wanted[k]!;
    const indent = /^[ \t]+(?=")/m.exec(text)?.[0] ?? '  ';
    writeFileSync(path, `${JSON.stringify({ ...pkg, scripts }, null, indent)}${text.endsWith('\n') ? '\n' : ''}`);
  }
  return { added, kept };
}
