#!/usr/bin/env node
import { processIo } from './io.js';
import { run } from './run.js';

/**
 * The driver can throw from a socket callback after its connection died (postgres-js writes the
 * transaction's ROLLBACK to a closed socket: porsager/postgres#1208). The query has failed through
 * the normal path by then and the command reports it, so the stray error must not cut that report
 * short; it only turns a success into a failure. Should the command hang instead, it ends after 5 s.
 */
let stray: Error | undefined;
process.on('uncaughtException', (err) => {
  stray ??= err;
  setTimeout(() => {
    process.stderr.write(`error: ${err.message}\n`);
    process.exit(1);
  }, 5_000);
});

const code = await run(process.argv.slice(2), processIo());
if (stray && code === 0) process.stderr.write(`error: ${stray.message}\n`);
// Into a pipe, output the reader has not taken yet waits in the process: exiting at once would drop it
// (a --json report of a thousand tenants cut off). An empty write's callback runs once all before it is out.
const written = (stream: NodeJS.WriteStream) => new Promise((resolve) => stream.write('', resolve));
await Promise.all([written(process.stdout), written(process.stderr)]);
process.exit(stray && code === 0 ? 1 : code);
