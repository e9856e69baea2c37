import type { PyThread } from '../../interpreter/py-thread.js';
import type { Next } from '../policy.js';

/** Where a thread is in the Python 2 GIL's code, so that a policy swap can carry it over. */
export const Phase = {
  /** Not in GIL code. */
  None: 0,
  /** Taking the GIL (after I/O, at start, or re-taking it after a check it lost). */
  Take: 1,
  /** Dropping the GIL before I/O or at the end. */
  Drop: 2,
  /** In a check's release-and-retake, still counted as the holder. */
  Check: 3,
} as const;
export type Phase = (typeof Phase)[keyof typeof Phase];

/**
 * A bulk of quiet checks (see `quiet-checks.ts`): the holder runs many check periods as one burst
 * laid out as [carry: the window of the check just done] [segment] ([window] [segment]) x (n - 1).
 */
export class Bulk {
  /** Segments in the bulk (0: not in a bulk). */
  cycles = 0;
  /** The window of the check done just before it, ns. */
  carryNs = 0;
  /** One segment: a check period of ticks plus the release and re-take, ns. */
  segmentNs = 0;
  /** One check's window: the futex_wake during which the semaphore is 1, ns. */
  windowNs = 0;
}

/** What the Python 2 GIL keeps per thread. */
export class Py2Thread {
  constructor(
    /** The thread this record is for. */
    readonly t: PyThread,
  ) {}

  /** Where it is in the GIL's code. */
  phase: Phase = Phase.None;
  /** Continuation once the GIL is taken. */
  takeNext: Next | null = null;
  /** Continuation once the GIL is dropped. */
  dropNext: Next | null = null;
  /** Continuation once a check is over and the thread holds the GIL again. */
  checkNext: Next | null = null;
  /** Woken from `futex_wait` (so a failed compare-and-swap is a wake-up in vain). */
  woken = false;
  /** CPU owed by a check that completed at once (its syscall could not be observed), added to the next burst, ns. */
  carryNs = 0;
  /** The bulk of quiet checks it runs, if any. */
  readonly bulk = new Bulk();
}
