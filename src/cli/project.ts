import { dirname, relative, resolve, sep } from 'node:path';
import { loadModel } from '../model/load-model.js';
import type { Model } from '../model/types.js';
import { generate } from '../render/generate.js';
import type { CliIo } from './io.js';

/** Where the manifest and the output folder are, as given on the command line. */
export interface Project {
  /** the manifest path as the user wrote it, used in messages */
  readonly manifestArg: string;
  readonly manifestPath: string;
  readonly outDir: string;
  /** the project root: the manifest's folder; drizzle configs and migrations are relative to it */
  readonly root: string;
}

export function project(args: { manifest: string; out?: string }, io: CliIo): Project {
  const manifestPath = resolve(io.cwd, args.manifest);
  const root = dirname(manifestPath);
  return { manifestArg: args.manifest, manifestPath, root, outDir: resolve(io.cwd, args.out ?? 'generated') };
}

export function loadProjectModel(p: Project): Model {
  return loadModel(p.manifestPath, p.manifestArg);
}

export function renderProject(p: Project, model: Model): Map<string, string> {
  const outFromRoot = relative(p.root, p.outDir).split(sep).join('/') || '.';
  return generate(model, { outFromRoot, manifestName: p.manifestPath.split(sep).pop()! });
}
