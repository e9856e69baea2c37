import { InputError } from '../../config/input-error.js';
import { presetOfSession, verifySession, type ReplayReport } from '../../session/replay.js';
import { readSessionFile, type SessionFile } from '../../session/session-file.js';
import type { Parsed } from '../options.js';
import { packageVersion } from '../../version.js';
import { showDashboard } from './dashboard.js';
import { formatSummary } from './run.js';

/**
 * `gil-top replay FILE`: re-simulates a recorded session from its configuration, seed and
 * actions and checks every recorded sample. Exit status 0 if it matches, 1 if it diverges, 2 for
 * a file that is not a readable session. On a terminal it plays the session back in the
 * dashboard (read-only) and checks it as it goes; --json, or output that is not a terminal,
 * checks it headless (--json prints the report as JSON, otherwise as text).
 */
export async function replayCommand(p: Parsed): Promise<number> {
  if (p.args.length !== 1) throw new InputError(p.args.length === 0 ? 'replay needs a session FILE (recorded with --record)' : `replay takes one FILE (got ${p.args.length})`);
  const session = readSessionFile(p.args[0]);
  for (const w of session.warnings) process.stderr.write(`gil-top: warning: ${w}\n`);
  if (!p.values.json && process.stdout.isTTY === true && process.stdin.isTTY === true) return playBack(session);
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

/** Plays `session` back in the dashboard; on quitting, prints how far it got and whether it matched. */
async function playBack(session: SessionFile): Promise<number> {
  const controller = await showDashboard({ preset: presetOfSession(session), replay: session });
  const final = controller.close();
  const r = final.replay ?? { done: false, divergence: null, samplesChecked: 0 };
  const d = r.divergence;
  const at = `t=${(final.nowNs / 1e9).toFixed(6)} s`;
  const recordedBy = session.header.gilTop;
  const changed = recordedBy !== packageVersion() ? ` (recorded by gil-top ${recordedBy}, replayed by ${packageVersion()}: the model may have changed)` : '';
  const n = session.samples.length;
  process.stdout.write(
    d !== null
      ? `${session.file}: replay DIVERGES: ${d.message}${changed}\n`
      : r.done
        ? `${session.file}: replay matches the recording exactly: ${r.samplesChecked} samples${session.end === null ? '' : ' and the final summary'} up to ${at} simulated\n`
        : `${session.file}: playback stopped at ${at}: ${r.samplesChecked} of ${n} samples checked, all matching\n`,
  );
  return d !== null ? 1 : 0;
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
