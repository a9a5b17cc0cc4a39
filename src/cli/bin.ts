#!/usr/bin/env node
import { processIo } from './io.js';
import { run } from './run.js';

// A driver can throw from a socket callback after its connection died; the command has reported
// the failure by then, so end with one line instead of a stack trace.
process.on('uncaughtException', (err) => {
  process.stderr.write(`error: ${err.message}\n`);
  process.exit(1);
});

process.exit(await run(process.argv.slice(2), processIo()));
