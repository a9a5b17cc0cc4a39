import { relative } from 'node:path';
import { fileStates, type FileState } from '../write/output-tree.js';
import { writeTree } from '../write/write-tree.js';
import type { DrizzleTarget } from '../model/drizzle-target.js';
import { drizzleTargetOf, renderProject, type LoadedProject } from './project.js';

export interface GenerateResult {
  /** the output folder, relative to the project's cwd */
  readonly out: string;
  /** how many files the manifest generates */
  readonly files: number;
  readonly written: number;
  readonly removed: number;
  /** the folder already held exactly these files */
  readonly unchanged: boolean;
  /** the drizzle-orm major the code is written for, and why */
  readonly drizzle: DrizzleTarget;
}

/** Rewrites the output folder atomically; refuses (UnownedFilesError) to overwrite files it did not write. */
export async function generate(project: LoadedProject): Promise<GenerateResult> {
  const drizzle = drizzleTargetOf(project, project.model);
  const files = await renderProject(project, project.model, drizzle);
  const result = await writeTree(project.outDir, files);
  return { out: outName(project), files: files.size, ...result, drizzle };
}

export interface CheckResult {
  /** the output folder holds exactly what generate writes */
  readonly ok: boolean;
  readonly out: string;
  /** every file generate would write or remove, with its state */
  readonly files: readonly { readonly path: string; readonly state: FileState }[];
}

/** Compares the output folder with what generate would write; writes nothing. */
export async function check(project: LoadedProject): Promise<CheckResult> {
  const files = fileStates(project.outDir, await renderProject(project, project.model));
  return { ok: files.every((f) => f.state === 'ok'), out: outName(project), files };
}

const outName = (p: LoadedProject) => relative(p.cwd, p.outDir) || '.';
