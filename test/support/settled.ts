import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { CliResult } from './cli.js';
import type { Project } from './project.js';

/**
 * On PGlite a push that found every service in sync records the data folder's fingerprint, and the
 * next push answers "unchanged" without opening the database (src/db/embedded-state.ts). Tests of
 * what the database comparison itself decides forget that record first.
 */
export function forgetEmbeddedState(p: Project): void {
  rmSync(join(p.dir, '.schemagen', 'pglite-verified.json'), { force: true });
}

/** Every service's result line of a push, by service name. */
export function pushStatuses(result: CliResult): Map<string, string> {
  const lines = `${result.stdout}${result.stderr}`.matchAll(/^(\S+) → .*: (would be \w+|\w+)(?:, \d+ statements?)?$/gm);
  return new Map([...lines].map((m) => [m[1]!, m[2]!] as const));
}

/**
 * A push right after a successful push: exit 0, every service `unchanged`, no statement. `what`
 * names the situation in the failure message, which shows the whole output (the statements that
 * were emitted again).
 */
export async function expectSettled(p: Project, services: readonly string[], what: string): Promise<void> {
  forgetEmbeddedState(p);
  const again = await p.run(['push']);
  const output = `${what}\n${again.stdout}${again.stderr}`;
  expect(again.code, output).toBe(0);
  expect(again.stderr, output).toBe('');
  expect(again.stdout, output).not.toMatch(/statement/);
  expect(Object.fromEntries(pushStatuses(again)), output).toEqual(
    Object.fromEntries(services.map((s) => [s, 'unchanged'])),
  );
}

/** exit 0 with nothing on stderr; the message shows the output. */
export function expectOk(result: CliResult, what: string): void {
  const output = `${what}\n${result.stdout}${result.stderr}`;
  expect(result.stderr, output).toBe('');
  expect(result.code, output).toBe(0);
}

/**
 * The manifest with `line` (a column, `name: { ... }`) added as the first column of
 * `services.<service>.tables.<table>`; the manifest must use the two-space layout of schema.yaml.
 */
export function withColumn(manifest: string, service: string, table: string, line: string): string {
  const lines = manifest.split('\n');
  const s = lines.findIndex((l) => l === `  ${service}:`);
  const t = lines.findIndex((l, i) => i > s && l === `      ${table}:`);
  const c = lines.findIndex((l, i) => i > t && l === '        columns:');
  if (s < 0 || t < 0 || c < 0) throw new Error(`no columns of ${service}.${table} in the manifest`);
  return [...lines.slice(0, c + 1), `          ${line}`, ...lines.slice(c + 1)].join('\n');
}
