/** Everything a command touches outside its arguments, so tests can run commands in-process. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** on a terminal: a status line rewritten in place (`last` ends it); elsewhere absent */
  readonly progress?: (text: string, last: boolean) => void;
}

/** Holds the real writers, so silencing a library's stray stdout output never hides ours. */
export const processIo = (): CliIo => {
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  return {
    stdout: (t) => out(t.endsWith('\n') ? t : `${t}\n`),
    stderr: (t) => err(t.endsWith('\n') ? t : `${t}\n`),
    env: process.env,
    cwd: process.cwd(),
    ...(process.stderr.isTTY && {
      progress: (text: string, last: boolean) => err(`\r${text}\x1b[K${last ? '\n' : ''}`),
    }),
  };
};
