import { InputError } from '../../config/input-error.js';
import { oneLine } from '../../config/read-input.js';
import { checkOutputPath } from '../../session/output-file.js';
import { writePerfetto, type TimeRange } from '../../session/perfetto.js';
import type { Divergence, ReplayPlayer } from '../../session/replay.js';
import { openSessionFile, type SessionFile } from '../../session/session-file.js';
import { writeSvg } from '../../session/svg-file.js';
import { WallBudget } from '../../session/wall-budget.js';
import { maxWallOption, numberOption, type Parsed } from '../options.js';

/**
 * `gil-top export FILE --perfetto OUT.json | --svg OUT.svg [--from S] [--to S]`: a recorded
 * session as a Chrome Trace Event file for Perfetto UI (ui.perfetto.dev) and chrome://tracing,
 * and/or as an SVG figure (Beazley-style strips, the charts, a legend) for a slide; --from and
 * --to bound both to a stretch of simulated time. Never overwrites OUT without --force, and
 * never anything but a regular file. Exit status 3 (with what was made so far written) when
 * --max-wall stopped the re-simulation first.
 */
export async function exportCommand(p: Parsed): Promise<number> {
  if (p.args.length !== 1) throw new InputError(p.args.length === 0 ? 'export needs a session FILE (recorded with --record)' : `export takes one FILE (got ${p.args.length})`);
  const perfetto = outputOption(p, 'perfetto');
  const svg = outputOption(p, 'svg');
  if (perfetto === undefined && svg === undefined) throw new InputError('export needs --perfetto OUT.json or --svg OUT.svg (or both)');
  const force = p.values.force === true;
  const maxWall = maxWallOption(p.values['max-wall']);
  const range = rangeOption(p);
  const session = openSessionFile(p.args[0]);
  for (const w of session.warnings) process.stderr.write(`gil-top: warning: ${oneLine(w)}\n`);
  checkRange(session, range);
  // Both outputs are checked before the (long) re-simulation, so that a refusal comes at once.
  for (const out of [perfetto, svg]) if (out !== undefined) checkOutputPath(out, force, [session.file]);
  let status = 0;
  if (perfetto !== undefined) status = Math.max(status, exportPerfetto(session, perfetto, force, maxWall, range));
  if (svg !== undefined) status = Math.max(status, exportSvg(p.args[0], svg, force, maxWall, range));
  return status;
}

function outputOption(p: Parsed, name: 'perfetto' | 'svg'): string | undefined {
  const v = p.values[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v === '') throw new InputError(`--${name} needs a file name`);
  return v;
}

/** `--from` and `--to`, simulated seconds, as a range in ns. */
function rangeOption(p: Parsed): TimeRange {
  const from = numberOption('from', p.values.from, 0, 1e6, false);
  const to = numberOption('to', p.values.to, 0, 1e6, false);
  if (from !== undefined && to !== undefined && from >= to) throw new InputError(`--from ${from} must come before --to ${to}`);
  return { fromNs: from === undefined ? undefined : Math.round(from * 1e9), toNs: to === undefined ? undefined : Math.round(to * 1e9) };
}

/** A range that starts after the recording ends says so, instead of writing an empty file. */
function checkRange(session: SessionFile, range: TimeRange): void {
  const end = (session.end ?? session.last)?.atNs ?? 0;
  if (range.fromNs !== undefined && range.fromNs >= end) throw new InputError(`--from ${range.fromNs / 1e9}: the recording ends at ${(end / 1e9).toFixed(6)} s`);
}

/** Runs an export under the --max-wall budget (its progress line on stderr). */
function underBudget<T>(maxWall: number, run: (budget: WallBudget) => T): [T, WallBudget] {
  const budget = new WallBudget(maxWall, 'export: ', process.stderr);
  try {
    return [run(budget), budget];
  } finally {
    budget.finish();
  }
}

/**
 * Says what an export found and wrote; returns its exit status: 3 when the budget stopped the
 * re-simulation before the end of the range (what was made so far is written), else 0.
 */
function report(what: string, player: ReplayPlayer, divergence: Divergence | null, toNs: number, budget: WallBudget, wrote: string): number {
  const reachedEnd = player.done || player.driver.sim.now >= toNs;
  if (divergence !== null) process.stderr.write(`gil-top: warning: the re-simulation diverges from the recording (${oneLine(divergence.message)}); ${what} what this gil-top simulates\n`);
  else if (!reachedEnd) process.stderr.write(`gil-top: warning: stopped by ${budget.reason(player.driver.sim)}; it ends there\n`);
  process.stderr.write(`gil-top: wrote ${wrote}\n`);
  return divergence === null && !reachedEnd ? 3 : 0;
}

function exportPerfetto(session: SessionFile, out: string, force: boolean, maxWall: number, range: TimeRange): number {
  const [r, budget] = underBudget(maxWall, (b) => writePerfetto(session, out, force, b, range));
  return report('the thread and core tracks show', r.player, r.divergence, range.toNs ?? Infinity, budget, `${oneLine(out)} (${r.events} events, ${(r.bytes / 1e6).toFixed(1)} MB); open it at https://ui.perfetto.dev or chrome://tracing`);
}

function exportSvg(file: string, out: string, force: boolean, maxWall: number, range: TimeRange): number {
  // A session file is read as it is replayed: each export opens it afresh.
  const session = openSessionFile(file);
  const [fig, budget] = underBudget(maxWall, (b) => writeSvg(session, out, force, range, b));
  return report('the figure shows', fig.player, fig.divergence, fig.toNs, budget, `${oneLine(out)} (${(fig.fromNs / 1e9).toFixed(6)} s to ${(fig.toNs / 1e9).toFixed(6)} s simulated, ${(fig.bytes / 1e3).toFixed(0)} kB); open it in a browser`);
}
