import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { run } from '../../src/cli/run.js';

const BIN = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'bin.js');

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs one schemagen invocation in-process, capturing its output. */
export async function cli(
  argv: readonly string[],
  options: { cwd?: string; env?: Record<string, string | undefined> } = {},
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, {
    stdout: (t) => (stdout += t.endsWith('\n') ? t : `${t}\n`),
    stderr: (t) => (stderr += t.endsWith('\n') ? t : `${t}\n`),
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
  });
  return { code, stdout, stderr };
}

export interface SpawnedCli {
  /** resolves when the process exits, with its exit code and stdout and stderr interleaved */
  readonly done: Promise<{ code: number; out: string }>;
  /** everything printed so far */
  output(): string;
  /** true once the process has exited */
  exited(): boolean;
  /** kills the process at once (SIGKILL), as a crash would */
  kill(): void;
  /** resolves once `text` was printed; rejects after `ms` milliseconds (or when the process exits) without it */
  waitForOutput(text: string, ms: number): Promise<void>;
}

/** The built CLI (dist/) as a separate process, as CI runs it; PATH is the only inherited variable. */
export function spawnCli(args: readonly string[], cwd: string, env: Record<string, string>): SpawnedCli {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { PATH: process.env['PATH'] ?? '', ...env } });
  let out = '';
  let exited = false;
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const done = new Promise<{ code: number; out: string }>((resolve) =>
    child.on('close', (code) => {
      exited = true;
      resolve({ code: code ?? -1, out });
    }),
  );
  const waitForOutput = async (text: string, ms: number) => {
    const deadline = Date.now() + ms;
    while (!out.includes(text)) {
      if (exited || Date.now() > deadline)
        throw new Error(
          `${exited ? 'exited' : `no output ${JSON.stringify(text)} within ${ms} ms`}; printed so far:\n${out}`,
        );
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { done, output: () => out, exited: () => exited, waitForOutput, kill: () => void child.kill('SIGKILL') };
}

/** The statements a push prints (two-space indent), without the lock and hazard notes under them (`    -- …`). */
export const listedStatements = (output: string): string[] =>
  output.split('\n').filter((l) => l.startsWith('  ') && !l.startsWith('    -- '));
