/*
 * How the priority GIL works (David Beazley, "Understanding the Python GIL", PyCon 2010)
 * =====================================================================================
 *
 * Beazley ended his talk on the convoy effect of the new GIL (bpo-7946) with a proposal taken
 * from operating systems, which adjust a task's priority by how it used its last time slice
 * (MODEL.md section 3):
 * - a thread forced to drop the GIL (its switch interval ran out while another thread waited) is
 *   marked CPU-bound: it is penalised;
 * - a thread that releases the GIL by itself (for I/O: Py_BEGIN_ALLOW_THREADS) is not;
 * - a waiter that is not CPU-bound may take the GIL from a CPU-bound holder at once: it sets
 *   `gil_drop_request` as soon as it finds the GIL taken, instead of after a switch interval, and
 *   the holder drops the GIL at its next eval-breaker check point.
 *
 * Everything else is Python 3's GIL (py3/gil.ts, ceval_gil.h of 3.9): the mutex and condition
 * variable, the timed wait and its drop request between threads of the same kind, the forced
 * switch that waits on `switch_cond` until the new holder has the GIL. The talk gives the rules,
 * not code; where the model needs a choice the talk does not make:
 * - a new thread starts not CPU-bound (it has not been forced off yet);
 * - `drop_gil` wakes the waiter that has waited longest among those not CPU-bound, else the
 *   longest waiting (a condition variable per class, the not-CPU-bound one signalled first), so
 *   that an I/O thread is never queued behind a CPU-bound waiter;
 * - a not-CPU-bound waiter asks again at every pass of its wait, so a CPU-bound thread that takes
 *   the GIL while it waits is asked to drop it at once too.
 * Simplified: a priority is one bit (the talk's raised and lowered priorities are two classes, not
 * an OS's graded levels), and "at once" means at the holder's next check point, the only place a
 * thread running Python can let the GIL go. In echo-fib-py3 the first request still waits a switch
 * interval: the fib thread is not CPU-bound until it has been forced off once.
 */
import type { PyThread } from '../interpreter/py-thread.js';
import type { GilView } from './policy.js';
import { Py3Gil } from './py3/gil.js';

export class PriorityGil extends Py3Gil {
  override readonly name = 'priority' as const;
  /** By thread id: marked CPU-bound (last dropped the GIL because it was forced to). */
  private readonly cpuBound: boolean[] = [];

  private isCpuBound(t: PyThread): boolean {
    return this.cpuBound[t.id] === true;
  }

  /** A waiter that is not CPU-bound asks a CPU-bound holder to drop the GIL at once. */
  protected override beforeTimedWait(t: PyThread): void {
    const holder = this.owner;
    if (holder === null || this.isCpuBound(t) || !this.isCpuBound(holder) || this.gil_drop_request) return;
    const { engine } = this.ctx;
    if (engine.journal !== null) engine.say(t.id, `${t.name}: not CPU-bound, ${holder.name} is: sets gil_drop_request at once (priority)`);
    this.SET_GIL_DROP_REQUEST();
  }

  /** Forced off: CPU-bound; let go by itself: not. */
  protected override dropping(t: PyThread, forced: boolean): void {
    this.cpuBound[t.id] = forced;
  }

  /** The longest-waiting thread that is not CPU-bound, else the longest waiting. */
  protected override signalled(): PyThread | undefined {
    const waiters = this.cond.waiters;
    for (const w of waiters) if (!this.isCpuBound(w)) return w;
    return waiters.first();
  }

  override view(): GilView {
    const v = super.view();
    v.holderCpuBound = this.owner === null ? null : this.isCpuBound(this.owner);
    let urgent = 0;
    for (const w of this.cond.waiters) if (!this.isCpuBound(w)) urgent++;
    v.urgentWaiters = urgent;
    return v;
  }
}
