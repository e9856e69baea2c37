import { round } from '../engine/round.js';
import type { Kernel } from '../os/kernel.js';
import { TaskState } from '../os/task.js';
import type { PyThread } from './py-thread.js';

/**
 * The mechanics of running Python work in bursts, shared by the GIL policies: a burst completes
 * a number of ticks of the thread's loop (plus a fixed cost, such as a check's release and
 * re-take, and CPU owed from before) and ends at a point where the policy has something to do.
 * A policy decides where bursts end; this module keeps the thread's `burst` record and answers
 * how far into it the thread is, so that a burst can be cut where it stands and planned again.
 */
export class PythonBursts {
  constructor(private readonly kernel: Kernel<PyThread>) {}

  /**
   * Starts a burst of `ticks` ticks of `t`'s loop, plus `overheadNs` and `carryNs`; `done` runs
   * when it ends (the ticks are the caller's to commit then).
   */
  start(t: PyThread, ticks: number, overheadNs: number, carryNs: number, done: (t: PyThread) => void): void {
    this.kernel.run(t, this.plan(t, ticks, overheadNs, carryNs), done);
  }

  /** Records the burst `start` would start and returns its length in the kernel's whole ns (for a fast path that runs it itself). */
  plan(t: PyThread, ticks: number, overheadNs: number, carryNs: number): number {
    const ns = ticks * t.work.nsPerTick + overheadNs + carryNs;
    this.mark(t, ticks, ns);
    return round(ns);
  }

  /**
   * Replaces the burst `t` is in (running or queued) with one of `ticks` ticks of which
   * `partialNs` are already done, plus `overheadNs` and `carryNs`; `done` runs when it ends.
   */
  replan(t: PyThread, ticks: number, partialNs: number, overheadNs: number, carryNs: number, done: (t: PyThread) => void): void {
    const ns = Math.max(0, ticks * t.work.nsPerTick - partialNs) + overheadNs + carryNs;
    this.mark(t, ticks, ns);
    this.kernel.replan(t, round(ns), done);
  }

  /** The thread's plain burst ended (or was replaced by a burst of another kind). */
  end(t: PyThread): void {
    t.burst.active = false;
  }

  /** Records a burst `ns` long that the caller planned itself (a bulk), so that `progressNs` can read it. */
  markLength(t: PyThread, ns: number): void {
    t.burst.ns = ns;
  }

  private mark(t: PyThread, ticks: number, ns: number): void {
    const b = t.burst;
    b.ticks = ticks;
    b.ns = ns;
    b.active = true;
  }

  /** CPU done so far in the thread's current burst, ns. */
  progressNs(t: PyThread): number {
    const remaining = t.state === TaskState.Running ? t.burstLeft - this.kernel.burstDone(t) : t.burstLeft;
    return Math.max(0, round(t.burst.ns) - remaining);
  }

  /** Whole ticks of the current burst done so far (never more than the burst has). */
  ticksDone(t: PyThread): number {
    return Math.min(t.burst.ticks, Math.floor(this.progressNs(t) / t.work.nsPerTick));
  }
}
