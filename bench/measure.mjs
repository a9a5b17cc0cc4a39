import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** Runs a command as a plain process; returns wall seconds, peak RSS in MB (when measurable) and output. */
export function run(cmd, args, { cwd, env } = {}) {
  const started = process.hrtime.bigint();
  const r = TIME
    ? spawnSync(TIME, ['-f', '__rss_kb=%M', cmd, ...args], { cwd, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 28 })
    : spawnSync(cmd, args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const rss = /__rss_kb=(\d+)/.exec(r.stderr ?? '');
  return { seconds, rssMb: rss ? Number(rss[1]) / 1024 : undefined, status: r.status, out: `${r.stdout}${(r.stderr ?? '').replace(/__rss_kb=\d+\n?/, '')}` };
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Runs `fn` `n` times in turn; returns the median of the seconds it reports, failing loudly on a bad run. */
export async function repeat(n, label, fn) {
  const times = [];
  for (let i = 0; i < n; i++) {
    const r = await fn(i);
    if (r.ok === false) throw new Error(`${label} failed:\n${r.out}`);
    times.push(r.seconds);
  }
  return { label, n, median: median(times), all: times };
}
