/*
 * How the Python 3 GIL works (CPython 3.2-3.11 Python/ceval_gil.h, 3.12+ ceval_gil.c)
 * ==================================================================================
 *
 * The GIL is a boolean, `locked`, guarded by a mutex and signalled through a condition
 * variable `cond`. A thread that wants it while it is taken waits on `cond` with a timeout of
 * `interval` (sys.setswitchinterval, 5 ms by default). If the wait times out and no switch
 * happened meanwhile (`switch_number` unchanged), it sets `gil_drop_request`, which the holder
 * sees at its next eval-breaker check point: it drops the GIL and, since FORCE_SWITCHING is on,
 * waits on `switch_cond` until another thread has taken it, then queues for it again. Each
 * forced switch is thus two sleep/wake hand-offs.
 *
 * `drop_gil` signals `cond`, which wakes one waiter (the kernel's futex queue is FIFO). A woken
 * waiter that finds the GIL taken again starts a new, full interval: that is the convoy effect
 * (bpo-7946): an I/O thread that drops the GIL for every recv and send lets a CPU-bound thread
 * grab it, then waits up to an interval to get it back.
 *
 * take_gil and drop_gil below follow ceval_gil.h of 3.9 line by line. `gil->mutex` is a real
 * futex-based lock: a holder that notices a drop request while the requester still holds the
 * mutex (it is between its wake-up and its next wait) sleeps on it, one more hand-off.
 */
import { FutexMutex } from '../os/futex-mutex.js';
import type { SimThread } from '../workloads/sim-thread.js';
import { Activity, GilPhase } from '../workloads/sim-thread.js';
import { emptyView, type GilPolicy, type GilView, type Next, type PolicyHost, type PolicyState } from './policy.js';

export class Py3Gil implements GilPolicy {
  readonly name = 'py3' as const;
  readonly interpreter = 'py3' as const;
  readonly speedFactor = 1;

  /** `gil->locked`: whether the GIL is taken. */
  private locked: boolean;
  /** Thread that holds it (or is in a forced drop and still counted as holding). */
  private owner: SimThread | null;
  /** `gil->last_holder`: last thread that held the GIL; tells a dropper whether anyone took it. */
  private last_holder: SimThread | null;
  /** `gil->switch_number`: GIL switches so far; a waiter only asks for a drop if it is unchanged. */
  private switch_number = 0;
  /** `gil->interval`, ns (the C code keeps microseconds). */
  private interval: number;
  /** `gil_drop_request` (folded into `eval_breaker` in CPython). */
  private gil_drop_request = false;
  /** Threads in `COND_TIMED_WAIT(gil->cond, ...)`, in the futex's FIFO order. */
  private readonly condWaiters: SimThread[] = [];
  /** `gil->mutex`: guards the fields above; contended when a waiter and the holder meet. */
  private readonly mutex: FutexMutex<SimThread>;
  /** Thread in `COND_WAIT(gil->switch_cond, ...)` inside a forced drop_gil. */
  private switchWaiter: SimThread | null = null;
  /** The user's check interval, kept for a swap back to Python 2. */
  private checkInterval: number;
  private readonly threaded: boolean;

  private readonly host: PolicyHost;

  constructor(host: PolicyHost, state: PolicyState) {
    this.host = host;
    this.interval = state.switchIntervalNs;
    this.checkInterval = state.checkInterval;
    this.threaded = state.threaded;
    this.owner = state.holder;
    this.last_holder = state.holder;
    this.locked = state.holder !== null;
    this.mutex = new FutexMutex(host.sim, host.kernel, host.profile);
  }

  // ---- take_gil -------------------------------------------------------------------------------

  takeGil(t: SimThread, next: Next): void {
    t.takeNext = next;
    t.gilPhase = GilPhase.Take;
    t.waitSince = this.host.sim.now;
    this.host.setActivity(t, Activity.GilWait);
    this.mutex.lock(t, this.takeLocked); // MUTEX_LOCK(gil->mutex)
  }

  private readonly takeLocked = (t: SimThread): void => {
    if (!this.locked) {
      this.ready(t);
      return;
    }
    this.timedWait(t);
  };

  /**
   * One pass of `while (locked) { ... COND_TIMED_WAIT(gil->cond, gil->mutex, interval) ... }`:
   * glibc's pthread_cond_timedwait registers the waiter, releases the mutex, then sleeps.
   */
  private timedWait(t: SimThread): void {
    const interval = this.interval >= 1000 ? this.interval : 1000; // INTERVAL is at least 1 µs
    t.savedSwitch = this.switch_number;
    t.signaled = false;
    t.deadline = this.host.sim.now + interval;
    this.condWaiters.push(t);
    this.host.setActivity(t, Activity.GilWait);
    this.host.kernel.run(t, this.host.cost(this.host.profile.interpreter.mutexNs), this.condWaitUnlock);
  }

  private readonly condWaitUnlock = (t: SimThread): void => {
    const cost = this.mutex.unlock();
    this.host.sim.counters.syscalls.futex_wait_timeout++;
    this.host.kernel.run(t, cost + this.host.cost(this.host.profile.syscalls.futexWaitEntryNs), this.timedWaitInKernel);
  };

  private readonly timedWaitInKernel = (t: SimThread): void => {
    if (t.signaled || t.deadline <= this.host.sim.now) {
      // Signalled before we slept (the futex word changed: EAGAIN), or already past the deadline.
      if (!t.signaled) t.timedOut = true;
      this.host.kernel.run(t, this.host.cost(this.host.profile.syscalls.futexWaitReturnNs), this.condWaitRelock);
      return;
    }
    this.host.kernel.blockFor(t, t.deadline - this.host.sim.now, this.condWaitRelock, this.host.cost(this.host.profile.syscalls.futexWaitReturnNs));
  };

  /** pthread_cond_timedwait re-locks the mutex before returning, contended or not. */
  private readonly condWaitRelock = (t: SimThread): void => {
    this.mutex.lock(t, this.afterTimedWait);
  };

  private readonly afterTimedWait = (t: SimThread): void => {
    const timed_out = !t.signaled && t.timedOut;
    if (!t.signaled) {
      const i = this.condWaiters.indexOf(t);
      if (i >= 0) this.condWaiters.splice(i, 1);
    }
    t.signaled = false;
    t.timedOut = false;
    // If we timed out and no switch occurred in the meantime, it is time to ask the GIL-holding
    // thread to drop it.
    if (timed_out && this.locked && this.switch_number === t.savedSwitch) {
      this.SET_GIL_DROP_REQUEST();
    }
    if (this.locked) {
      if (!timed_out) {
        // Signalled, but somebody else took the GIL first: a wake-up in vain.
        this.host.sim.counters.spuriousWakeups++;
        this.host.markSpurious(t);
      }
      this.timedWait(t);
      return;
    }
    this.ready(t);
  };

  private SET_GIL_DROP_REQUEST(): void {
    if (this.gil_drop_request) return;
    this.gil_drop_request = true;
    this.host.sim.counters.dropRequests++;
    if (this.owner !== null) this.host.interrupt(this.owner);
  }

  /** `_ready:` the GIL is ours. */
  private ready(t: SimThread): void {
    const previous = this.last_holder;
    this.locked = true;
    this.owner = t;
    if (t !== this.last_holder) {
      this.last_holder = t;
      ++this.switch_number;
    }
    t.gilPhase = GilPhase.None;
    this.host.gilTaken(t, previous);
    this.host.setActivity(t, Activity.Python);
    let cost = 0;
    // COND_SIGNAL(gil->switch_cond): wakes a dropper waiting for somebody to take the GIL.
    const w = this.switchWaiter;
    if (w !== null) {
      this.switchWaiter = null;
      this.host.sim.counters.syscalls.futex_wake++;
      this.host.kernel.wake(w);
      cost += this.host.cost(this.host.profile.syscalls.futexWakeNs);
    }
    if (this.gil_drop_request) this.gil_drop_request = false; // RESET_GIL_DROP_REQUEST
    cost += this.mutex.unlock(); // MUTEX_UNLOCK(gil->mutex)
    const next = t.takeNext!;
    t.takeNext = null;
    this.host.kernel.run(t, cost, next);
  }

  // ---- drop_gil -------------------------------------------------------------------------------

  dropGil(t: SimThread, next: Next): void {
    t.dropNext = next;
    t.gilPhase = GilPhase.Drop;
    this.drop_gil(t);
  }

  private drop_gil(t: SimThread): void {
    this.host.setActivity(t, Activity.GilDrop);
    this.mutex.lock(t, this.dropLocked); // MUTEX_LOCK(gil->mutex)
  }

  private readonly dropLocked = (t: SimThread): void => {
    // Fix the last holder so that the switch heuristics work.
    this.last_holder = t;
    this.locked = false;
    this.owner = null;
    this.host.gilReleased(t);
    // COND_SIGNAL(gil->cond): wakes one waiter; glibc makes no syscall when nobody waits.
    let cost = 0;
    const w = this.condWaiters.shift();
    if (w !== undefined) {
      w.signaled = true;
      this.host.sim.counters.syscalls.futex_wake++;
      this.host.kernel.wake(w);
      cost += this.host.cost(this.host.profile.syscalls.futexWakeNs);
    }
    cost += this.mutex.unlock(); // MUTEX_UNLOCK(gil->mutex)
    this.host.kernel.run(t, cost, this.afterSignal);
  };

  private readonly afterSignal = (t: SimThread): void => {
    // FORCE_SWITCHING: if a drop was requested and nobody has taken the GIL yet, wait until
    // somebody does, so that this thread cannot take it straight back.
    if (this.gil_drop_request && this.last_holder === t) {
      this.gil_drop_request = false;
      this.switchWaiter = t;
      this.host.sim.counters.syscalls.futex_wait++;
      this.host.kernel.run(t, this.host.cost(this.host.profile.syscalls.futexWaitEntryNs), this.switchWaitInKernel);
      return;
    }
    this.dropDone(t);
  };

  private readonly switchWaitInKernel = (t: SimThread): void => {
    if (this.switchWaiter !== t) {
      // Somebody took the GIL (and signalled) before we slept.
      this.host.kernel.run(t, this.host.cost(this.host.profile.syscalls.futexWaitReturnNs), this.dropDone);
      return;
    }
    this.host.kernel.block(t, this.dropDone, this.host.cost(this.host.profile.syscalls.futexWaitReturnNs));
  };

  private readonly dropDone = (t: SimThread): void => {
    if (t.checkNext !== null) {
      // A forced drop at a check point: queue for the GIL again (drop_gil; take_gil).
      const next = t.checkNext;
      t.checkNext = null;
      this.takeGil(t, next);
      return;
    }
    t.gilPhase = GilPhase.None;
    const next = t.dropNext!;
    t.dropNext = null;
    next(t);
  };

  // ---- the eval breaker -----------------------------------------------------------------------

  ticksUntilCheck(t: SimThread): number {
    if (!this.gil_drop_request || this.owner !== t) return Infinity;
    // The next check point at or after the thread's position in its loop.
    const tpc = t.ticksPerCheckpoint;
    const next = Math.ceil(t.opTicksDone / tpc) * tpc;
    return Math.max(0, Math.ceil(next - t.opTicksDone));
  }

  consumeTicks(): void {
    // Python 3 counts no ticks.
  }

  checkDue(t: SimThread): boolean {
    return this.gil_drop_request && this.owner === t;
  }

  checkOverheadNs(): number {
    return 0;
  }

  check(t: SimThread, next: Next): void {
    this.host.sim.counters.checks++;
    this.host.sim.counters.forcedSwitches++;
    t.checkNext = next;
    t.gilPhase = GilPhase.Check;
    this.drop_gil(t);
  }

  quietWindowNs(): number {
    return -1;
  }

  checkPeriodTicks(): number {
    return Infinity;
  }

  commitQuietChecks(): void {
    // Never called: Python 3 holders run to their next drop request in one burst.
  }

  // ---- control and views ---------------------------------------------------------------------

  holder(): SimThread | null {
    return this.owner;
  }

  setCheckInterval(ticks: number): void {
    this.checkInterval = ticks;
  }

  setSwitchInterval(ns: number): void {
    // Takes effect at each waiter's next timed wait, as sys.setswitchinterval does.
    this.interval = ns;
  }

  addPendingCall(): void {
    // Python 3 runs signal handlers through the eval breaker of the main thread; no storm.
  }

  state(): PolicyState {
    return { holder: this.owner, threaded: this.threaded, checkInterval: this.checkInterval, switchIntervalNs: this.interval };
  }

  view(): GilView {
    const v = emptyView('py3');
    v.holder = this.owner === null ? -1 : this.owner.id;
    v.waiters = this.condWaiters.length;
    v.switchIntervalNs = this.interval;
    let earliest = Infinity;
    for (const w of this.condWaiters) if (w.deadline < earliest) earliest = w.deadline;
    v.timeoutLeftNs = earliest === Infinity ? null : Math.max(0, earliest - this.host.sim.now);
    v.dropRequest = this.gil_drop_request;
    v.switchNumber = this.switch_number;
    return v;
  }
}
