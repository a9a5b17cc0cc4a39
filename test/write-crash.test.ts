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
    for (let t = 0; t < 8; t++) lines.push(`      t${t}:`, '        columns:', `          ${variant}_${t}: { type: text, nullable: true, comment: "${'x'.repeat(200)}" }`);
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
  return { child, done: new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code))) };
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
  // How long one full run takes, so the kills spread over all of it, writing included.
  const started = Date.now();
  expect(await generateProcess(dir, 'b.yaml').done).toBe(0);
  expect(await generateProcess(dir, 'a.yaml').done).toBe(0);
  const runMs = (Date.now() - started) / 2;
  let pendingSeen = 0;
  let midWrite = 0;
  for (let i = 0; i < 24; i++) {
    const { child, done } = generateProcess(dir, i % 2 === 0 ? 'b.yaml' : 'a.yaml');
    await new Promise((r) => setTimeout(r, runMs * (0.6 + (0.45 * i) / 24)));
    child.kill('SIGKILL');
    await done;
    // Without recovery: old tree, new tree, or (killed between the two renames) no tree and a complete new one waiting.
    if (!existsSync(out)) {
      expect(existsSync(join(dir, '.generated.schemagen-new', '.schemagen-complete'))).toBe(true);
      pendingSeen++;
    }
    if (existsSync(join(dir, '.generated.schemagen-new'))) midWrite++;
    recoverInterrupted(out);
    const tree = readTree(out);
    expect(tree.get('NOTES.md')).toBe('mine\n');
    tree.delete('NOTES.md');
    tree.delete('.schemagen-complete');
    const isA = JSON.stringify([...tree]) === JSON.stringify([...treeA]);
    const isB = JSON.stringify([...tree]) === JSON.stringify([...treeB]);
    expect(isA || isB, `iteration ${i}: a mix of both trees`).toBe(true);
  }
  // The kills must land while a new tree was being written, or the test proves nothing.
  expect(midWrite).toBeGreaterThanOrEqual(2);
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

