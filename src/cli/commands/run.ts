import { loadPreset } from '../../config/load.js';
import { InputError } from '../../config/input-error.js';
import { recordHeadless } from '../../session/recorder.js';
import { headlessLimitNs, runHeadless } from '../../session/headless.js';
import type { RunSummary } from '../../session/summary.js';
import { starvingLine, WallBudget } from '../../session/wall-budget.js';
import { maxWallOption, overridesFrom, type Parsed } from '../options.js';

/**
 * `gil-top run`: a preset to completion, headless; a summary as text or JSON. Exit status 0, or 3
 * when the wall-clock budget (`--max-wall`) stopped it first (the summary says so).
 */
export async function runCommand(p: Parsed): Promise<number> {
  if (p.args.length > 0) throw new InputError(`run takes no file argument (got "${p.args[0]}"); use --preset`);
  if (typeof p.values.preset !== 'string') throw new InputError('run needs --preset NAME or --preset FILE (see gil-top presets)');
  const maxWall = maxWallOption(p.values['max-wall']);
  const overrides = overridesFrom(p.values);
  const preset = loadPreset(p.values.preset);
  const budget = new WallBudget(maxWall, `${preset.name}: `, process.stderr);
  let summary: RunSummary;
  try {
    summary =
      typeof p.values.record === 'string'
        ? (await recordHeadless(preset, overrides, p.values.record, { force: p.values.force === true, inputs: [preset.file], budget })).summary
        : runHeadless(preset, overrides, budget).summary;
  } finally {
    budget.finish();
  }
  process.stdout.write(p.values.json ? JSON.stringify(summary, null, 2) + '\n' : formatSummary(summary));
  return stoppedByWall(summary) ? 3 : 0;
}

/** Whether a run stopped at the wall-clock budget (not at its end or the simulated hour). */
export function stoppedByWall(s: RunSummary): boolean {
  return !s.finished && s.stoppedBy !== undefined && s.stoppedBy.includes('--max-wall');
}

const n = (x: number) => x.toLocaleString('en-US');
const ms = (s: number | null) => (s === null ? '-' : `${(s * 1e3).toFixed(3)} ms`);

/** Why a run that did not finish stopped, in a line or two. */
function stopLines(s: RunSummary): string[] {
  if (s.finished) return [];
  const lines = [
    stoppedByWall(s)
      ? `stopped by ${s.stoppedBy} before its end (raise --max-wall to go on)`
      : s.deadlock === true
        ? `stopped by ${s.stoppedBy}`
        : `stopped at the ${headlessLimitNs / 1e9} s limit: a thread or client never finishes (mark endless threads "daemon": true)`,
  ];
  if (s.starving !== undefined && s.starving.length > 0) lines.push(`starving: ${starvingLine(s.starving)}`);
  return lines;
}

/** The human-readable summary. */
export function formatSummary(s: RunSummary): string {
  const c = s.counters;
  const lines = [
    `${s.preset}: ${s.policy}, ${s.cores} core${s.cores > 1 ? 's' : ''}, check interval ${s.checkInterval}, switch interval ${s.switchInterval * 1e3} ms, seed ${s.seed}, profile ${s.profile}`,
    `simulated ${s.simulatedSeconds.toFixed(3)} s in ${s.wallSeconds.toFixed(3)} s of wall time (${n(s.events)} events)`,
    ...stopLines(s),
    '',
    `GIL      acquisitions ${n(c.gilAcquisitions)}  switches ${n(c.gilSwitches)}  drop requests ${n(c.dropRequests)}  forced switches ${n(c.forcedSwitches)}  ticks ${n(c.ticks)}  checks ${n(c.checks)}`,
    `OS       wake-ups ${n(c.wakeups)}  in vain ${n(c.spuriousWakeups)}  context switches ${n(c.contextSwitches.voluntary)} voluntary, ${n(c.contextSwitches.involuntary)} involuntary`,
    `syscalls ${Object.entries(c.syscalls)
      .filter(([, v]) => v > 0)
      .map(([k, v]) => `${k} ${n(v)}`)
      .join('  ') || 'none'}`,
    '',
    'thread            cpu s   gil held s  gil wait s  runnable s  finished',
    ...s.threads.map(
      (t) =>
        `${t.name.padEnd(16)}${t.cpuSeconds.toFixed(3).padStart(7)}${t.gilHeldSeconds.toFixed(3).padStart(13)}${t.gilWaitSeconds.toFixed(3).padStart(12)}${t.runnableSeconds.toFixed(3).padStart(12)}  ${t.finishedAtSeconds === null ? (t.daemon ? 'daemon, still running' : '-') : `${t.finishedAtSeconds.toFixed(3)} s`}`,
    ),
  ];
  for (const cl of s.clients)
    lines.push('', `client ${cl.name}: ${n(cl.requests)} requests in ${cl.seconds.toFixed(3)} s; latency p50 ${ms(cl.latency.p50)}, p99 ${ms(cl.latency.p99)}, max ${ms(cl.latency.max)}`);
  return lines.join('\n') + '\n';
}
