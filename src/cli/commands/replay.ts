import { InputError } from '../../config/input-error.js';
import { verifySession, type ReplayReport } from '../../session/replay.js';
import { readSessionFile } from '../../session/session-file.js';
import type { Parsed } from '../options.js';
import { packageVersion } from '../../version.js';
import { formatSummary } from './run.js';

/**
 * `gil-top replay FILE`: re-simulates a recorded session from its configuration, seed and
 * actions and checks every recorded sample. Exit status 0 if it matches, 1 if it diverges, 2 for
 * a file that is not a readable session. (Playing it back in the dashboard is the dashboard's
 * part: until it is wired, both forms check it headless; --json prints the report as JSON.)
 */
export async function replayCommand(p: Parsed): Promise<number> {
  if (p.args.length !== 1) throw new InputError(p.args.length === 0 ? 'replay needs a session FILE (recorded with --record)' : `replay takes one FILE (got ${p.args.length})`);
  const session = readSessionFile(p.args[0]);
  for (const w of session.warnings) process.stderr.write(`gil-top: warning: ${w}\n`);
  const report = verifySession(session);
  const recordedBy = session.header.gilTop;
  if (report.divergence !== null && recordedBy !== packageVersion())
    report.divergence.message += ` (recorded by gil-top ${recordedBy}, replayed by ${packageVersion()}: the model may have changed)`;
  process.stdout.write(p.values.json ? JSON.stringify(report, null, 2) + '\n' : formatReplay(report, session.header.createdAt, recordedBy));
  if (report.divergence !== null) {
    if (p.values.json) process.stderr.write(`gil-top: replay diverges: ${report.divergence.message}\n`);
    return 1;
  }
  return 0;
}

/** The text form of a replay check. */
export function formatReplay(r: ReplayReport, createdAt: string, recordedBy: string): string {
  const head = `${r.file}: recorded ${createdAt} by gil-top ${recordedBy}, ${r.endReason === null ? 'cut short' : `ended: ${r.endReason}`}; ${r.actions} action${r.actions === 1 ? '' : 's'}, ${r.samples} samples`;
  const verdict =
    r.divergence === null
      ? `replay matches the recording exactly: ${r.samplesChecked} samples${r.endReason === null ? '' : ' and the final summary'} up to ${r.simulatedSeconds.toFixed(3)} s simulated, in ${r.wallSeconds.toFixed(3)} s of wall time`
      : `replay DIVERGES: ${r.divergence.message}`;
  return `${head}\n${verdict}\n\n${formatSummary(r.summary)}`;
}
