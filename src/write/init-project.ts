import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Document, isMap, isPair } from 'yaml';
import { JSON_SCHEMA_FILE } from '../manifest/json-schema.js';
import { DEFAULT_BASE } from '../model/resolve-columns.js';

/** The modeline of a user's manifest: the JSON Schema the installed package ships. */
export const USER_MODELINE = `# yaml-language-server: $schema=./node_modules/drizzle-schemagen/${JSON_SCHEMA_FILE}`;

/** The folder the tool keeps its embedded database and caches in; never committed. */
const STATE_IGNORE = '.schemagen/';

export interface InitResult {
  readonly gitignore: 'created' | 'added' | 'present';
  /** scripts added to package.json and those it already had; or the scripts to add by hand, and why */
  readonly scripts:
    | { readonly added: string[]; readonly kept: string[] }
    | { readonly byHand: Record<string, string>; readonly why: string };
}

/** A starter manifest: the modeline, the default base written out, one service with one table. */
export function starterManifest(): string {
  const base = new Document({ base: DEFAULT_BASE });
  const columns = base.get('base');
  if (isMap(columns)) for (const pair of columns.items) if (isPair(pair) && isMap(pair.value)) pair.value.flow = true;
  return `${USER_MODELINE}
# One manifest for every service. Edit it, then run \`npm run codegen\` and commit generated/.
version: 1

# Columns every table gets first, in this order (the default base, written out).
${base.toString({ lineWidth: 0 })}
services:
  app:                      # the service owns the Postgres schema "app"
    tables:
      notes:
        comment: A first table; the base columns come first.
        columns:
          title: { type: text }
          body: { type: text, nullable: true }
`;
}

/**
 * Starts a project in the manifest's folder: writes the starter manifest (never over an existing
 * file), git-ignores `.schemagen/`, and adds npm scripts that are not there yet.
 */
export function initProject(manifestPath: string): InitResult {
  mkdirSync(dirname(manifestPath), { recursive: true });
  // 'wx' fails when the file exists, so a manifest written meanwhile is never replaced either.
  writeFileSync(manifestPath, starterManifest(), { flag: 'wx' });
  const root = dirname(manifestPath);
  const name = basename(manifestPath);
  const flag = name === 'schema.yaml' ? '' : ` --manifest ${name}`;
  const scripts = {
    codegen: `schemagen generate${flag}`,
    'codegen:check': `schemagen check${flag}`,
    push: `schemagen push${flag}`,
    verify: `schemagen verify${flag}`,
  };
  return { gitignore: ignoreState(join(root, '.gitignore')), scripts: addScripts(join(root, 'package.json'), scripts) };
}

function ignoreState(path: string): InitResult['gitignore'] {
  if (!existsSync(path)) {
    writeFileSync(path, `${STATE_IGNORE}\n`);
    return 'created';
  }
  const text = readFileSync(path, 'utf8');
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  if (lines.some((l) => ['.schemagen', '.schemagen/', '/.schemagen', '/.schemagen/'].includes(l))) return 'present';
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
