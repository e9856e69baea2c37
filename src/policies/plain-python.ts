import type { PyThread } from '../interpreter/py-thread.js';
import { TaskState } from '../os/task.js';
import { type GilPolicy, type Next, type PolicyContext, type ProcessSettings } from './policy.js';
import { tickCost } from '../interpreter/gil-port.js';

/** Where a policy's eval breaker acts: the check points of the loop that make the holder stop. */
export interface CheckPoints {
  /** Whether `t` must act at a check point now. */
  due(t: PyThread): boolean;
  /** Ticks `t` may run before the next check point that would act (Infinity: none will). */
  ticksUntil(t: PyThread): number;
  /** Acts at the check point; `next` runs once `t` holds the GIL again (or at once). */
  check(t: PyThread, next: Next): void;
  /** Optional: `t`'s loop has come to its end (before the thread goes on with its program). */
  loopDone?(t: PyThread): void;
}

/**
 * Python code as Python 3 and the free-threaded build run it: the holder runs its loop in one
 * burst up to the next check point at which something is to be done (its policy's drop request,
 * or a pending signal in the main thread, which the eval breaker sees first), and ticks are
 * nobody's business but the loop's. Re-planned where it stands when asked.
 */
export class PlainPython {
  private readonly points: CheckPoints;

  constructor(
    private readonly ctx: PolicyContext,
    private readonly policy: GilPolicy,
    settings: ProcessSettings,
    gil: CheckPoints,
  ) {
    // eval_frame_handle_pending: signals (only the main thread handles them), then the GIL.
    const signal = (t: PyThread) => settings.pendingCalls && t.isMain;
    this.points = {
      due: (t) => signal(t) || gil.due(t),
      ticksUntil: (t) => (signal(t) ? nextCheckPoint(t) : gil.ticksUntil(t)),
      check: (t, next) => {
        if (!signal(t)) {
          gil.check(t, next);
          return;
        }
        ctx.engine.counters.checks++;
        ctx.runSignalHandler(t);
        next(t);
      },
      loopDone: gil.loopDone,
    };
  }

  /** Runs `t`'s loop up to its next acting check point (or its end) in one burst. */
  readonly run = (t: PyThread): void => {
    if (t.work.ticksLeft <= 0) {
      this.points.loopDone?.(t);
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

/** Ticks from where `t` stands in its loop to its next check point (0 if it is at one). */
export function nextCheckPoint(t: PyThread): number {
  const tpc = t.work.ticksPerCheckpoint;
  const next = Math.ceil(t.work.ticksDone / tpc) * tpc;
  return Math.max(0, Math.ceil(next - t.work.ticksDone));
}
