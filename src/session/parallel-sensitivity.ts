import type { Preset } from '../config/load.js';
import type { MachineProfile, OpSpec } from '../model/index.js';
import type { JobResult, RunJob } from './parallel-job.js';
import type { ParallelOutcome } from './parallel.js';

/** How far each profile value is moved, up and down (0.2: to 80% and to 120%). */
export const variation = 0.2;
/** A figure that one value moves by more than this (relative) is fragile. */
export const fragileAbove = 0.25;
/** A move smaller than this is not listed as a sensitivity. */
export const noticeAbove = 0.05;
/** A varied run may take this many times the events of the preset's own run before it is stopped. */
export const eventBudgetFactor = 10;

/** A number in a machine profile, by its path (`syscalls.futexWakeNs`). */
export interface ProfileValue {
  path: string;
  value: number;
}

/**
 * Every number of a profile, by path: a walk over the profile, so that a value added to the
 * profile is varied with no change here. Zero values are left out (20% of nothing is nothing).
 */
export function profileValues(profile: MachineProfile): ProfileValue[] {
  const out: ProfileValue[] = [];
  const walk = (o: unknown, path: string) => {
    if (typeof o === 'number') {
      if (o !== 0) out.push({ path, value: o });
    } else if (o !== null && typeof o === 'object') for (const [k, v] of Object.entries(o)) walk(v, path === '' ? k : `${path}.${k}`);
  };
  walk(profile, '');
  return out;
}

/** A copy of `profile` with the value at `path` multiplied by `factor` (kept whole if it was). */
export function withValue(profile: MachineProfile, path: string, factor: number): MachineProfile {
  const copy = structuredClone(profile);
  const keys = path.split('.');
  let o = copy as unknown as Record<string, unknown>;
  for (const k of keys.slice(0, -1)) o = o[k] as Record<string, unknown>;
  const last = keys[keys.length - 1];
  const v = o[last] as number;
  o[last] = Number.isInteger(v) ? Math.round(v * factor) : v * factor;
  return copy;
}

/** The values a preset's run can read: per-iteration costs only of the loop kinds it runs. */
export function valuesFor(preset: Preset): ProfileValue[] {
  const kinds = new Set<string>();
  const walk = (ops: OpSpec[]) => ops.forEach((op) => (op.op === 'loop' ? kinds.add(op.kind) : op.op === 'repeat' || op.op === 'request' ? walk(op.body) : undefined));
  preset.threads.forEach((t) => walk(t.program));
  return profileValues(preset.machine).filter((v) => {
    const m = /^interpreter\.nsPerIteration\.([^.]+)\./.exec(v.path);
    return m === null || kinds.has(m[1]);
  });
}

/** One varied run of a preset. */
export interface Variation {
  path: string;
  /** The factor applied (0.8 or 1.2). */
  factor: number;
  /** The figure under it, simulated seconds (where it stopped, if it did not finish). */
  seconds: number;
  /** figure / the preset's own figure - 1. */
  change: number;
  /** Why the run ended: a run that hit the time cap or its event budget never finished. */
  stopped: JobResult['stopped'];
}

/** A preset's figure and how one profile value at a time moves it. */
export interface SensitivityRow {
  preset: string;
  profile: string;
  /** The figure with the profile as shipped, simulated seconds. */
  seconds: number;
  /** Every variation run, in profile order (-20% then +20%). */
  variations: Variation[];
  /** The values that move the figure by more than `noticeAbove`, largest move first. */
  sensitiveTo: { path: string; down: number | null; up: number | null }[];
  /** One value moves the figure by more than `fragileAbove` (or stops it finishing). */
  fragile: boolean;
  /** Variations under which the run did not finish (starving at the cap, or stopped at the event budget). */
  stalled: Variation[];
  /** Variations missing because the run was interrupted. */
  missing: number;
}

/** The whole report. */
export interface SensitivityReport {
  variation: number;
  fragileAbove: number;
  rows: SensitivityRow[];
  interrupted: boolean;
}

/** Runs a list of jobs (the parallel runner, with or without progress). */
export type JobRunner = (label: string, jobs: RunJob[]) => Promise<ParallelOutcome>;

/**
 * Varies each profile value a preset can read by -20% and +20%, one at a time, and measures
 * how its figure moves. First the presets' own runs (they set each varied run's event budget
 * and the order: the longest presets go first, so that the cores stay busy to the end), then
 * every variation.
 */
export async function sensitivityReport(presets: Preset[], run: JobRunner, budget = { factor: eventBudgetFactor, minEvents: 1e6 }): Promise<SensitivityReport> {
  const base = await run('sensitivity: presets', presets.map((preset) => ({ preset })));
  const empty = (interrupted: boolean): SensitivityReport => ({ variation, fragileAbove, rows: [], interrupted });
  if (base.interrupted) return empty(true);
  const plan = presets.flatMap((preset, i) =>
    valuesFor(preset).flatMap((v) => [1 - variation, 1 + variation].map((factor) => ({ i, path: v.path, factor, cost: base.results[i]!.summary.events }))),
  );
  plan.sort((a, b) => b.cost - a.cost);
  const varied = await run(
    'sensitivity: varied profiles',
    plan.map((p) => ({ preset: presets[p.i], profile: withValue(presets[p.i].machine, p.path, p.factor), maxEvents: Math.max(budget.minEvents, Math.ceil(base.results[p.i]!.summary.events * budget.factor)) })),
  );
  const rows = presets.map((preset, i): SensitivityRow => {
    const own = base.results[i]!.summary.simulatedSeconds;
    const mine = plan.map((p, k) => ({ p, r: varied.results[k] })).filter((x) => x.p.i === i);
    const variations = mine
      .filter((x) => x.r !== undefined)
      .map(({ p, r }): Variation => ({ path: p.path, factor: p.factor, seconds: r!.summary.simulatedSeconds, change: r!.summary.simulatedSeconds / own - 1, stopped: r!.stopped }));
    const order = valuesFor(preset).map((v) => v.path);
    variations.sort((a, b) => order.indexOf(a.path) - order.indexOf(b.path) || a.factor - b.factor);
    const stalled = variations.filter((v) => v.stopped !== 'finished');
    const byPath = new Map<string, { down: number | null; up: number | null }>();
    for (const v of variations) {
      const e = byPath.get(v.path) ?? { down: null, up: null };
      e[v.factor < 1 ? 'down' : 'up'] = v.change;
      byPath.set(v.path, e);
    }
    const worst = (e: { down: number | null; up: number | null }) => Math.max(Math.abs(e.down ?? 0), Math.abs(e.up ?? 0));
    const sensitiveTo = [...byPath]
      .filter(([, e]) => worst(e) > noticeAbove)
      .sort((a, b) => worst(b[1]) - worst(a[1]))
      .map(([path, e]) => ({ path, ...e }));
    return {
      preset: preset.name,
      profile: preset.machine.name,
      seconds: own,
      variations,
      sensitiveTo,
      fragile: stalled.length > 0 || sensitiveTo.some((s) => worst(s) > fragileAbove),
      stalled,
      missing: mine.length - variations.length,
    };
  });
  return { variation, fragileAbove, rows, interrupted: varied.interrupted };
}
