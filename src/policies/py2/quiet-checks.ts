import { round } from '../../engine/round.js';
import { Activity, type PyThread } from '../../interpreter/py-thread.js';
import { TaskState } from '../../os/task.js';
import type { Next, PolicyContext } from '../policy.js';
import type { Py2Gil } from './gil.js';

/**
 * Python 2's fast path: quiet checks. A check that touches nobody (no sleeper to wake, no signal
 * pending) releases and re-takes the GIL without anyone seeing it, so the holder can run many
 * check periods as one burst, a bulk, laid out as
 *
 *   [carry: the window of the check just done] [segment] ([window] [segment]) x (n - 1)
 *
 * where a segment is a check period of ticks plus the release and re-take, and a window is the
 * `futex_wake` (with nobody asleep) a check makes while a waiter is awake in sem_wait: the
 * semaphore is 1 then. Nothing is lost: whoever looks at the semaphore meanwhile (a waiter's
 * compare-and-swap, a thread back from I/O) reads where the holder stands (`windowOpen`), and
 * whatever changes the picture (a waiter wins or goes to sleep, a control action) cuts the bulk
 * where the holder stands (`cut`). The bulk ends at a check, which is done as usual.
 */
export class QuietChecks {
  /** Segment index the holder was found in by the last `position` (-1: the first window). */
  private at = 0;

  constructor(
    private readonly ctx: PolicyContext,
    private readonly gil: Py2Gil,
  ) {}

  /** The window of a check if the checks to come would touch nobody (0 if none), else -1. */
  private windowNs(): number {
    const sem = this.gil.sem;
    if (sem.futexQueue.length > 0 || this.gil.pendingCalls) return -1;
    if (!this.gil.exists || sem.nwaiters === 0) return 0;
    return this.ctx.profile.syscalls.futexWakeEmptyNs;
  }

  /** After a check, runs the rest of the holder's loop as a bulk if that is safe; false if not. */
  tryBulk(t: PyThread): boolean {
    const n = this.cyclesFor(t, this.ctx.engine.horizon());
    if (n === 0) return false;
    this.ctx.kernel.run(t, this.planBulk(t, n), this.bulkDone);
    return true;
  }

  /** Plans the next `n` check periods of `t` as a bulk (`n` from `cyclesFor`); returns its length in the kernel's whole ns, for `bulkDone` to end. */
  planBulk(t: PyThread, n: number): number {
    const { engine, bursts } = this.ctx;
    const r = this.gil.rec(t);
    const window = this.windowNs();
    const segment = this.gil.checkPeriodTicks() * t.work.nsPerTick + this.gil.checkOverheadNs();
    const b = r.bulk;
    b.cycles = n;
    b.carryNs = r.carryNs;
    b.segmentNs = segment;
    b.windowNs = window;
    r.carryNs = 0;
    if (engine.journal !== null)
      engine.say(t.id, `${t.name}: runs ${n} check periods in one go: its checks touch nobody${window > 0 ? ' (the waiter is awake: each costs a futex_wake, wakes nobody)' : ''}`);
    const ns = b.carryNs + n * b.segmentNs + (n - 1) * window;
    bursts.markLength(t, ns);
    return round(ns);
  }

  /**
   * How many check periods a bulk started now would run, the next event being due at `horizon`;
   * 0 when no bulk may start (see `tryBulk`). Changes nothing.
   */
  cyclesFor(t: PyThread, horizon: number): number {
    // CPU owed with the GIL held is not a window: a plain segment pays it first.
    if (this.gil.rec(t).owedNs > 0) return 0;
    const window = this.windowNs();
    const period = this.gil.checkPeriodTicks();
    if (window < 0 || this.gil.ticksUntilCheck() !== period) return 0;
    let n: number;
    if (window > 0) {
      // Somebody waits: it will look at the GIL soon and, if it loses, sleep and need waking;
      // a bulk would be cut right away, so plan only as far as the next event.
      const cycle = period * t.work.nsPerTick + this.gil.checkOverheadNs() + window;
      const room = horizon - this.ctx.engine.now - 1 - this.gil.rec(t).carryNs + window;
      // Room for fewer than two check periods, a battle's usual case: no bulk, and no division
      // to say so (1.999: below it the quotient rounds to under 2 whatever the rounding).
      if (room < 1.999 * cycle) return 0;
      n = Math.min(Math.floor(t.work.ticksLeft / period), Math.floor(room / cycle));
    } else n = Math.floor(t.work.ticksLeft / period);
    return n < 2 ? 0 : n;
  }

  /** The bulk ran to its end, which is a check point: count its quiet checks, then do that check. */
  readonly bulkDone = (t: PyThread): void => {
    this.endBulk(t);
    this.gil.afterSegment(t);
  };

  /** The end of a bulk that ran to its end: its quiet checks and segments counted, up to the check it ends at. */
  endBulk(t: PyThread): void {
    const n = this.gil.rec(t).bulk.cycles;
    this.commit(t, n - 1, n - 1);
    this.gil.commitTicks(t, this.gil.checkPeriodTicks()); // the last segment, up to the check
  }

  /** Counts `segments` whole segments of a bulk and the `checks` quiet checks between them. */
  private commit(t: PyThread, segments: number, checks: number): void {
    const { engine, book } = this.ctx;
    const b = this.gil.rec(t).bulk;
    const ticks = segments * this.gil.checkPeriodTicks();
    b.cycles = 0;
    t.work.commit(ticks);
    engine.counters.ticks += ticks;
    if (checks === 0) return;
    const c = engine.counters;
    c.checks += checks;
    if (!this.gil.exists) return;
    book.retaken(t, checks);
    if (b.windowNs > 0) c.syscalls.futex_wake += checks;
  }

  /**
   * Where a bulk holder stands: -1 inside a check's window (the semaphore is 1: another thread's
   * compare-and-swap would win), else how far it is into its current segment, ns. The index of
   * that segment is left in `at`.
   */
  private position(t: PyThread): number {
    const b = this.gil.rec(t).bulk;
    const p = this.ctx.bursts.progressNs(t);
    if (p < b.carryNs) {
      this.at = -1;
      return -1;
    }
    const cycle = b.segmentNs + b.windowNs;
    const q = p - b.carryNs;
    const j = Math.min(b.cycles - 1, Math.floor(q / cycle));
    const r = q - j * cycle;
    this.at = j;
    return r < b.segmentNs ? r : -1;
  }

  /** Ticks done since the bulk holder's last check (for the ticker on screen). */
  ticksIntoBulk(t: PyThread): number {
    const r = this.position(t);
    return r < 0 ? 0 : Math.min(this.gil.checkPeriodTicks(), Math.floor(r / t.work.nsPerTick));
  }

  /**
   * For how long a bulk holder will certainly stay inside its current segment (the GIL held, no
   * check): -1 inside a window; Infinity while it is off its core (it moves only once back on,
   * which is an event).
   */
  quietFor(t: PyThread): number {
    if (this.gil.rec(t).bulk.cycles === 0) return 0;
    const r = this.position(t);
    if (r < 0) return -1;
    return t.state === TaskState.Running ? this.gil.rec(t).bulk.segmentNs - r : Infinity;
  }

  /** Whether a thread running a bulk of quiet checks is inside a check's window right now. */
  windowOpen(t: PyThread): boolean {
    return this.gil.rec(t).bulk.cycles > 0 && this.position(t) < 0;
  }

  /**
   * Ends a bulk where the holder stands. Inside a check's window: the burst ends with the window
   * and then `onWindowEnd` runs (the holder's compare-and-swap), or, without one, the rest of the
   * window is carried into a fresh segment. Inside a segment: a fresh segment to the next check.
   * `retime`: look the cost of a tick up again first (the interpreter may have changed).
   */
  cut(t: PyThread, onWindowEnd: Next | null, retime = false): void {
    const r = this.gil.rec(t);
    const b = r.bulk;
    if (b.cycles === 0) return;
    const pos = this.position(t);
    const j = this.at;
    const cycle = b.segmentNs + b.windowNs;
    if (pos < 0) {
      // In the window of check j + 1 (or of the check before the bulk, j = -1): done so far,
      // j + 1 segments and as many checks.
      const p = this.ctx.bursts.progressNs(t);
      const windowEnd = j < 0 ? b.carryNs : b.carryNs + j * cycle + cycle;
      const left = Math.max(0, windowEnd - p);
      this.commit(t, j + 1, j + 1);
      if (onWindowEnd !== null) {
        // Still inside sem_post's futex_wake, the GIL given up: the rest of the window, then its CAS
        // (the check it is in ends as the one a segment ends in: resumeAfterCheck).
        r.startCheck(this.ctx.resumeAfterCheck);
        this.ctx.book.activity(t, Activity.GilDrop);
        this.ctx.bursts.end(t);
        this.ctx.kernel.replan(t, round(left), onWindowEnd);
        this.ctx.bursts.markLength(t, left);
        return;
      }
      r.carryNs += left;
      this.gil.replan(t, 0, retime);
      return;
    }
    // In segment j: j segments and j checks behind it, and part of this one.
    this.commit(t, j, j);
    const done = Math.min(this.gil.checkPeriodTicks() - 1, Math.floor(pos / t.work.nsPerTick));
    if (done > 0) this.gil.commitTicks(t, done);
    this.gil.replan(t, pos - done * t.work.nsPerTick, retime);
  }
}
