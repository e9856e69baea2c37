#!/usr/bin/env node
import { holdSignals } from '../session/signal-hold.js';

// A recording must exist with its header before a signal can end the process: hold the signals
// from this first line until the recorder has its file and its handlers.
const argv = process.argv.slice(2);
if (argv.some((a) => a === '--record' || a.startsWith('--record='))) holdSignals();

// Output cut short by its reader (`gil-top presets | head -2`) is not an error: end quietly.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') process.exit(process.exitCode ?? 0);
    throw e;
  });

const { runCli } = await import('./run-cli.js');
process.exitCode = await runCli(argv);
