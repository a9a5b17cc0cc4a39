import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { recoverInterrupted } from '../src/write/write-tree.js';
import { cli } from './support/cli.js';
import { FIXTURES, readTree } from './support/fixtures.js';

const BIN = join(FIXTURES, '..', '..', 'dist', 'cli', 'bin.js');

/** A manifest big enough that writing its output takes a while (many services, many files). */
function manifest(variant: string): string {
  const lines = ['version: 1', 'services:'];
  for (let s = 0; s < 40; s++) {
    lines.push(`  s${s}:`, '    tables:');
    for (let t = 0; t < 8; t++)
      lines.push(
        `      t${t}:`,
        '        columns:',
        `          ${variant}_${t}: { type: text, nullable: true, comment: "${'x'.repeat(200)}" }`,
      );
  }
  return `${lines.join('\n')}\n`;
}

/** What one uninterrupted generate writes (manifest file names appear in headers, so they match). */
async function treeFor(text: string, name: string): Promise<Map<string, string>> {
  const dir = mkdtempSync(join(tmpdir(), 'schemagen-tree-'));
  writeFileSync(join(dir, name), text);
  expect((await cli(['generate', '--manifest', name], { cwd: dir })).code).toBe(0);
  return readTree(join(dir, 'generated'));
}

function generateProcess(dir: string, manifestFile: string) {
  const child = spawn(process.execPath, [BIN, 'generate', '--manifest', manifestFile], { cwd: dir, stdio: 'ignore' });
  const state = { exited: false };
  const done = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      state.exited = true;
      resolve(code);
    }),
  );
  return { child, done, exited: () => state.exited };
}

/** Polls `condition` on every turn of the event loop; false when the process exits first. */
async function waitFor(condition: () => boolean, exited: () => boolean): Promise<boolean> {
  while (!condition()) {
    if (exited()) return false;
    await new Promise((r) => setImmediate(r));
  }
  return true;
}

test('killing generate at any moment leaves the old or the new tree, never a mix', async () => {
  const [a, b] = [manifest('alpha'), manifest('beta')];
  const [treeA, treeB] = [await treeFor(a, 'a.yaml'), await treeFor(b, 'b.yaml')];
  const dir = mkdtempSync(join(tmpdir(), 'schemagen-kill-'));
  writeFileSync(join(dir, 'a.yaml'), a);
  writeFileSync(join(dir, 'b.yaml'), b);
  writeFileSync(join(dir, 'schema.yaml'), a);
  expect((await cli(['generate', '--manifest', 'a.yaml'], { cwd: dir })).code).toBe(0);
  const out = join(dir, 'generated');
  writeFileSync(join(out, 'NOTES.md'), 'mine\n');
  const staging = join(dir, '.generated.schemagen-new');
  // How long the write phase (staging folder present) lasts, so watched kills spread over all of it.
  let writeMs = Infinity;
  for (const file of ['b.yaml', 'a.yaml']) {
    const run = generateProcess(dir, file);
    const seen = await waitFor(() => existsSync(staging), run.exited);
    const started = performance.now();
    await waitFor(() => !existsSync(staging), run.exited);
    if (seen) writeMs = Math.min(writeMs, performance.now() - started);
    expect(await run.done).toBe(0);
  }
  if (!Number.isFinite(writeMs)) writeMs = 0;
  let pendingSeen = 0;
  let midWrite = 0;
  let current = treeA;
  for (let i = 0; i < 24; i++) {
    // Always towards the other tree, so every run has a new tree to write.
    const { child, done, exited } = generateProcess(dir, current === treeA ? 'b.yaml' : 'a.yaml');
    // Every third kill lands early (loading, rendering, comparing); the rest once the new tree is
    // being written, at delays spread over the measured write phase. Timers alone miss that phase
    // on a loaded machine.
    if (i % 3 === 0) await new Promise((r) => setTimeout(r, 20 + 10 * i));
    else if (await waitFor(() => existsSync(staging), exited))
      await new Promise((r) => setTimeout(r, (writeMs * (i % 8)) / 8));
    child.kill('SIGKILL');
    await done;
    // Without recovery: old tree, new tree, or (killed between the two renames) no tree and a complete new one waiting.
    if (!existsSync(out)) {
      expect(existsSync(join(staging, '.schemagen-complete'))).toBe(true);
      pendingSeen++;
    }
    if (existsSync(staging)) midWrite++;
    recoverInterrupted(out);
    const tree = readTree(out);
    expect(tree.get('NOTES.md')).toBe('mine\n');
    tree.delete('NOTES.md');
    tree.delete('.schemagen-complete');
    const isA = JSON.stringify([...tree]) === JSON.stringify([...treeA]);
    const isB = JSON.stringify([...tree]) === JSON.stringify([...treeB]);
    expect(isA || isB, `iteration ${i}: a mix of both trees`).toBe(true);
    current = isA ? treeA : treeB;
  }
  // The kills must land while a new tree was being written, or the test proves nothing.
  expect(midWrite).toBeGreaterThanOrEqual(8);
  expect(pendingSeen).toBeLessThanOrEqual(midWrite);
}, 180_000);

test('two generates at once into one folder end with exactly one of the two trees', async () => {
  const [a, b] = [manifest('alpha'), manifest('beta')];
  const [treeA, treeB] = [await treeFor(a, 'a.yaml'), await treeFor(b, 'b.yaml')];
  for (let round = 0; round < 3; round++) {
    const dir = mkdtempSync(join(tmpdir(), 'schemagen-race-'));
    writeFileSync(join(dir, 'a.yaml'), a);
    writeFileSync(join(dir, 'b.yaml'), b);
    const codes = await Promise.all([generateProcess(dir, 'a.yaml').done, generateProcess(dir, 'b.yaml').done]);
    expect(codes).toEqual([0, 0]);
    const tree = readTree(join(dir, 'generated'));
    expect([JSON.stringify([...treeA]), JSON.stringify([...treeB])]).toContain(JSON.stringify([...tree]));
    expect(existsSync(join(dir, '.generated.schemagen-lock'))).toBe(false);
  }
}, 120_000);
