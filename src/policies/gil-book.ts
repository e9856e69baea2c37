import type { Engine } from '../engine/engine.js';
import type { Activity, PyThread } from '../interpreter/py-thread.js';

/** Told when a thread's activity changes or it wakes in vain (the model's trace listens). */
export interface ThreadObserver {
  /** A thread's activity (or scheduler state) changed. */
  changed(t: PyThread): void;
  /** A thread woke, failed to get the GIL and goes back to waiting. */
  vain(t: PyThread): void;
}

/**
 * The GIL's books, shared by every policy so that each counts alike: acquisitions and switches,
 * per-thread time held and waited, wake-ups in vain, and what each thread is doing for the trace.
 * The only writer of a thread's `GilAccount` and `activity`.
 */
export class GilBook {
  constructor(
    private readonly engine: Engine,
    private readonly observer: ThreadObserver,
  ) {}

  /** Records what a thread is doing (for the trace and the timeline). */
  activity(t: PyThread, a: Activity): void {
    t.activity = a;
    this.observer.changed(t);
  }

  /** `t` starts to wait for the GIL. */
  waiting(t: PyThread): void {
    t.gil.waitSince = this.engine.now;
  }

  /** `t` took the GIL; `previousHolder` had it last (a switch when it is another thread). */
  taken(t: PyThread, previousHolder: PyThread | null): void {
    const now = this.engine.now;
    const c = this.engine.counters;
    const g = t.gil;
    c.gilAcquisitions++;
    g.acquisitions++;
    if (previousHolder !== t) c.gilSwitches++;
    if (!Number.isNaN(g.waitSince)) {
      g.waitNs += now - g.waitSince;
      g.waitSince = NaN;
    }
    if (Number.isNaN(g.heldSince)) g.heldSince = now;
  }

  /** The holder took the GIL back `n` times at checks nobody else could see (Python 2's quiet checks). */
  retaken(t: PyThread, n: number): void {
    this.engine.counters.gilAcquisitions += n;
    t.gil.acquisitions += n;
  }

  /** `t` let the GIL go. */
  released(t: PyThread): void {
    const g = t.gil;
    if (!Number.isNaN(g.heldSince)) {
      g.heldNs += this.engine.now - g.heldSince;
      g.heldSince = NaN;
    }
  }

  /** There is no GIL for `t` any more (free-threading): a wait or a hold in progress ends now, unlike a switch. */
  noGil(t: PyThread): void {
    const g = t.gil;
    if (!Number.isNaN(g.waitSince)) {
      g.waitNs += this.engine.now - g.waitSince;
      g.waitSince = NaN;
    }
    this.released(t);
  }

  /** `t` was woken, did not get the GIL and waits again: a wake-up in vain. */
  inVain(t: PyThread): void {
    this.engine.counters.spuriousWakeups++;
    this.observer.vain(t);
  }
}
