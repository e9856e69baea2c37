import type { SimCore } from '../engine/core.js';
import type { Kernel } from '../os/kernel.js';
import type { InterpreterName, MachineProfile } from '../os/machine-profile.js';
import type { Activity, SimThread } from '../workloads/sim-thread.js';

/** The GIL policies gil-top simulates. */
export const policyNames = ['py2', 'py3', 'free-threaded'] as const;
export type PolicyName = (typeof policyNames)[number];

/** Continuation of a thread once a policy is done with it. */
export type Next = (t: SimThread) => void;

/**
 * What a policy may use. A policy decides; the engine carries out (bursts of CPU, sleeps,
 * wakes), so that every syscall, wake-up and context switch is counted in one place.
 */
export interface PolicyHost {
  readonly sim: SimCore;
  readonly kernel: Kernel<SimThread>;
  readonly profile: MachineProfile;
  /** A cost from the profile with the machine's jitter applied (seeded). */
  cost(ns: number): number;
  /** Cuts the holder's Python burst at its next check point, so it sees the eval breaker. */
  interrupt(t: SimThread): void;
  /** Records what a thread is doing (for the trace and the timeline). */
  setActivity(t: SimThread, a: Activity): void;
  /** Marks a wake-up in vain on the trace. */
  markSpurious(t: SimThread): void;
  /** Bookkeeping when a thread takes the GIL (counters, per-thread times). */
  gilTaken(t: SimThread, previousHolder: SimThread | null): void;
  /** Bookkeeping when a thread lets the GIL go. */
  gilReleased(t: SimThread): void;
  /** Ticks of Python work done since the start of the thread's current burst (or its last check, in a bulk). */
  ticksIntoBurst(t: SimThread): number;
  /** For how long a bulk holder stays inside its current segment (-1 in a window, Infinity off its core). */
  bulkQuietFor(t: SimThread): number;
  /** Whether a holder running a bulk of quiet checks is inside a check's window right now. */
  bulkWindowOpen(t: SimThread): boolean;
  /**
   * Ends a holder's bulk of quiet checks where it stands: inside a window, its burst ends with
   * the window and `onWindowEnd` runs (or, if null, it goes on with a fresh segment); inside a
   * segment, it goes on with a fresh segment to its next check.
   */
  cutBulk(t: SimThread, onWindowEnd: Next | null): void;
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
}

/** State carried across a policy swap: who holds the GIL and the user's intervals. */
export interface PolicyState {
  holder: SimThread | null;
  /**
   * Whether the process ever started a thread. Python 2 creates its GIL only then
   * (PyEval_InitThreads): a single-threaded program never releases or takes a lock.
   */
  threaded: boolean;
  checkInterval: number;
  switchIntervalNs: number;
}

/**
 * A GIL, one instance per Python process. Methods that take a `next` continue the thread
 * through `next` once done (possibly after bursts and sleeps); the others are immediate.
 */
export interface GilPolicy {
  readonly name: PolicyName;
  /** Whose interpreter speed applies. */
  readonly interpreter: InterpreterName;
  /** Factor on the interpreter's cost per iteration (free-threaded builds are slower). */
  readonly speedFactor: number;

  /** `take_gil`: `next` runs once `t` holds the GIL. */
  takeGil(t: SimThread, next: Next): void;
  /** `drop_gil` before blocking I/O or at the end of a thread: `next` runs once it is released. */
  dropGil(t: SimThread, next: Next): void;

  /** Ticks of Python work `t` may do before it reaches a check that needs the policy. */
  ticksUntilCheck(t: SimThread): number;
  /** Counts `n` ticks of Python work done by the holder. */
  consumeTicks(n: number): void;
  /** Whether the holder must run a check now. */
  checkDue(t: SimThread): boolean;
  /** CPU the check costs the holder before its decisive step (added to the segment before it). */
  checkOverheadNs(): number;
  /** Runs the check; `next` runs once `t` holds the GIL again. */
  check(t: SimThread, next: Next): void;

  /**
   * Whether the coming checks would touch nobody (no sleeper to wake, no signal): then the
   * holder may run many of them in one burst. Returns how long each check's window lasts (the
   * syscall during which the GIL can be taken from it; 0 if none), or -1 when not quiet.
   */
  quietWindowNs(t: SimThread): number;
  /** Ticks from one check to the next when nothing intervenes. */
  checkPeriodTicks(): number;
  /** Counts `n` quiet checks done in one burst; `paidWake`: each made a futex_wake (someone waited). */
  commitQuietChecks(t: SimThread, n: number, paidWake: boolean): void;

  /** Thread holding the GIL (also during a Python 2 check), or null. */
  holder(): SimThread | null;
  /** `sys.setcheckinterval`. */
  setCheckInterval(ticks: number): void;
  /** `sys.setswitchinterval`, ns. */
  setSwitchInterval(ns: number): void;
  /** A signal arrives: its handler becomes a pending call. */
  addPendingCall(): void;
  /** State for a swap to another policy. */
  state(): PolicyState;
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
