import { listPresets, type Preset } from '../config/load.js';
import { runHeadless } from './headless.js';
import type { RunSummary } from './summary.js';

/** How close a simulated figure must be to the published one to count as reproduced. */
export const tolerance = 0.1;

/**
 * Ratios between experiments of one published table that the simulation must also reproduce
 * (threads over sequential, two cores over one, check interval 10 over 100). Which pairs to
 * compare is part of the report, not an outcome: the figures come from the presets' runs.
 */
export const ratioChecks: readonly { name: string; numerator: string; denominator: string }[] = [
  { name: 'article: threads / sequential, 1 core', numerator: 'py2-threads-1core', denominator: 'py2-sequential' },
  { name: 'article: threads / sequential, 2 cores', numerator: 'py2-threads-2cores', denominator: 'py2-sequential-2cores' },
  { name: 'article: threads, 2 cores / 1 core', numerator: 'py2-threads-2cores', denominator: 'py2-threads-1core' },
  { name: 'article: check interval 10 / 100', numerator: 'py2-checkinterval-10', denominator: 'py2-threads-1core' },
  { name: 'article: check interval 1000 / 100', numerator: 'py2-checkinterval-1000', denominator: 'py2-threads-1core' },
  { name: 'article: Python 3.6 threads / sequential', numerator: 'py36-threads', denominator: 'py36-sequential' },
  { name: 'article: echo server, Python 3 / Python 2', numerator: 'echo-fib-py3', denominator: 'echo-fib-py2' },
  { name: 'Beazley: 2 threads / sequential, 4 cores', numerator: 'beazley-threads-2', denominator: 'beazley-sequential' },
  { name: 'Beazley: 4 threads / sequential, 4 cores', numerator: 'beazley-threads-4', denominator: 'beazley-sequential' },
  { name: 'Beazley: 2 threads / sequential, 1 core', numerator: 'beazley-1core-threads-2', denominator: 'beazley-sequential' },
  { name: 'Beazley: 4 threads / sequential, 1 core', numerator: 'beazley-1core-threads-4', denominator: 'beazley-sequential' },
  { name: 'Beazley: 2 threads, 4 cores / 1 core', numerator: 'beazley-threads-2', denominator: 'beazley-1core-threads-2' },
  { name: 'this VM: threads / sequential, 1 core', numerator: 'vm-py2-threads-1core', denominator: 'vm-py2-sequential' },
  { name: 'this VM: threads, 2 cores / 1 core', numerator: 'vm-py2-threads-2cores', denominator: 'vm-py2-threads-1core' },
  { name: 'this VM: check interval 10 / 1000, 2 cores', numerator: 'vm-py2-checkinterval-10-2cores', denominator: 'vm-py2-checkinterval-1000-2cores' },
  { name: 'this VM: Python 3.6 threads / sequential', numerator: 'vm-py36-threads-2cores', denominator: 'vm-py36-sequential' },
];

/** One experiment: published against simulated, with the mechanism figures that explain it. */
export interface FidelityRow {
  preset: string;
  title: string;
  source: string;
  published: number;
  simulated: number;
  /** simulated / published. */
  ratio: number;
  reproduced: boolean;
  /** The preset's explanation when it is a known miss. */
  note: string | null;
  mechanism: {
    checks: number;
    futexWakesPerCheck: number | null;
    spuriousWakeups: number;
    gilSwitches: number;
    forcedSwitches: number;
    /** Median time per request of the first client, seconds. */
    latencyP50: number | null;
  };
}

/** A ratio between two experiments, published against simulated. */
export interface RatioRow {
  name: string;
  published: number;
  simulated: number;
  reproduced: boolean;
}

export interface FidelityReport {
  rows: FidelityRow[];
  ratios: RatioRow[];
  /** Summaries of every run, by preset name. */
  runs: Record<string, RunSummary>;
}

/** The presets that carry a published figure. */
export function presetsWithFigure(presets: Preset[] = listPresets()): Preset[] {
  return presets.filter((p) => p.expected !== undefined);
}

/** Runs every preset that has a published figure, in this thread, and compares. */
export function fidelityReport(presets: Preset[] = listPresets()): FidelityReport {
  const withFigure = presetsWithFigure(presets);
  return compareFigures(withFigure, Object.fromEntries(withFigure.map((p) => [p.name, runHeadless(p).summary])));
}

/**
 * The report from runs made elsewhere (the parallel runner): a row for every preset with a
 * published figure that has a run in `runs`; a ratio only where both of its runs are there.
 */
export function compareFigures(presets: Preset[], runs: Record<string, RunSummary>): FidelityReport {
  const withFigure = presetsWithFigure(presets).filter((p) => runs[p.name] !== undefined);
  const rows = withFigure.map((p): FidelityRow => {
    const s = runs[p.name];
    const c = s.counters;
    const published = p.expected!.seconds;
    const ratio = s.simulatedSeconds / published;
    return {
      preset: p.name,
      title: p.title,
      source: p.source ?? '',
      published,
      simulated: s.simulatedSeconds,
      ratio,
      reproduced: Math.abs(ratio - 1) <= tolerance,
      note: p.expected!.note ?? null,
      mechanism: {
        checks: c.checks,
        futexWakesPerCheck: c.checks > 0 && s.policy === 'py2' ? c.syscalls.futex_wake / c.checks : null,
        spuriousWakeups: c.spuriousWakeups,
        gilSwitches: c.gilSwitches,
        forcedSwitches: c.forcedSwitches,
        latencyP50: s.clients[0]?.latency.p50 ?? null,
      },
    };
  });
  const byName = new Map(withFigure.map((p) => [p.name, p]));
  const ratios = ratioChecks
    .filter((r) => byName.has(r.numerator) && byName.has(r.denominator))
    .map((r): RatioRow => {
      const published = byName.get(r.numerator)!.expected!.seconds / byName.get(r.denominator)!.expected!.seconds;
      const simulated = runs[r.numerator].simulatedSeconds / runs[r.denominator].simulatedSeconds;
      return { name: r.name, published, simulated, reproduced: Math.abs(simulated / published - 1) <= tolerance };
    });
  return { rows, ratios, runs: Object.fromEntries(withFigure.map((p) => [p.name, runs[p.name]])) };
}
