import type { Engine } from '../engine/engine.js';
import type { PythonBursts } from '../interpreter/python-bursts.js';
import type { GilPort, Next } from '../interpreter/gil-port.js';
import type { PyThread } from '../interpreter/py-thread.js';
import type { Kernel } from '../os/kernel.js';
import type { MachineProfile } from '../os/machine-profile.js';
import type { GilBook } from './gil-book.js';

export type { Next };

/** What every policy works with. A policy decides; the kernel carries out (bursts, sleeps, wakes). */
export interface PolicyContext {
  readonly engine: Engine;
  readonly kernel: Kernel<PyThread>;
  readonly profile: MachineProfile;
  /** Runs Python work in bursts. */
  readonly bursts: PythonBursts;
  /** Counts acquisitions, switches and held/wait times; records what threads do for the trace. */
  readonly book: GilBook;
  /** The thread goes on with its program (after a loop or a C call). */
  readonly step: Next;
  /**
   * The thread goes on with its loop, or with its loop just past a check, under its process's GIL
   * as it is when this runs. A policy hands these (never a method of its own) to code that may
   * outlive it: a swap can replace the policy before the continuation runs.
   */
  readonly resume: Next;
  readonly resumeAfterCheck: Next;
  /** The GIL of a thread's process now. */
  gilOf(t: PyThread): GilPolicy;
  /**
   * Main thread `t`, holding the GIL at a check point, runs the pending signal's handler: the
   * signal is no longer pending and KeyboardInterrupt ends its script (its loop is abandoned).
   */
  runSignalHandler(t: PyThread): void;
}

/**
 * What a Python process keeps whichever GIL it runs: owned by the process, read by its policy
 * (a reference, not a copy, so a swap carries nothing over and nothing can get out of step).
 */
export interface ProcessSettings {
  /** Python 2 `sys.setcheckinterval`, ticks. */
  checkInterval: number;
  /** Python 3 `sys.setswitchinterval`, ns. */
  switchIntervalNs: number;
  /** A signal's Python handler waits to be run (`pendingcalls_to_do`). */
  pendingCalls: boolean;
  /**
   * Whether the process ever started a thread. Python 2 creates its GIL only then
   * (PyEval_InitThreads): a single-threaded program never releases or takes a lock.
   */
  readonly threaded: boolean;
}

/** What changed in a process's settings or the machine (`cores`: the online cores), for the policy to act on at this instant. */
export type SettingChange = 'checkInterval' | 'switchInterval' | 'signal' | 'cores';

/**
 * Where a thread stands in a policy's code when the user swaps the policy, and how it goes on
 * under the next one: `holding` (the GIL is its, `next` continues it), `taking` (it must take the
 * new GIL, then `next`), `dropping` (it let the GIL go and goes on to `next`), `running` (it runs
 * Python without a GIL and must take the new one before it goes on with its loop).
 */
export interface Handover {
  t: PyThread;
  at: 'holding' | 'taking' | 'dropping' | 'running';
  /** How the thread goes on (a continuation that does not depend on the old policy). */
  next: Next;
}

/** What the dashboard shows of a GIL: read by snapshots, never written through. */
export interface GilView {
  policy: PolicyName;
  /** Id of the holding thread, -1 if free (or no GIL). */
  holder: number;
  /** Threads waiting for it. */
  waiters: number;
  /** Python 2: `_Py_Ticker`, ticks left before the next check. */
  ticker: number | null;
  /** Python 2: `_Py_CheckInterval`. */
  checkInterval: number | null;
  /** Python 2: the semaphore's value and waiter count (`nwaiters`). */
  semValue: number | null;
  nwaiters: number | null;
  /** Python 2: a signal is pending (only the main thread can run its handler). */
  pendingCalls: boolean;
  /** Python 3: `interval`, ns. */
  switchIntervalNs: number | null;
  /** Python 3: time left in the earliest waiter's timed wait, ns (null when nobody waits). */
  timeoutLeftNs: number | null;
  /** Python 3: `gil_drop_request`. */
  dropRequest: boolean;
  /** Python 3: `switch_number`. */
  switchNumber: number | null;
  // Fields only some policies have are left out of the others' views (absent, not null), so a
  // snapshot of py2, py3 or free-threaded reads exactly as before they existed.
  /** Priority GIL: whether the holder is marked CPU-bound (null when nobody holds it, or another policy). */
  holderCpuBound?: boolean | null;
  /** Priority GIL: waiters not marked CPU-bound, which take the GIL from a CPU-bound holder at once. */
  urgentWaiters?: number | null;
  /** BFS: what is left of the holder's time slice (`bfs_slice` less its running time), ns. */
  sliceLeftNs?: number | null;
  /** BFS: the slice a thread gets when its last one is used up (`rr_interval`), ns. */
  sliceNs?: number | null;
  /**
   * Free-threaded: the shared object most threads touch at once now (a loop's `shared`), with how
   * many (at most one per core) and how often each gets a turn on it, ns (one cache-line transfer
   * per thread in line; 0 when one thread has it to itself); absent when none is shared.
   */
  contended?: { object: string; threads: number; turnNs: number };
  /** BFS: the earliest waiter's virtual deadline less the scheduler's clock (`bfs_python_time`), ns: negative once expired. */
  nextDeadlineNs?: number | null;
}

/**
 * The GIL policies gil-top simulates (the registry in `registry.ts` builds them), in the order the
 * dashboard's `p` cycles through them. New names go at the end: a session file stores a policy as
 * its index here.
 */
export const policyNames = ['py2', 'py3', 'free-threaded', 'priority', 'bfs'] as const;
export type PolicyName = (typeof policyNames)[number];

/**
 * A GIL, one instance per Python process. It owns everything it keeps per thread (a record of its
 * own, never fields on the thread) and the way Python code runs under it, fast paths included.
 * Methods that take a `next` continue the thread through `next` once done (possibly after bursts
 * and sleeps); the others act at once.
 */
export interface GilPolicy extends GilPort {
  readonly name: PolicyName;

  /** Re-plans `t`'s Python burst from where it stands (its settings or interpreter changed). */
  settle(t: PyThread): void;
  /** A process setting changed (interval, a signal arrived): act on it at this instant. */
  changed(what: SettingChange): void;
  /** Thread holding the GIL (also during a Python 2 check), or null. */
  holder(): PyThread | null;
  /** Where each of the process's `threads` stands in this policy's code, for a swap; the policy is done after it. */
  handover(threads: readonly PyThread[]): Handover[];
  /** What the dashboard shows. */
  view(): GilView;
}

/** A view with every policy-specific field empty; policies fill in theirs. */
export function emptyView(policy: PolicyName): GilView {
  return {
    policy,
    holder: -1,
    waiters: 0,
    ticker: null,
    checkInterval: null,
    semValue: null,
    nwaiters: null,
    pendingCalls: false,
    switchIntervalNs: null,
    timeoutLeftNs: null,
    dropRequest: false,
    switchNumber: null,
  };
}
