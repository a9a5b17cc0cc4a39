// Timing helpers for the benchmark: every command is a plain child process, timed from spawn to exit.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** Runs a command; returns wall seconds, peak RSS in MB (GNU time, else undefined), exit status and output. */
export function run(cmd, args, { cwd, env } = {}) {
  const options = { cwd, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 28 };
  const started = process.hrtime.bigint();
  const r = TIME ? spawnSync(TIME, ['-f', '__rss_kb=%M', cmd, ...args], options) : spawnSync(cmd, args, options);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const rss = /__rss_kb=(\d+)\s*$/.exec(r.stderr ?? '');
  const stderr = (r.stderr ?? '').replace(/__rss_kb=\d+\s*$/, '');
  return {
    seconds,
    rssMb: rss ? Number(rss[1]) / 1024 : undefined,
    status: r.status,
    out: `${r.stdout ?? ''}${stderr}`,
  };
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Runs each contender `n` times, alternating them (a, b, a, b, …) so that load from elsewhere on the
 * machine hits both alike, after one untimed warm-up run each (cold file cache). Every run returns
 * `{ seconds, ok, out, rssMb? }`; a run with `ok === false` stops the benchmark with its output.
 * Returns per contender `{ median, all, rssMb }`.
 */
export async function compare(n, contenders, { warmup = true } = {}) {
  const names = Object.keys(contenders);
  const result = Object.fromEntries(names.map((k) => [k, { all: [], rssMb: 0 }]));
  for (let i = warmup ? -1 : 0; i < n; i++) {
    for (const name of names) {
      const r = await contenders[name](i);
      if (r.ok === false) throw new Error(`${name} failed (run ${i}):\n${r.out}`);
      if (i < 0) continue;
      result[name].all.push(r.seconds);
      result[name].rssMb = Math.max(result[name].rssMb, r.rssMb ?? 0);
    }
  }
  for (const name of names) result[name].median = median(result[name].all);
  return result;
}
