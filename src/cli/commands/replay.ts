import { InputError } from '../../config/input-error.js';
import { oneLine } from '../../config/read-input.js';
import { presetOfSession, verifySession, type ReplayReport } from '../../session/replay.js';
import { openSessionFile, type SessionFile } from '../../session/session-file.js';
import { WallBudget } from '../../session/wall-budget.js';
import type { Parsed } from '../options.js';
import { maxWallOption } from '../options.js';
import { packageVersion } from '../../version.js';
import { showDashboard } from './dashboard.js';
import { formatSummary } from './run.js';

/**
 * `gil-top replay FILE`: re-simulates a recorded session from its configuration, seed and
 * actions and checks every recorded action, sample and the end line. Exit status 0 only if it
 * matches all of them, 1 if it diverges or does not verify (a file cut short or changed after
 * it was recorded), 3 if --max-wall stopped it first, 2 for a file that is not a readable
 * session. On a terminal it plays the session back in the dashboard (read-only) and checks it as
 * it goes; --json, or output that is not a terminal, checks it headless.
 */
export async function replayCommand(p: Parsed): Promise<number> {
  if (p.args.length !== 1) throw new InputError(p.args.length === 0 ? 'replay needs a session FILE (recorded with --record)' : `replay takes one FILE (got ${p.args.length})`);
  const maxWall = maxWallOption(p.values['max-wall']);
  const session = openSessionFile(p.args[0]);
  for (const w of session.warnings) process.stderr.write(`gil-top: warning: ${oneLine(w)}\n`);
  if (!p.values.json && process.stdout.isTTY === true && process.stdin.isTTY === true) return playBack(session);
  const budget = new WallBudget(maxWall, 'replay: ', process.stderr);
  let report: ReplayReport;
  try {
    report = verifySession(session, budget);
  } finally {
    budget.finish();
  }
  const recordedBy = session.header.gilTop;
  if (report.divergence !== null && recordedBy !== packageVersion()) {
    const note = ` (recorded by gil-top ${recordedBy}, replayed by ${packageVersion()}: the model may have changed)`;
    report.divergence.message += note;
    report.message += note;
  }
  process.stdout.write(p.values.json ? JSON.stringify(report, null, 2) + '\n' : formatReplay(report, session.header.createdAt, recordedBy));
  if (report.matches) return 0;
  if (p.values.json) process.stderr.write(`gil-top: ${oneLine(report.message)}\n`);
  return report.finished ? 1 : 3;
}

/** Plays `session` back in the dashboard; on quitting, prints how far it got and whether it matched. */
async function playBack(session: SessionFile): Promise<number> {
  const controller = await showDashboard({ preset: presetOfSession(session), replay: session });
  const final = controller.close();
  const r = final.replay;
  const recordedBy = session.header.gilTop;
  const changed = r?.divergence != null && recordedBy !== packageVersion() ? ` (recorded by gil-top ${recordedBy}, replayed by ${packageVersion()}: the model may have changed)` : '';
  process.stdout.write(`${oneLine(`${session.file}: ${r?.message ?? 'playback stopped before it began'}${changed}`)}\n`);
  return r === null || r.verdict === 'matches' || (!r.done && r.divergence === null) ? 0 : 1;
}

/** The text form of a replay check. */
export function formatReplay(r: ReplayReport, createdAt: string, recordedBy: string): string {
  const head = `${r.file}: recorded ${createdAt} by gil-top ${recordedBy}, ${r.endReason === null ? 'cut short' : `ended: ${r.endReason}`}; ${r.actions} action${r.actions === 1 ? '' : 's'}, ${r.samples} samples`;
  const verdict = `${r.message}${r.finished ? '' : ` (stopped by ${r.stoppedBy})`}, in ${r.wallSeconds.toFixed(3)} s of wall time`;
  return `${head}\n${verdict}\n\n${formatSummary(r.summary)}`;
}
