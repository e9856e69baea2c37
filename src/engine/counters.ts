/**
 * The tallies the engine keeps as things happen. Plain numbers in one object of fixed shape, so
 * that counting costs an increment on the hot path; the JSON names are the ones scripts rely on.
 */
export interface Counters {
  /** System calls by their Linux name. */
  syscalls: SyscallCounters;
  /** Times the kernel woke a blocked task. */
  wakeups: number;
  /** Wake-ups after which the task failed to get the GIL and went back to sleep. */
  spuriousWakeups: number;
  /** Context switches: voluntary when a task blocks, involuntary when it is preempted. */
  contextSwitches: { voluntary: number; involuntary: number };
  /** Times a thread took the GIL (including Python 2's release-and-retake at every check). */
  gilAcquisitions: number;
  /** Acquisitions by a thread other than the previous holder. */
  gilSwitches: number;
  /** Python 3: times a waiter set `gil_drop_request` after its timed wait ran out. */
  dropRequests: number;
  /** Python 3: times a holder dropped the GIL because of a drop request. */
  forcedSwitches: number;
  /** Python 2: ticks counted by `_Py_Ticker`. */
  ticks: number;
  /** Python 2: periodic checks (the ticker ran out); Python 3: eval-breaker checks that acted. */
  checks: number;
}

/** System calls the model counts, keyed as Linux names them. */
export interface SyscallCounters {
  futex_wait: number;
  futex_wait_timeout: number;
  futex_wake: number;
  recv: number;
  send: number;
  accept: number;
  connect: number;
  close: number;
  clock_nanosleep: number;
}

/** A zeroed set of counters. */
export function createCounters(): Counters {
  return {
    syscalls: {
      futex_wait: 0,
      futex_wait_timeout: 0,
      futex_wake: 0,
      recv: 0,
      send: 0,
      accept: 0,
      connect: 0,
      close: 0,
      clock_nanosleep: 0,
    },
    wakeups: 0,
    spuriousWakeups: 0,
    contextSwitches: { voluntary: 0, involuntary: 0 },
    gilAcquisitions: 0,
    gilSwitches: 0,
    dropRequests: 0,
    forcedSwitches: 0,
    ticks: 0,
    checks: 0,
  };
}

/** A deep copy, for snapshots and samples that must not change under the reader. */
export function copyCounters(c: Counters): Counters {
  return {
    ...c,
    syscalls: { ...c.syscalls },
    contextSwitches: { ...c.contextSwitches },
  };
}
