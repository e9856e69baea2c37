import { describe, expect, it } from 'vitest';
import { loadPreset } from '../../src/config/load.js';
import { runHeadless } from '../../src/session/headless.js';
import { runJob, type JobResult, type RunJob } from '../../src/session/parallel-job.js';
import { ProgressReporter, progressLine } from '../../src/session/parallel-progress.js';
import { runParallel } from '../../src/session/parallel.js';

/** A result without what depends on the machine's load (wall and CPU time). */
const comparable = (r: JobResult | undefined) => (r === undefined ? undefined : { ...r, cpuSeconds: 0, summary: { ...r.summary, wallSeconds: 0 } });

const echo = loadPreset('echo-fib-py3');
const battle = loadPreset('py2-threads-1core');
const jobs: RunJob[] = [
  { preset: echo },
  { preset: battle },
  { preset: echo, overrides: { policy: 'py2', seed: '7' } },
  { preset: loadPreset('beazley-1core-threads-4') },
  { preset: battle, overrides: { cores: 2, checkInterval: 1000 } },
  { preset: echo, profile: { ...echo.machine, name: 'slow-send', syscalls: { ...echo.machine.syscalls, sendNs: 40_000 } } },
  { preset: echo, overrides: { policy: 'free-threaded' }, latencySeries: true },
];

describe('the parallel runner', () => {
  it('returns, in input order, exactly what running the jobs one by one in this thread gives', async () => {
    const serial = jobs.map(runJob);
    const progress: number[] = [];
    const { results, interrupted } = await runParallel(jobs, { concurrency: 3, onProgress: (p) => progress.push(p.done) });
    expect(interrupted).toBe(false);
    expect(results.map(comparable)).toEqual(serial.map(comparable));
    expect(progress).toEqual([1, 2, 3, 4, 5, 6, 7]);
    // The replaced profile is used: a slower send makes every request slower.
    expect(results[5]!.summary.clients[0].latency.p50!).toBeGreaterThan(results[0]!.summary.clients[0].latency.p50! + 20e-6);
    expect(results[5]!.summary.profile).toBe('slow-send');
  });

  it('gives the summary runHeadless gives, and measures CPU time on Linux', () => {
    const r = runJob({ preset: battle });
    expect({ ...r.summary, wallSeconds: 0 }).toEqual({ ...runHeadless(battle).summary, wallSeconds: 0 });
    expect(r.stopped).toBe('finished');
    // CPU time comes in scheduler ticks (10 ms on most kernels): time a run repeated for 100 ms.
    if (process.platform === 'linux') expect(runJob({ preset: battle, repeatForMs: 100 }).cpuSeconds).toBeGreaterThan(0);
  });

  it('records a latency series without changing the run', () => {
    const plain = runJob({ preset: echo });
    const withSeries = runJob({ preset: echo, latencySeries: true });
    expect(comparable({ ...withSeries, latency: undefined })).toEqual(comparable({ ...plain, latency: undefined }));
    const s = withSeries.latency!;
    expect(s.requests[s.requests.length - 1]).toBe(1000);
    expect(s.requests.length).toBeGreaterThan(900);
    expect(s.requests.every((r, i) => i === 0 || r > s.requests[i - 1])).toBe(true);
    expect(Math.max(...s.latencyNs) / 1e9).toBe(plain.summary.clients[0].latency.max);
  });

  it('stops a run at its event budget and says so', () => {
    const r = runJob({ preset: echo, maxEvents: 1000 });
    expect(r.stopped).toBe('event-budget');
    expect(r.summary.events).toBe(1000);
    expect(r.summary.finished).toBe(false);
    // Nobody watched for starving threads in a job: its summary does not claim there are none.
    expect(r.summary.starving).toBeUndefined();
    expect(r.summary.stoppedBy).toBeUndefined();
  });

  it('stops on abort and returns the jobs done so far', async () => {
    const ac = new AbortController();
    const many = Array.from({ length: 6 }, () => ({ preset: echo }));
    const { results, interrupted } = await runParallel(many, { concurrency: 1, signal: ac.signal, onProgress: () => ac.abort() });
    expect(interrupted).toBe(true);
    expect(results[0]).toBeDefined();
    expect(results.filter((r) => r === undefined).length).toBeGreaterThanOrEqual(4);
  });

  it('rejects, naming the job, when a job throws', async () => {
    const broken = { ...battle, name: 'broken', threads: [{ name: 'x', program: [{ op: 'recv' as const, socket: 'nowhere' }] }] };
    await expect(runParallel([{ preset: battle }, { preset: broken, overrides: { cores: 3 } }], { concurrency: 2 })).rejects.toThrow(/job 1 \(broken cores=3\) failed: /);
  });
});

describe('progress', () => {
  it('draws a bar with the runs done and the time left', () => {
    expect(progressLine('sweep', { done: 3, total: 12 }, 6000, 12)).toBe('sweep [###.........] 3/12 runs, 0:06 elapsed, about 0:18 left');
    expect(progressLine('sweep', { done: 12, total: 12 }, 61_000, 4)).toBe('sweep [####] 12/12 runs, 1:01 elapsed');
  });

  it('writes to a terminal only, redrawing in place, and clears its line at the end', () => {
    let t = 0;
    const out: string[] = [];
    const r = new ProgressReporter('compare', 2, { isTTY: true, write: (s) => out.push(s) }, () => t);
    t = 50;
    r.update({ done: 1, total: 2 }); // within 100 ms of the last draw: skipped
    t = 500;
    r.update({ done: 2, total: 2 });
    r.end();
    expect(out).toEqual(['\r\x1b[Kcompare [....................] 0/2 runs, 0:00 elapsed', '\r\x1b[Kcompare [####################] 2/2 runs, 0:01 elapsed', '\r\x1b[K']);
    const silent: string[] = [];
    const s = new ProgressReporter('x', 1, { isTTY: false, write: (x) => silent.push(x) });
    s.update({ done: 1, total: 1 });
    s.end();
    expect(silent).toEqual([]);
  });
});
