import type { PyThread } from '../interpreter/py-thread.js';
import { TaskState } from '../os/task.js';
import { type GilPolicy, type Next, type PolicyContext } from './policy.js';
import { tickCost } from '../interpreter/gil-port.js';

/** Where a policy's eval breaker acts: the check points of the loop that make the holder stop. */
export interface CheckPoints {
  /** Whether `t` must act at a check point now. */
  due(t: PyThread): boolean;
  /** Ticks `t` may run before the next check point that would act (Infinity: none will). */
  ticksUntil(t: PyThread): number;
  /** Acts at the check point; `next` runs once `t` holds the GIL again (or at once). */
  check(t: PyThread, next: Next): void;
}

/**
 * Python code as Python 3 and the free-threaded build run it: the holder runs its loop in one
 * burst up to the next check point at which its policy has something to do (a drop request),
 * and ticks are nobody's business but the loop's. Re-planned where it stands when asked.
 */
export class PlainPython {
  constructor(
    private readonly ctx: PolicyContext,
    private readonly policy: GilPolicy,
    private readonly points: CheckPoints,
  ) {}

  /** Runs `t`'s loop up to its next acting check point (or its end) in one burst. */
  readonly run = (t: PyThread): void => {
    if (t.work.ticksLeft <= 0) {
      this.ctx.step(t);
      return;
    }
    if (this.points.due(t)) {
      this.points.check(t, this.ctx.resumeAfterCheck);
      return;
    }
    const until = this.points.ticksUntil(t);
    const k = until < t.work.ticksLeft ? until : t.work.ticksLeft;
    this.ctx.bursts.start(t, k, 0, 0, this.segmentDone);
  };

  private readonly segmentDone = (t: PyThread): void => {
    this.ctx.bursts.end(t);
    t.work.commit(t.burst.ticks);
    if (this.points.due(t)) this.points.check(t, this.ctx.resumeAfterCheck);
    else this.run(t);
  };

  /** Commits the ticks done so far and re-plans the burst, with the tick cost looked up again. */
  settle(t: PyThread): void {
    if (!t.burst.active) return;
    if (t.state !== TaskState.Running && t.state !== TaskState.Runnable) return;
    const { bursts } = this.ctx;
    const doneNs = bursts.progressNs(t);
    const done = Math.min(t.burst.ticks, Math.floor(doneNs / t.work.nsPerTick));
    if (done > 0) t.work.commit(done);
    const partialNs = Math.max(0, doneNs - done * t.work.nsPerTick);
    if (t.work.ticksLeft > 0) t.work.nsPerTick = tickCost(this.ctx.profile, this.policy, t.work);
    const until = this.points.ticksUntil(t);
    const k = Math.max(0, until < t.work.ticksLeft ? until : t.work.ticksLeft);
    bursts.replan(t, k, partialNs, 0, 0, this.segmentDone);
  }

  /** A C call holding the GIL returned: the check point right after it. */
  cCallReturned(t: PyThread): void {
    if (this.points.due(t)) this.points.check(t, this.ctx.step);
    else this.ctx.step(t);
  }
}
