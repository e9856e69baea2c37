import type { Overrides, Preset } from '../config/load.js';
import type { OpSpec, PolicyName } from '../model/index.js';
import type { JobResult, RunJob, StopReason } from './parallel-job.js';
import type { ParallelOptions, ParallelOutcome } from './parallel.js';

/** One policy's run of a comparison: the figures `gil-top compare` prints. */
export interface CompareRow {
  policy: PolicyName;
  /** Whether every non-daemon thread and client finished (else it stopped at `stopped`). */
  finished: boolean;
  stopped: StopReason;
  /** Simulated seconds until the run finished (or stopped). */
  completionSeconds: number;
  /** The first client's request latency, seconds (null without a client or a request). */
  latency: { p50: number; p99: number; max: number } | null;
  /**
   * Python work the CPU-bound threads (those that run a loop) got per simulated second: the
   * time they held the GIL, or their CPU time where they never took one (no GIL, or a
   * sequential program). Null when the preset has no such thread.
   */
  cpuThreadProgress: number | null;
  wakeups: number;
  spuriousWakeups: number;
  /** Every system call the model counts. */
  syscalls: number;
  gilSwitches: number;
}

/** The jobs of a comparison: the same preset, overrides and seed under each policy. */
export function compareJobs(preset: Preset, policies: readonly PolicyName[], overrides: Overrides = {}, latencySeries = false): RunJob[] {
  return policies.map((policy) => ({ preset, overrides: { ...overrides, policy }, ...(latencySeries ? { latencySeries } : {}) }));
}

/** Names of the preset's CPU-bound threads: Python threads whose program runs a loop. */
export function cpuThreadNames(preset: Preset): string[] {
  const loops = (ops: OpSpec[]): boolean => ops.some((op) => op.op === 'loop' || ((op.op === 'repeat' || op.op === 'request') && loops(op.body)));
  return preset.threads.filter((t) => loops(t.program)).map((t) => t.name);
}

/** A comparison row from one policy's run. */
export function compareRow(preset: Preset, r: JobResult): CompareRow {
  const s = r.summary;
  const c = s.counters;
  const cpuNames = new Set(cpuThreadNames(preset));
  const cpuThreads = s.threads.filter((t) => cpuNames.has(t.name));
  const work = cpuThreads.reduce((sum, t) => sum + (t.gilAcquisitions > 0 ? t.gilHeldSeconds : t.cpuSeconds), 0);
  const l = s.clients[0]?.latency;
  return {
    policy: s.policy,
    finished: s.finished,
    stopped: r.stopped,
    completionSeconds: s.simulatedSeconds,
    latency: l === undefined || l.p50 === null || l.p99 === null || l.max === null ? null : { p50: l.p50, p99: l.p99, max: l.max },
    cpuThreadProgress: cpuThreads.length === 0 || s.simulatedSeconds === 0 ? null : work / s.simulatedSeconds,
    wakeups: c.wakeups,
    spuriousWakeups: c.spuriousWakeups,
    syscalls: Object.values(c.syscalls).reduce((a, b) => a + b, 0),
    gilSwitches: c.gilSwitches,
  };
}

/** Where a comparison in the background stands. */
export type CompareState = 'running' | 'done' | 'failed' | 'stopped';

/** A run of a comparison may take this many events at most (a starving policy is cut off, not waited for). */
export const backgroundEventBudget = 2e7;

/**
 * A comparison run in the background (the dashboard's compare view): the preset with the given
 * overrides under each policy, on worker threads, with each run's latency series. The screen
 * reads its state at every frame; `onChange` says when a run finished.
 */
export class BackgroundCompare {
  state: CompareState = 'running';
  done = 0;
  results: (JobResult | undefined)[];
  error: string | null = null;
  private readonly abort = new AbortController();

  /** @param run how to run the jobs (the parallel runner; tests may pass another) */
  constructor(
    readonly preset: Preset,
    readonly policies: readonly PolicyName[],
    readonly overrides: Overrides,
    onChange: () => void,
    run: (jobs: RunJob[], opts: ParallelOptions) => Promise<ParallelOutcome>,
  ) {
    const jobs = compareJobs(preset, policies, overrides, true).map((j) => ({ ...j, maxEvents: backgroundEventBudget }));
    this.results = new Array(jobs.length).fill(undefined);
    run(jobs, {
      signal: this.abort.signal,
      onProgress: (p) => {
        this.done = p.done;
        this.results[p.index] = p.result;
        onChange();
      },
    }).then(
      (o) => {
        this.state = o.interrupted ? 'stopped' : 'done';
        onChange();
      },
      (e: unknown) => {
        this.state = 'failed';
        this.error = e instanceof Error ? e.message.split('\n')[0] : String(e);
        onChange();
      },
    );
  }

  /** Whether it compares this preset with these overrides. */
  matches(preset: Preset, overrides: Overrides): boolean {
    return preset === this.preset && JSON.stringify(overrides) === JSON.stringify(this.overrides);
  }

  /** Stops the runs still going. */
  stop(): void {
    this.abort.abort();
  }
}
