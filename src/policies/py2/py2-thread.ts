import { GilThread } from '../gil-thread.js';

export { Phase } from '../gil-thread.js';

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
export class Py2Thread extends GilThread {
  /** Woken from `futex_wait` (so a failed compare-and-swap is a wake-up in vain). */
  woken = false;
  /**
   * The rest of a check's window that completed at once (its futex_wake could not be observed):
   * CPU added to the next burst, during which the semaphore is 1 (a bulk starts with it), ns.
   */
  carryNs = 0;
  /** CPU owed while holding the GIL (a cache-line transfer its compare-and-swap paid), added to the next burst, ns. */
  owedNs = 0;
  /** The bulk of quiet checks it runs, if any. */
  readonly bulk = new Bulk();

  /** The CPU carried and owed, for the next burst to pay; both are cleared. */
  takeCarry(): number {
    const ns = this.carryNs + this.owedNs;
    this.carryNs = 0;
    this.owedNs = 0;
    return ns;
  }
}
