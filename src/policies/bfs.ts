/*
 * How the BFS GIL works (Nir Aides, bpo-7946 "Convoy effect with I/O bound threads and New GIL",
 * 2010: bfs.patch, Python/bfs.c; python-dev, "Fixing the GIL (with a BFS scheduler)", 16 May 2010)
 * =============================================================================================
 *
 * Nir Aides replaced the GIL by a small copy of Con Kolivas' Brain F**k Scheduler. Each thread
 * has a time slice (`bfs_slice`, refilled to `rr_interval` = 10 ms when spent) and a virtual
 * deadline (`bfs_deadline`, set at each refill to the scheduler's clock plus 8 slices). The clock,
 * `bfs_python_time`, advances by the running time of each holder when it yields (each interval
 * capped at one slice). The GIL goes to the waiter with the earliest deadline, or to the first
 * waiter whose deadline has passed (expired threads go in FIFO order): an I/O-bound thread uses
 * little of its slice, keeps an early deadline, and so comes first.
 *
 * - `bfs_schedule` (take): refill a spent slice; take the GIL if nobody runs. Otherwise the newcomer
 *   is *urgent* when its deadline is not later than the runner's and the runner's has not expired:
 *   an urgent newcomer takes the GIL at once if the thread chosen to run has not taken over yet
 *   (schedule snatching, after a yield for I/O), else sets `bfs_preempt` (the runner yields at its
 *   next check point); a newcomer that is not urgent sets `bfs_check_depleted` (the runner looks
 *   at its slice at its next check point). Then it queues on `bfs_rq` and waits on its own
 *   condition variable, with a timeout of 0.55 slices per waiter, after which it sets
 *   `bfs_check_depleted` again. Woken as the chosen thread while the thread that yielded for I/O is
 *   more urgent, it spins `SWITCH_BACK_TIMEOUT` (12 us) to let that one snatch the GIL back.
 * - `_bfs_yield` (drop): account the running time, pick the next thread (`bfs_find_task`) and
 *   signal it; if the next thread is more urgent (or the yielder's slice is spent), wait until it
 *   has taken over (the patch's "force switch", as FORCE_SWITCHING in Python 3).
 * - `bfs_checkpoint` (the eval breaker, set only by `bfs_preempt | bfs_check_depleted`): clear
 *   `bfs_check_depleted`; if preempted or the slice is spent, yield and schedule again.
 *
 * Followed statement by statement: Python/bfs.c as ported to CPython 3.11 (JuliaPoo/cpython,
 * commit d09535b, "barebones minimum required from bfs patch"), which keeps the 2010 patch's
 * scheduler and calls it from take_gil/drop_gil's places in ceval.c. Where the model departs:
 * - the clock is the simulated one (the patch reads the TSC, falling back to gettimeofday); reading
 *   it costs nothing in the model, and the runner looks at its slice only when a waiter's flag
 *   asks it to (as in the port; the 2010 patch also looked every 5,000 ticks);
 * - each thread's `bfs_cond` is one condition variable whose signals name their waiter (the same
 *   futex calls: a signal with nobody waiting costs nothing);
 * - the switch-back spin lasts its full 12 us (the C stops early once the yielder has snatched
 *   the GIL back; the spinner then only waits again);
 * - a thread that ends yields as one that does I/O does (the C yields with no thread state then,
 *   which skips the accounting and the force switch);
 * - Windows' thread-boost switch and the opaque-thread handling of shutdown are left out.
 * Threads that start together get the same deadline (clock 0 plus 80 ms) and, the test being
 * `<=`, each preempts the other at every check point until their first slices are spent: the
 * patch does that too; it lasts 20 ms of the clock for two CPU-bound threads.
 */
import type { PyThread } from '../interpreter/py-thread.js';
import { Activity } from '../interpreter/py-thread.js';
import { CondVar } from '../os/cond-var.js';
import { FutexMutex } from '../os/futex-mutex.js';
import { GilThread, handoverOf } from './gil-thread.js';
import { nextCheckPoint, PlainPython } from './plain-python.js';
import { emptyView, type GilPolicy, type GilView, type Handover, type Next, type PolicyContext, type ProcessSettings } from './policy.js';

/** `rr_interval`: a thread's time slice, 10 ms ("to match Windows tick resolution"). */
const RR_INTERVAL_NS = 10_000_000;
/** `DEADLINE_FACTOR`: a refilled slice's deadline is this many slices ahead of the clock. */
const DEADLINE_FACTOR = 8;
/** `SWITCH_BACK_TIMEOUT`: how long a chosen waiter spins to let a more urgent yielder snatch the GIL back, ns. */
const SWITCH_BACK_TIMEOUT_NS = 12_000;
/** A waiter's timed wait lasts this many slices per waiting thread (`bfs_threads_waiting * rr_interval * 0.55`). */
const WAIT_SLICES_PER_WAITER = 0.55;

/** Nanoseconds as milliseconds, for the journal. */
const ms = (ns: number): string => (ns / 1e6).toFixed(3);

/** What BFS keeps per thread (the patch's fields of PyThreadState). */
class BfsThread extends GilThread {
  /** `bfs_slice`: what is left of its time slice, ns. */
  slice = 0;
  /** `bfs_deadline`: its virtual deadline on the scheduler's clock, ns. */
  deadline = 0;
  /** `bfs_timestamp`: when it last took the GIL, ns. */
  timestamp = 0;
}

export class BfsGil implements GilPolicy {
  readonly name = 'bfs' as const;
  readonly interpreter = 'py3' as const;
  readonly speedFactor = 1;
  /** A 3.x design (the port is on 3.11): a signal interrupts a lock acquire (acquire_timed). */
  readonly interruptibleWaits = true;
  readonly exists = true;

  /** `bfs_mutex`: guards everything below. */
  private readonly mutex: FutexMutex<PyThread>;
  /** Each thread's `bfs_cond`. */
  private readonly cond: CondVar<PyThread>;
  /** `bfs_rq`: threads waiting for the GIL, in the order they queued (`bfs_threads_waiting` is its length). */
  private readonly rq: PyThread[] = [];
  /** `bfs_thread`: the thread chosen to run, which may not have taken over yet. */
  private bfs_thread: PyThread | null;
  /** `bfs_thread_prev`: the thread that yielded for I/O, while nobody has taken over since (it may snatch the GIL back). */
  private bfs_thread_prev: PyThread | null = null;
  /** `bfs_thread_switch`: a yielder waiting until the next thread has taken over. */
  private bfs_thread_switch: PyThread | null = null;
  /** `bfs_python_time`: the scheduler's clock, the sum of the holders' running intervals, ns. */
  private bfs_python_time = 0;
  /** `bfs_preempt`: the runner must yield at its next check point. */
  private bfs_preempt = false;
  /** `bfs_check_depleted`: the runner must look at its slice at its next check point. */
  private bfs_check_depleted = false;
  /** The thread that has taken the GIL and runs with it (the C's `bfs_thread` once it has taken over). */
  private owner: PyThread | null;
  /** The last thread that held the GIL, to count switches. */
  private last_holder: PyThread | null;
  /** Per-thread records, by thread id. */
  private readonly records: BfsThread[] = [];
  /** How Python code runs: to the next check point where a flag is seen. */
  private readonly python: PlainPython;

  constructor(
    private readonly ctx: PolicyContext,
    private readonly settings: ProcessSettings,
    holder: PyThread | null,
  ) {
    this.owner = holder;
    this.bfs_thread = holder;
    this.last_holder = holder;
    this.mutex = new FutexMutex(ctx.engine, ctx.kernel, ctx.profile, 'bfs_mutex');
    this.cond = new CondVar(ctx.engine, ctx.kernel, ctx.profile, 'bfs_cond');
    if (holder !== null) {
      // Swapped in under a running thread: it starts a fresh slice now.
      const r = this.rec(holder);
      this.refill(r);
      r.timestamp = ctx.engine.now;
    }
    this.python = new PlainPython(ctx, this, settings, {
      due: (t) => this.owner === t && (this.bfs_preempt || this.bfs_check_depleted),
      ticksUntil: (t) => (this.owner === t && (this.bfs_preempt || this.bfs_check_depleted) ? nextCheckPoint(t) : Infinity),
      check: (t, next) => this.bfs_checkpoint(t, next),
    });
  }

  private rec(t: PyThread): BfsThread {
    return (this.records[t.id] ??= new BfsThread(t));
  }

  private refill(r: BfsThread): void {
    r.slice = RR_INTERVAL_NS;
    r.deadline = this.bfs_python_time + RR_INTERVAL_NS * DEADLINE_FACTOR;
  }

  /** `_bfs_diff_ts(now, timestamp)`: the running interval since `t` took the GIL, capped at one slice. */
  private ran(r: BfsThread): number {
    const d = this.ctx.engine.now - r.timestamp;
    return d < 0 ? 0 : d > RR_INTERVAL_NS ? RR_INTERVAL_NS : d;
  }

  private setPreempt(): void {
    if (this.bfs_preempt) return;
    this.bfs_preempt = true;
    this.ctx.engine.counters.dropRequests++;
    this.breakerChanged(this.bfs_check_depleted);
  }

  private setCheckDepleted(): void {
    if (this.bfs_check_depleted) return;
    this.bfs_check_depleted = true;
    this.breakerChanged(this.bfs_preempt);
  }

  /**
   * COMPUTE_EVAL_BREAKER: the holder stops at its next check point; its burst is planned again
   * only if it did not stop there already (`alreadySet`: the other flag was up).
   */
  private breakerChanged(alreadySet: boolean): void {
    if (!alreadySet && this.owner !== null) this.python.settle(this.owner);
  }

  // ---- bfs_schedule ---------------------------------------------------------------------------

  takeGil(t: PyThread, next: Next): void {
    this.rec(t).startTake(next, this.ctx.book);
    this.mutex.lock(t, this.scheduleLocked); // MUTEX_LOCK(bfs_mutex);
  }

  private readonly scheduleLocked = (t: PyThread): void => {
    const { engine } = this.ctx;
    const r = this.rec(t);
    const pt = this.bfs_python_time;
    // /* Refill depleted slice and reset scheduling deadline. */
    if (r.slice <= 0) this.refill(r);
    const cur = this.bfs_thread;
    // /* Schedule immediately if no thread is currently running. */
    if (cur === null) {
      this.run(t);
      return;
    }
    const c = this.rec(cur);
    // is_urgent = tstate->bfs_deadline <= bfs_thread->bfs_deadline && bfs_thread->bfs_deadline >= bfs_python_time;
    const is_urgent = r.deadline <= c.deadline && c.deadline >= pt;
    // /* Schedule immediately if next thread (bfs_thread) did not take over yet and is less urgent. */
    if (is_urgent && this.bfs_thread_prev !== null) {
      if (engine.journal !== null) engine.say(t.id, `${t.name}: bfs_schedule: more urgent than ${cur.name}, which has not taken over yet: snatches the GIL`);
      this.run(t);
      return;
    }
    if (engine.journal !== null)
      engine.say(t.id, `${t.name}: bfs_schedule: ${cur.name} runs (deadlines ${ms(r.deadline)} and ${ms(c.deadline)} ms, clock ${ms(pt)} ms); ${is_urgent ? 'earlier deadline: sets bfs_preempt' : 'later deadline: sets bfs_check_depleted'}, queues`);
    if (is_urgent) this.setPreempt();
    else this.setCheckDepleted();
    // _list_append(&bfs_rq, &tstate->bfs_list); bfs_threads_waiting++;
    this.rq.push(t);
    this.waitTurn(t);
  };

  /** `while (bfs_thread != tstate) { _bfs_timed_wait(tstate, 0); ... }` */
  private readonly waitTurn = (t: PyThread): void => {
    if (this.bfs_thread === t) {
      // _list_pop(&tstate->bfs_list); bfs_threads_waiting--;
      this.run(t);
      return;
    }
    this.ctx.book.activity(t, Activity.GilWait);
    const timeout = this.rq.length * RR_INTERVAL_NS * WAIT_SLICES_PER_WAITER;
    if (this.ctx.engine.journal !== null) this.ctx.engine.say(t.id, `${t.name}: not its turn (${this.bfs_thread?.name ?? 'nobody'} is chosen): waits on bfs_cond for up to ${timeout / 1e3} us`);
    this.cond.wait(t, this.mutex, timeout, this.afterWait);
  };

  private readonly afterWait = (t: PyThread, timed_out: boolean): void => {
    const { engine, kernel } = this.ctx;
    // /* Flag running thread to check slice depletion immediately. */
    if (timed_out) {
      if (engine.journal !== null) engine.say(t.id, `${t.name}: its wait timed out: sets bfs_check_depleted`);
      this.setCheckDepleted();
    } else if (this.bfs_thread !== t) {
      if (engine.journal !== null) engine.say(t.id, `${t.name}: signalled, but ${this.bfs_thread?.name ?? 'another thread'} snatched the GIL: woken in vain`);
      this.ctx.book.inVain(t);
    }
    // /* If yielding thread is more urgent give it a chance to reschedule by spinning a little. */
    const prev = this.bfs_thread_prev;
    const r = this.rec(t);
    if (this.bfs_thread === t && prev !== null && r.deadline > this.rec(prev).deadline && r.deadline >= this.bfs_python_time) {
      if (engine.journal !== null) engine.say(t.id, `${t.name}: chosen, but ${prev.name} is more urgent: spins ${SWITCH_BACK_TIMEOUT_NS / 1e3} us to let it snatch the GIL back`);
      const cost = this.mutex.unlock(t);
      kernel.run(t, cost + SWITCH_BACK_TIMEOUT_NS, this.afterSpin);
      return;
    }
    this.waitTurn(t);
  };

  private readonly afterSpin = (t: PyThread): void => {
    if (this.ctx.engine.journal !== null) this.ctx.engine.say(t.id, `${t.name}: done spinning: locks bfs_mutex again`);
    this.mutex.lock(t, this.waitTurn);
  };

  /** The end of bfs_schedule: `t` is the running thread. */
  private run(t: PyThread): void {
    const { engine, kernel, book } = this.ctx;
    const r = this.rec(t);
    const i = this.rq.indexOf(t);
    if (i >= 0) this.rq.splice(i, 1);
    // bfs_thread = tstate; bfs_thread_prev = NULL;
    this.bfs_thread = t;
    this.bfs_thread_prev = null;
    let cost = 0;
    // /* Signal previous thread if it is waiting for the switch. */
    const w = this.bfs_thread_switch;
    if (w !== null) {
      cost += this.cond.signal(t, w);
      this.bfs_thread_switch = null;
    }
    // tstate->bfs_timestamp = get_cpu_timestamp();
    r.timestamp = engine.now;
    const previous = this.last_holder;
    this.owner = t;
    this.last_holder = t;
    if (engine.journal !== null) engine.say(t.id, `${t.name}: takes the GIL (slice left ${ms(r.slice)} ms)${w !== null ? `, signals ${w.name} waiting for the switch` : ''}`);
    const next = r.endTake(book, previous);
    cost += this.mutex.unlock(t);
    kernel.run(t, cost, next);
  }

  // ---- _bfs_yield -----------------------------------------------------------------------------

  dropGil(t: PyThread, next: Next): void {
    this.rec(t).startDrop(next);
    this.yield(t, true);
  }

  private yield(t: PyThread, fast_reschedule: boolean): void {
    const r = this.rec(t);
    // /* Update running time slice (book keeping). */
    const interval = this.ran(r);
    this.bfs_python_time += interval;
    r.slice -= interval;
    this.ctx.book.activity(t, Activity.GilDrop);
    this.mutex.lock(t, fast_reschedule ? this.yieldLockedFast : this.yieldLockedSlow);
  }

  private readonly yieldLockedFast = (t: PyThread): void => this.yieldLocked(t, true);
  private readonly yieldLockedSlow = (t: PyThread): void => this.yieldLocked(t, false);

  private yieldLocked(t: PyThread, fast_reschedule: boolean): void {
    const { engine, kernel, book } = this.ctx;
    const r = this.rec(t);
    // /* Reset preemption flags - we heard the shout. */
    this.bfs_preempt = false;
    this.bfs_check_depleted = false;
    // /* Allow re-grabbing schedule back before next thread in fast yield-schedule cycles. */
    if (fast_reschedule) this.bfs_thread_prev = t;
    this.owner = null;
    book.released(t);
    // /* Find earliest deadline thread to run */
    const next = this.bfs_find_task();
    this.bfs_thread = next;
    let cost = 0;
    if (next !== null) cost += this.cond.signal(t, next);
    if (engine.journal !== null) engine.say(t.id, `${t.name}: _bfs_yield: releases the GIL${next !== null ? `, signals ${next.name} (earliest deadline)` : ' (nobody waits)'}`);
    // /* Force yield of OS slice if next thread is more urgent. */
    if (next !== null && this.bfs_thread_switch === null && (r.slice <= 0 || this.rec(next).deadline < this.bfs_python_time || r.deadline >= this.rec(next).deadline)) {
      if (engine.journal !== null) engine.say(t.id, `${t.name}: waits until ${next.name} has taken over (force switch)`);
      this.bfs_thread_switch = t;
      kernel.run(t, cost, this.waitSwitch);
      return;
    }
    cost += this.mutex.unlock(t);
    kernel.run(t, cost, this.yieldDone);
  }

  /** `while (bfs_thread_switch == tstate) COND_WAIT(tstate->bfs_cond, bfs_mutex);` then unlock. */
  private readonly waitSwitch = (t: PyThread): void => {
    const { engine } = this.ctx;
    if (this.bfs_thread_switch === t) {
      if (engine.journal !== null) engine.say(t.id, `${t.name}: ${this.bfs_thread?.name ?? 'the next thread'} has not taken over yet: waits on bfs_cond`);
      this.cond.wait(t, this.mutex, Infinity, this.waitSwitch);
      return;
    }
    if (engine.journal !== null) engine.say(t.id, `${t.name}: ${this.owner?.name ?? 'the next thread'} has taken over: unlocks bfs_mutex`);
    this.ctx.kernel.run(t, this.mutex.unlock(t), this.yieldDone);
  };

  private readonly yieldDone = (t: PyThread): void => {
    const r = this.rec(t);
    const again = r.claimCheckNext();
    if (again === null) {
      r.endDrop();
      return;
    }
    // A yield at a check point: bfs_schedule(tstate) again.
    if (this.ctx.engine.journal !== null) this.ctx.engine.say(t.id, `${t.name}: yielded at a check point: bfs_schedule again`);
    this.takeGil(t, again);
  };

  /** `bfs_find_task`: the waiter with the earliest deadline, or the first found whose deadline has passed. */
  private bfs_find_task(): PyThread | null {
    if (this.rq.length === 0) return null;
    const pt = this.bfs_python_time;
    let task = this.rq[0];
    for (let i = 1; i < this.rq.length && this.rec(task).deadline > pt; i++) {
      const other = this.rq[i];
      if (this.rec(other).deadline < this.rec(task).deadline) task = other;
    }
    return task;
  }

  // ---- bfs_checkpoint -------------------------------------------------------------------------

  private bfs_checkpoint(t: PyThread, next: Next): void {
    const { engine } = this.ctx;
    const c = engine.counters;
    c.checks++;
    this.bfs_check_depleted = false;
    const r = this.rec(t);
    // bfs_depleted_slice: tstate->bfs_slice <= _bfs_diff_ts(get_cpu_timestamp(), tstate->bfs_timestamp)
    if (this.bfs_preempt || r.slice <= this.ran(r)) {
      if (engine.journal !== null) engine.say(t.id, `${t.name}: check point: ${this.bfs_preempt ? 'preempted' : 'slice spent'}: yields, then bfs_schedule`);
      c.forcedSwitches++;
      r.startCheck(next);
      this.yield(t, false);
      return;
    }
    if (engine.journal !== null) engine.say(t.id, `${t.name}: check point: slice not spent, runs on`);
    next(t);
  }

  runPython(t: PyThread): void {
    this.python.run(t);
  }

  cCallReturned(t: PyThread): void {
    this.python.cCallReturned(t);
  }

  settle(t: PyThread): void {
    this.python.settle(t);
  }

  // ---- control and views ---------------------------------------------------------------------

  changed(): void {
    // The slice is the patch's constant; check and switch intervals do not exist here.
  }

  holder(): PyThread | null {
    return this.owner;
  }

  handover(): Handover[] {
    return handoverOf(this.records, this.owner);
  }

  view(): GilView {
    const v = emptyView('bfs');
    v.holder = this.owner === null ? -1 : this.owner.id;
    v.waiters = this.rq.length;
    v.dropRequest = this.bfs_preempt;
    v.pendingCalls = this.settings.pendingCalls;
    v.sliceNs = RR_INTERVAL_NS;
    if (this.owner !== null) {
      const r = this.rec(this.owner);
      v.sliceLeftNs = r.slice - this.ran(r);
    }
    let earliest = Infinity;
    for (const w of this.rq) earliest = Math.min(earliest, this.rec(w).deadline);
    v.nextDeadlineNs = earliest === Infinity ? null : earliest - this.bfs_python_time;
    return v;
  }
}
