import type { RunJob } from './parallel-job.js';
import { runParallel, type ParallelOptions, type ParallelOutcome, type Progress } from './parallel.js';

/** A stream the progress line is written to (process.stderr, or a fake in tests). */
export interface ProgressStream {
  isTTY?: boolean;
  write(s: string): unknown;
}

/** The progress line: `label [#####.....] 12/24 runs, 0:07 elapsed, about 0:06 left`. */
export function progressLine(label: string, p: Pick<Progress, 'done' | 'total'>, elapsedMs: number, width = 20): string {
  const filled = p.total === 0 ? width : Math.round((p.done / p.total) * width);
  const left = p.done === 0 ? '' : `, about ${clock((elapsedMs / p.done) * (p.total - p.done))} left`;
  return `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.done}/${p.total} runs, ${clock(elapsedMs)} elapsed${p.done < p.total ? left : ''}`;
}

const clock = (ms: number) => {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

/**
 * Shows a parallel run's progress on one line of a terminal (stderr by default), redrawn in
 * place at most every `everyMs`; does nothing when the stream is not a terminal, so that
 * redirected output stays clean. `end()` clears the line.
 */
export class ProgressReporter {
  private readonly start: number;
  private last = -Infinity;
  private shown = false;

  constructor(
    readonly label: string,
    readonly total: number,
    private readonly stream: ProgressStream = process.stderr,
    private readonly clockMs: () => number = () => performance.now(),
    private readonly everyMs = 100,
  ) {
    this.start = clockMs();
    this.update({ done: 0, total });
  }

  /** Redraws the line (an `onProgress` callback of `runParallel`). */
  update = (p: Pick<Progress, 'done' | 'total'>): void => {
    if (this.stream.isTTY !== true) return;
    const now = this.clockMs();
    if (p.done < p.total && now - this.last < this.everyMs) return;
    this.last = now;
    this.shown = true;
    this.stream.write(`\r\x1b[K${progressLine(this.label, p, now - this.start)}`);
  };

  /** Clears the line. */
  end(): void {
    if (this.shown) this.stream.write('\r\x1b[K');
    this.shown = false;
  }
}

/**
 * Runs `fn` with a signal that Ctrl+C (SIGINT) aborts, so that a long parallel run stops and
 * returns what it has; a second Ctrl+C exits at once with status 130. The handler is removed
 * when `fn` settles.
 */
export async function withInterrupt<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  const onSigint = () => {
    if (ac.signal.aborted) process.exit(130);
    ac.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    return await fn(ac.signal);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/**
 * The command line's way to run jobs: on every core, with a progress line on a terminal's
 * stderr, stopped by Ctrl+C (then `interrupted` is set and the results hold the jobs done).
 */
export function runJobsWithProgress(label: string, jobs: readonly RunJob[], opts: Omit<ParallelOptions, 'signal' | 'onProgress'> = {}): Promise<ParallelOutcome> {
  const progress = new ProgressReporter(label, jobs.length);
  return withInterrupt((signal) => runParallel(jobs, { ...opts, signal, onProgress: progress.update })).finally(() => progress.end());
}
