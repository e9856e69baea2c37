import { existsSync } from 'node:fs';
import { InputError } from '../../config/input-error.js';
import { writePerfetto } from '../../session/perfetto.js';
import { readSessionFile } from '../../session/session-file.js';
import type { Parsed } from '../options.js';

/**
 * `gil-top export FILE --perfetto OUT.json`: a recorded session as a Chrome Trace Event file
 * for Perfetto UI (ui.perfetto.dev) and chrome://tracing. Never overwrites OUT without --force.
 */
export async function exportCommand(p: Parsed): Promise<number> {
  if (p.args.length !== 1) throw new InputError(p.args.length === 0 ? 'export needs a session FILE (recorded with --record)' : `export takes one FILE (got ${p.args.length})`);
  const out = p.values.perfetto;
  if (typeof out !== 'string' || out === '') throw new InputError('export needs --perfetto OUT.json (the only format so far)');
  const force = p.values.force === true;
  const session = readSessionFile(p.args[0]);
  if (!force && existsSync(out)) throw new InputError(`${out}: already exists (use --force to overwrite it)`);
  for (const w of session.warnings) process.stderr.write(`gil-top: warning: ${w}\n`);
  const { events, bytes, divergence } = writePerfetto(session, out, force);
  if (divergence !== null) process.stderr.write(`gil-top: warning: the re-simulation diverges from the recording (${divergence.message}); the thread and core tracks show what this gil-top simulates\n`);
  process.stderr.write(`gil-top: wrote ${out} (${events} events, ${(bytes / 1e6).toFixed(1)} MB); open it at https://ui.perfetto.dev or chrome://tracing\n`);
  return 0;
}
