import { plural } from '../shared/plural.js';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import {
  filesHash,
  manifestKey,
  readCache,
  readOutputHash,
  writeCache,
  writeOutputHash,
} from '../model/model-cache.js';
import { drizzleTarget, type DrizzleTarget } from '../model/drizzle-target.js';
import type { Model } from '../model/types.js';
import { UserError } from '../shared/errors.js';
import { installedDrizzleOrm } from './installed-drizzle.js';

/** Where the manifest and the output folder are, as given on the command line. */
export interface Project {
  /** the manifest path as the user wrote it, used in messages */
  readonly manifestArg: string;
  readonly manifestPath: string;
  readonly outDir: string;
  /** the project root: the manifest's folder; drizzle configs and migrations are relative to it */
  readonly root: string;
  /** the folder paths in messages are relative to */
  readonly cwd: string;
}

export interface ProjectOptions {
  /** the manifest, relative to `cwd` (default `schema.yaml`) */
  readonly manifest?: string;
  /** the output folder for generated code, relative to `cwd` (default `generated`) */
  readonly out?: string;
  /** default: the process's working folder */
  readonly cwd?: string;
}

export function openProject(options: ProjectOptions = {}): Project {
  const cwd = options.cwd ?? process.cwd();
  const manifestArg = options.manifest ?? 'schema.yaml';
  const manifestPath = resolve(cwd, manifestArg);
  return {
    manifestArg,
    manifestPath,
    root: dirname(manifestPath),
    outDir: resolve(cwd, options.out ?? 'generated'),
    cwd,
  };
}

/** The first thing a new user sees: say that the manifest is missing and how to get one. */
function missingManifest(p: Project): UserError {
  const init = `npx schemagen init${p.manifestArg === 'schema.yaml' ? '' : ` --manifest ${p.manifestArg}`}`;
  const hint = `create a starter one with \`${init}\`, or pass --manifest <file>`;
  return new UserError(`${p.manifestArg} not found, so there is no manifest to read; ${hint}`);
}

const keys = new WeakMap<Model, string>();

/**
 * The model of the project's manifest. With `cache`, a manifest validated before (same bytes, same
 * tool build) is read from `.schemagen/cache/` without parsing YAML; `validate` always parses.
 */
export async function loadProjectModel(
  p: Project,
  cache: 'none' | 'read' | 'read-write' = 'read-write',
): Promise<Model> {
  let bytes: Buffer | undefined;
  try {
    bytes = readFileSync(p.manifestPath);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw missingManifest(p);
    /* readManifest reports any other failure with a position */
  }
  const key = bytes && cache !== 'none' ? manifestKey(bytes) : undefined;
  const hit = key ? readCache(p.root, key) : undefined;
  if (hit) {
    keys.set(hit.model, key!);
    return hit.model;
  }
  const { loadModel } = await import('../model/load-model.js');
  const model = loadModel(p.manifestPath, p.manifestArg);
  if (key) {
    keys.set(model, key);
    if (cache === 'read-write') writeCache(p.root, { key, model });
  }
  return model;
}

/** The drizzle-orm major generate writes for: the manifest's `drizzle:`, else the installed drizzle-orm's. */
export function drizzleTargetOf(p: Project, model: Model): DrizzleTarget {
  return drizzleTarget(model.drizzle, installedDrizzleOrm(p.outDir), manifestFile(p));
}

export async function renderProject(
  p: Project,
  model: Model,
  target: DrizzleTarget = drizzleTargetOf(p, model),
): Promise<Map<string, string>> {
  const { generate } = await import('../render/generate.js');
  const outFromRoot = relative(p.root, p.outDir).split(sep).join('/') || '.';
  const files = generate(model, { outFromRoot, manifestName: manifestFile(p), drizzle: target.major });
  rememberOutput(p, model, target, files);
  return files;
}

const manifestFile = (p: Project) => p.manifestPath.split(sep).pop()!;

/** One record per output folder and target: the same manifest renders differently for each drizzle-orm major. */
const outputId = (p: Project, target: DrizzleTarget) => `${relative(p.root, p.outDir) || '.'}@${target.major}`;

function rememberOutput(p: Project, model: Model, target: DrizzleTarget, files: ReadonlyMap<string, string>) {
  const key = keys.get(model);
  if (key) writeOutputHash(p.root, key, outputId(p, target), filesHash(files));
}

/** True when the output folder holds exactly what generate wrote for this model, without rendering. */
export async function outputKnownInSync(p: Project, model: Model): Promise<boolean> {
  const key = keys.get(model);
  const expected = key ? readOutputHash(p.root, key, outputId(p, drizzleTargetOf(p, model))) : undefined;
  if (!expected) return false;
  const { listFiles, isGenerated } = await import('../write/output-tree.js');
  const files = new Map<string, string>();
  for (const path of listFiles(p.outDir)) {
    const text = readFileSync(join(p.outDir, path), 'utf8');
    if (isGenerated(path, text)) files.set(path, text);
  }
  return filesHash(files) === expected;
}

/** Push and up refuse to run against generated modules older than the manifest. */
export async function requireInSync(p: Project, model: Model): Promise<void> {
  if (await outputKnownInSync(p, model)) return;
  const { compareTree } = await import('../write/output-tree.js');
  const stale = compareTree(p.outDir, await renderProject(p, model));
  if (stale.length > 0)
    throw new UserError(
      `${plural(stale.length, 'generated file')} out of date (${stale[0]!.path}…); run: npx schemagen generate`,
    );
}

/** A project with its manifest validated into the model every other call works from. */
export interface LoadedProject extends Project {
  readonly model: Model;
}

export interface LoadOptions extends ProjectOptions {
  /**
   * `read-write` (default): a manifest validated before is read from `.schemagen/cache/`, a new one
   * stored there; `read` never writes the cache; `none` always parses the YAML.
   */
  readonly cache?: 'none' | 'read' | 'read-write';
}

/** Reads and validates the manifest; throws ManifestError listing every problem with its position. */
export async function loadProject(options: LoadOptions = {}): Promise<LoadedProject> {
  const p = openProject(options);
  return { ...p, model: await loadProjectModel(p, options.cache ?? 'read-write') };
}
