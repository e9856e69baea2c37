import type { Preset } from '../config/load.js';
import type { Counters, Simulation, PolicyName } from '../model/index.js';
import type { Starving } from './wall-budget.js';

/** Per-thread figures of a finished run, in seconds. */
export interface ThreadSummary {
  name: string;
  process: string;
  python: boolean;
  daemon: boolean;
  cpuSeconds: number;
  gilHeldSeconds: number;
  gilWaitSeconds: number;
  runnableSeconds: number;
  gilAcquisitions: number;
  contextSwitches: { voluntary: number; involuntary: number };
  /** When it finished, null for a daemon thread still running at the end. */
  finishedAtSeconds: number | null;
}

/** Per-client figures: requests and their latency, in seconds. */
export interface ClientSummary {
  name: string;
  requests: number;
  /** Time from the start of its first request to the end of its last. */
  seconds: number;
  latency: { p50: number | null; p99: number | null; max: number | null; mean: number | null };
}

/** What `gil-top run --json` prints: the field names are a contract with scripts. */
export interface RunSummary {
  preset: string;
  policy: PolicyName;
  cores: number;
  checkInterval: number;
  switchInterval: number;
  seed: string;
  profile: string;
  /** Whether every non-daemon thread and client finished (false: stopped at the time limit). */
  finished: boolean;
  /** Simulated time until every non-daemon thread and client finished (or the run stopped). */
  simulatedSeconds: number;
  wallSeconds: number;
  events: number;
  counters: Counters;
  threads: ThreadSummary[];
  clients: ClientSummary[];
  /** Why a run that did not finish stopped (the simulated hour, the wall-clock limit); absent when it finished. */
  stoppedBy?: string;
  /** Present (true) when the run stopped because nothing was left to happen (`stoppedBy` says who waits for what). */
  deadlock?: boolean;
  /** Python threads that waited for the GIL and did not get it, when the run did not finish. */
  starving?: Starving[];
}

const s = (ns: number) => ns / 1e9;

/** The summary of a run from the simulation's final state. */
export function summarize(preset: Preset, sim: Simulation, wallSeconds: number): RunSummary {
  const snap = sim.snapshot();
  const end = Number.isNaN(sim.finishedAt) ? snap.now : sim.finishedAt;
  return {
    preset: preset.name,
    policy: snap.policy,
    cores: snap.cores.length,
    checkInterval: snap.checkInterval,
    switchInterval: snap.switchIntervalNs / 1e9,
    seed: sim.seed,
    profile: preset.machine.name,
    finished: sim.finished,
    simulatedSeconds: s(end),
    wallSeconds,
    events: snap.events,
    counters: snap.counters,
    threads: snap.threads.map((t) => ({
      name: t.name,
      process: t.process,
      python: t.python,
      daemon: t.daemon,
      cpuSeconds: s(t.cpuNs),
      gilHeldSeconds: s(t.gilHeldNs),
      gilWaitSeconds: s(t.gilWaitNs),
      runnableSeconds: s(t.runnableNs),
      gilAcquisitions: t.acquisitions,
      contextSwitches: { voluntary: t.voluntarySwitches, involuntary: t.involuntarySwitches },
      finishedAtSeconds: t.finishedAt === null ? null : s(t.finishedAt),
    })),
    clients: snap.clients.map((c) => ({
      name: c.name,
      requests: c.requests,
      seconds: sim.clientSpanNs(c.name) / 1e9,
      latency: {
        p50: c.p50Ns === null ? null : s(c.p50Ns),
        p99: c.p99Ns === null ? null : s(c.p99Ns),
        max: c.maxNs === null ? null : s(c.maxNs),
        mean: c.meanNs === null ? null : s(c.meanNs),
      },
    })),
  };
}
