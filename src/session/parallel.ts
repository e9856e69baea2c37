import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { moduleWorker } from './module-worker.js';
import type { JobResult, RunJob } from './parallel-job.js';
import type { JobMessage, ResultMessage } from './parallel-worker.js';

/** How far a parallel run has come, after each finished job. */
export interface Progress {
  done: number;
  total: number;
  /** Jobs being run right now. */
  running: number;
  /** Index of the job that just finished, and its result. */
  index: number;
  result: JobResult;
}

/** How to run a list of jobs. */
export interface ParallelOptions {
  /** Worker threads (default: `GIL_TOP_WORKERS` or every CPU core; never more than jobs). */
  concurrency?: number;
  /** Aborting stops every worker at once; the promise then resolves with the jobs done so far. */
  signal?: AbortSignal;
  /** Called after each finished job. */
  onProgress?: (p: Progress) => void;
}

/** The results in the order of the jobs (undefined for a job an interruption cut off). */
export interface ParallelOutcome {
  results: (JobResult | undefined)[];
  interrupted: boolean;
}

/** Worker threads to use by default: `GIL_TOP_WORKERS` if set, else every core. */
export function defaultConcurrency(): number {
  const env = Number(process.env.GIL_TOP_WORKERS);
  return Number.isInteger(env) && env > 0 ? env : availableParallelism();
}

/**
 * Runs headless jobs on worker threads, one job per worker at a time, and returns their results
 * in input order. The model is pure, so a job's summary does not depend on which thread ran it
 * or on what ran beside it (only `wallSeconds` and `cpuSeconds` do). A job that throws rejects
 * the whole run, naming the job.
 */
export function runParallel(jobs: readonly RunJob[], opts: ParallelOptions = {}): Promise<ParallelOutcome> {
  const results: (JobResult | undefined)[] = new Array(jobs.length).fill(undefined);
  if (jobs.length === 0) return Promise.resolve({ results, interrupted: false });
  if (opts.signal?.aborted) return Promise.resolve({ results, interrupted: true });
  const size = Math.max(1, Math.min(jobs.length, opts.concurrency ?? defaultConcurrency()));
  return new Promise((resolve, reject) => {
    const workers: Worker[] = [];
    let next = 0;
    let done = 0;
    let running = 0;
    let settled = false;
    const finish = (interrupted: boolean, error?: Error) => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      void Promise.all(workers.map((w) => w.terminate())).then(() => (error === undefined ? resolve({ results, interrupted }) : reject(error)));
    };
    const onAbort = () => finish(true);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const feed = (w: Worker) => {
      if (next >= jobs.length) return;
      const index = next++;
      running++;
      w.postMessage({ index, job: jobs[index] } satisfies JobMessage);
    };
    for (let i = 0; i < size; i++) {
      const w = moduleWorker(import.meta.url, 'parallel-worker');
      workers.push(w);
      w.on('message', (m: ResultMessage) => {
        if (settled) return;
        running--;
        if ('error' in m) return finish(false, new Error(`job ${m.index} (${describeJob(jobs[m.index])}) failed: ${m.error}`));
        results[m.index] = m.result;
        done++;
        opts.onProgress?.({ done, total: jobs.length, running, index: m.index, result: m.result });
        if (done === jobs.length) finish(false);
        else feed(w);
      });
      w.on('error', (e) => finish(false, e));
      w.on('exit', (code) => {
        if (!settled) finish(false, new Error(`a worker thread exited (code ${code}) with jobs left`));
      });
      feed(w);
    }
  });
}

/** A job in a few words, for error messages. */
export function describeJob(job: RunJob): string {
  const o = Object.entries(job.overrides ?? {}).filter(([, v]) => v !== undefined);
  return [job.preset.name, ...o.map(([k, v]) => `${k}=${String(v)}`), ...(job.profile === undefined ? [] : [`profile ${job.profile.name}`])].join(' ');
}

