import { InputError } from '../../config/input-error.js';
import { oneLine } from '../../config/read-input.js';
import { writePerfetto } from '../../session/perfetto.js';
import { openSessionFile } from '../../session/session-file.js';
import { WallBudget } from '../../session/wall-budget.js';
import { maxWallOption, type Parsed } from '../options.js';

/**
 * `gil-top export FILE --perfetto OUT.json`: a recorded session as a Chrome Trace Event file
 * for Perfetto UI (ui.perfetto.dev) and chrome://tracing. Never overwrites OUT without --force,
 * and never anything but a regular file. Exit status 3 (with the trace so far written) when
 * --max-wall stopped the re-simulation first.
 */
export async function exportCommand(p: Parsed): Promise<number> {
  if (p.args.length !== 1) throw new InputError(p.args.length === 0 ? 'export needs a session FILE (recorded with --record)' : `export takes one FILE (got ${p.args.length})`);
  const out = p.values.perfetto;
  if (typeof out !== 'string' || out === '') throw new InputError('export needs --perfetto OUT.json (the only format so far)');
  const force = p.values.force === true;
  const maxWall = maxWallOption(p.values['max-wall']);
  const session = openSessionFile(p.args[0]);
  for (const w of session.warnings) process.stderr.write(`gil-top: warning: ${oneLine(w)}\n`);
  const budget = new WallBudget(maxWall, 'export: ', process.stderr);
  let result;
  try {
    result = writePerfetto(session, out, force, budget);
  } finally {
    budget.finish();
  }
  const { events, bytes, divergence, player } = result;
  if (divergence !== null) process.stderr.write(`gil-top: warning: the re-simulation diverges from the recording (${oneLine(divergence.message)}); the thread and core tracks show what this gil-top simulates\n`);
  else if (!player.done) process.stderr.write(`gil-top: warning: stopped by ${budget.reason(player.driver.sim)}; the trace ends there\n`);
  process.stderr.write(`gil-top: wrote ${oneLine(out)} (${events} events, ${(bytes / 1e6).toFixed(1)} MB); open it at https://ui.perfetto.dev or chrome://tracing\n`);
  return divergence === null && !player.done ? 3 : 0;
}
