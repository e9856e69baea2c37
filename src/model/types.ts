import type { GilView, PolicyName } from '../policies/policy.js';
import type { MachineProfile } from '../os/machine-profile.js';
import type { OpSpec } from '../interpreter/program.js';
import type { Counters } from '../engine/counters.js';
import type { ThreadViewName } from '../engine/trace.js';

/** A thread (or an outside actor) as a preset describes it. */
export interface ThreadSpec {
  /** Name shown to the user; unique within the preset. */
  name: string;
  /** OS process it belongs to (default `main`); each Python process has its own GIL. */
  process?: string;
  /** Whether it is its process's main thread (runs signal handlers). */
  main?: boolean;
  /** A daemon thread does not keep the run alive (it is abandoned when the others finish). */
  daemon?: boolean;
  /** Delay before the thread starts, µs (e.g. a process's start-up). */
  startUs?: number;
  /** What it does. */
  program: OpSpec[];
}

/** Everything a run depends on, validated. Same config, same seed, same actions: same run. */
export interface SimConfig {
  profile: MachineProfile;
  policy: PolicyName;
  cores: number;
  /** Python 2 `sys.setcheckinterval`, ticks. */
  checkInterval: number;
  /** Python 3 `sys.setswitchinterval`, ns. */
  switchIntervalNs: number;
  seed: string;
  /** Python threads. */
  threads: ThreadSpec[];
  /** Outside actors: processes that run no Python and take no GIL (a client). */
  actors: ThreadSpec[];
}

/** One core at the instant of a snapshot. */
export interface CoreSnapshot {
  id: number;
  /** Id of the thread on it, -1 when idle. */
  thread: number;
  /** Time it spent running threads since the start, ns (busy share = delta / window). */
  busyNs: number;
}

/** One thread at the instant of a snapshot. */
export interface ThreadSnapshot {
  id: number;
  name: string;
  process: string;
  python: boolean;
  daemon: boolean;
  view: ThreadViewName;
  /** Core it is on, -1 when not running. */
  core: number;
  holdsGil: boolean;
  cpuNs: number;
  gilHeldNs: number;
  gilWaitNs: number;
  runnableNs: number;
  acquisitions: number;
  voluntarySwitches: number;
  involuntarySwitches: number;
  requests: number;
  /** Instant it finished, null while running. */
  finishedAt: number | null;
}

/** Latency figures of one client. */
export interface ClientSnapshot {
  name: string;
  requests: number;
  /** Latency percentiles and extremes, ns (null before the first request). */
  p50Ns: number | null;
  p99Ns: number | null;
  maxNs: number | null;
  meanNs: number | null;
  lastNs: number | null;
}

/** A Python process and its GIL. */
export interface ProcessSnapshot {
  name: string;
  gil: GilView;
  /** Id of its main thread (the only one that runs signal handlers), -1 if none. */
  mainThread: number;
  /** What its main thread waits for in a lock acquire (`start` or `join` of a thread), or null. */
  mainWaits: { kind: 'start' | 'join'; thread: number } | null;
  /** Whether a KeyboardInterrupt has ended its main thread's script (it is in threading._shutdown). */
  interrupted: boolean;
}

/** Everything the screen and the recorder read; a copy, safe to keep. */
export interface Snapshot {
  /** Simulated time, ns. */
  now: number;
  /** Events processed. */
  events: number;
  /** Whether every non-daemon thread and actor has finished. */
  finished: boolean;
  policy: PolicyName;
  cores: CoreSnapshot[];
  threads: ThreadSnapshot[];
  processes: ProcessSnapshot[];
  counters: Counters;
  clients: ClientSnapshot[];
  checkInterval: number;
  switchIntervalNs: number;
}
