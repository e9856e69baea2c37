import { readFileSync } from 'node:fs';
import type { Overrides, Preset } from '../config/load.js';
import { configFor } from '../config/load.js';
import { Simulation, type MachineProfile } from '../model/index.js';
import { headlessLimitNs, withStop } from './headless.js';
import { summarize, type RunSummary } from './summary.js';

/**
 * One headless run for the parallel runner: plain data, so that it crosses to a worker thread
 * by structured clone. The same job gives the same summary in any thread (the model is pure).
 */
export interface RunJob {
  preset: Preset;
  overrides?: Overrides;
  /** A machine profile that replaces the preset's (the sensitivity report varies it). */
  profile?: MachineProfile;
  /** Give up after this many events (a run that would take far longer than expected). */
  maxEvents?: number;
  /** Record the first client's request latencies as the run goes (for the compare chart). */
  latencySeries?: boolean;
  /**
   * Run it again until this much wall time has passed, and report the mean wall and CPU time
   * per run (the bench: one short run is below what the clocks resolve).
   */
  repeatForMs?: number;
}

/** Why a run stopped. */
export type StopReason = 'finished' | 'deadlock' | 'time-limit' | 'event-budget';

/** Latencies of the first client as requests completed: `latencyNs[i]` is the latest one once `requests[i]` were done. */
export interface LatencySeries {
  requests: number[];
  latencyNs: number[];
}

/** What a job returns. */
export interface JobResult {
  summary: RunSummary;
  stopped: StopReason;
  /** CPU time of the thread that ran the simulation, seconds (null where the OS does not say). */
  cpuSeconds: number | null;
  latency?: LatencySeries;
}

/** Simulated time between looks at the client while recording a latency series, bounds, ns. */
const minPeriodNs = 10_000;
const maxPeriodNs = 100e6;
/** At most this many latency points per run (each look costs a snapshot). */
const maxPoints = 20_000;

/**
 * Runs one job in this thread. With `repeatForMs` it runs it again until that much wall time has
 * passed, and reports the wall and CPU time of the whole loop (set-up and summaries included)
 * divided by the number of runs: one short run is below what the thread's CPU clock resolves.
 */
export function runJob(job: RunJob): JobResult {
  const [wall0, cpu0] = [performance.now(), threadCpuNs()];
  const first = runOnce(job);
  if (job.repeatForMs === undefined || first.cpuSeconds === null) return first;
  let n = 1;
  while (performance.now() - wall0 < job.repeatForMs) {
    runOnce(job);
    n++;
  }
  const [wall, cpu] = [(performance.now() - wall0) / 1000, (threadCpuNs() - cpu0) / 1e9];
  return { ...first, summary: { ...first.summary, wallSeconds: wall / n }, cpuSeconds: cpu / n };
}

function runOnce(job: RunJob): JobResult {
  const preset = job.profile === undefined ? job.preset : { ...job.preset, machine: job.profile };
  const sim = new Simulation(configFor(preset, job.overrides ?? {}));
  const cpu0 = threadCpuNs();
  const start = performance.now();
  const latency = job.latencySeries ? runRecordingLatency(sim, job.maxEvents ?? Infinity) : (sim.runUntil(headlessLimitNs, job.maxEvents ?? Infinity), undefined);
  const wallSeconds = (performance.now() - start) / 1000;
  const cpu1 = threadCpuNs();
  const stopped: StopReason = sim.finished ? 'finished' : sim.deadlocked ? 'deadlock' : sim.now >= headlessLimitNs || sim.nextEventTime() > headlessLimitNs ? 'time-limit' : 'event-budget';
  const summary = summarize(preset, sim, wallSeconds);
  return {
    // A deadlocked run's summary says where it stopped moving and why; any other keeps its own
    // (withStop would call a run the job's event budget ended 'stopped', with nobody starving,
    // though nobody looked).
    summary: stopped === 'deadlock' ? withStop(summary, sim) : summary,
    stopped,
    cpuSeconds: Number.isNaN(cpu0) || Number.isNaN(cpu1) ? null : (cpu1 - cpu0) / 1e9,
    ...(latency === undefined ? {} : { latency }),
  };
}

/**
 * Runs to the end, looking at the first client between slices: the period adapts so that a look
 * sees about one new request (a slice boundary never changes the run, only where we look).
 */
function runRecordingLatency(sim: Simulation, maxEvents: number): LatencySeries {
  const out: LatencySeries = { requests: [], latencyNs: [] };
  let period = 1e6;
  let seen = 0;
  let events = 0;
  while (!sim.over && sim.now < headlessLimitNs && events < maxEvents) {
    const before = sim.now;
    events += sim.runUntil(Math.min(headlessLimitNs, sim.now + period), maxEvents - events);
    if (sim.now === before && sim.nextEventTime() > headlessLimitNs) break;
    const c = sim.snapshot().clients[0];
    if (c === undefined) {
      sim.runUntil(headlessLimitNs, maxEvents - events);
      break;
    }
    const fresh = c.requests - seen;
    if (fresh > 0 && c.lastNs !== null) {
      seen = c.requests;
      out.requests.push(c.requests);
      out.latencyNs.push(c.lastNs);
    }
    period = Math.min(maxPeriodNs, Math.max(minPeriodNs, fresh > 1 ? period / (2 * fresh) : fresh === 0 ? period * 1.25 : period));
    if (out.requests.length >= maxPoints) period = maxPeriodNs;
  }
  return out;
}

/**
 * CPU time this thread has used, ns: `process.threadCpuUsage` where Node has it (23.9 and
 * later), else Linux's per-thread scheduler statistics; NaN elsewhere.
 */
export function threadCpuNs(): number {
  const p = process as { threadCpuUsage?: () => { user: number; system: number } };
  if (typeof p.threadCpuUsage === 'function') {
    const u = p.threadCpuUsage();
    return (u.user + u.system) * 1000;
  }
  try {
    // First field: time spent on a CPU, ns (Documentation/scheduler/sched-stats.rst).
    const ns = Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]);
    return ns > 0 ? ns : NaN;
  } catch {
    return NaN;
  }
}
