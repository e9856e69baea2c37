/*
 * How the Python 2 GIL works (CPython 2.7, Python/ceval.c and Python/thread_pthread.h)
 * =====================================================================================
 *
 * The GIL is a plain `PyThread_type_lock`, which on Linux is a POSIX semaphore (glibc's
 * nptl/sem_post.c and nptl/sem_waitcommon.c). The eval loop counts "ticks" on a global
 * countdown, `_Py_Ticker`; when `--_Py_Ticker < 0` it resets it to `_Py_CheckInterval`, runs
 * pending calls if it is the main thread (on any other thread it sets the ticker back to 0, so
 * that every tick checks again: the signal storm), then releases the GIL and at once acquires it
 * again. No yield, no hand-off, no fairness: whoever's compare-and-swap lands first wins.
 *
 * The semaphore:
 *   sem_wait: fast path one CAS on the value; slow path nwaiters++, then futex_wait until a CAS
 *             succeeds (a woken waiter that loses the CAS waits again: a wake-up in vain); it
 *             leaves nwaiters only when it succeeds.
 *   sem_post: value = 1, then futex_wake whenever nwaiters != 0, whether or not anybody is
 *             actually asleep. The holder re-takes the value only after that syscall returns,
 *             so the window in which another core can win lasts one futex_wake.
 *
 * On several cores the woken waiter needs microseconds to run, finds the value 0 (the holder
 * took it back) and sleeps again, while the holder pays a futex_wake at every check. On one
 * core the wakee preempts the holder inside the window (CFS wake-up preemption) and wins.
 */
import { TaskState } from '../os/task.js';
import type { SimThread } from '../workloads/sim-thread.js';
import { Activity, GilPhase } from '../workloads/sim-thread.js';
import { emptyView, type GilPolicy, type GilView, type Next, type PolicyHost, type PolicyState } from './policy.js';

export class Py2Gil implements GilPolicy {
  readonly name = 'py2' as const;
  readonly interpreter = 'py2' as const;
  readonly speedFactor = 1;

  /** The semaphore's value: 1 when the GIL is free. */
  private value: number;
  /** glibc's `nwaiters`: threads inside sem_wait's slow path (asleep or not). */
  private nwaiters = 0;
  /** Threads asleep in futex_wait on the semaphore word, in the kernel's FIFO order. */
  private readonly futexQueue: SimThread[] = [];
  /** `_Py_Ticker`: ticks left before the next check (global to the interpreter). */
  private _Py_Ticker: number;
  /** `_Py_CheckInterval` (`sys.setcheckinterval`). */
  private _Py_CheckInterval: number;
  /** `pendingcalls_to_do`: a signal handler waits to be run by the main thread. */
  private pendingcalls_to_do = false;
  /** Thread that owns the GIL: took it and has not released it for I/O. */
  private owner: SimThread | null;
  /** Last thread that took the GIL (to count switches). */
  private lastOwner: SimThread | null;

  /** The user's switch interval, ns: Python 2 has none, it is kept for a swap to Python 3. */
  private switchIntervalNs: number;
  /** Whether `interpreter_lock` exists: it is created when the first thread starts. */
  private readonly interpreter_lock: boolean;

  private readonly host: PolicyHost;

  constructor(host: PolicyHost, state: PolicyState) {
    this.host = host;
    this.interpreter_lock = state.threaded;
    this.switchIntervalNs = state.switchIntervalNs;
    this._Py_CheckInterval = state.checkInterval;
    this._Py_Ticker = state.checkInterval;
    this.owner = state.holder;
    this.lastOwner = state.holder;
    this.value = state.holder === null ? 1 : 0;
  }

  // ---- PyEval_RestoreThread / PyEval_SaveThread ----------------------------------------------

  takeGil(t: SimThread, next: Next): void {
    if (!this.interpreter_lock) {
      this.host.setActivity(t, Activity.Python);
      next(t);
      return;
    }
    t.takeNext = next;
    t.gilPhase = GilPhase.Take;
    t.waitSince = this.host.sim.now;
    this.host.setActivity(t, Activity.GilWait);
    this.sem_wait(t);
  }

  dropGil(t: SimThread, next: Next): void {
    if (!this.interpreter_lock) {
      next(t);
      return;
    }
    t.dropNext = next;
    t.gilPhase = GilPhase.Drop;
    this.owner = null;
    this.host.gilReleased(t);
    this.host.setActivity(t, Activity.GilDrop);
    this.sem_post(t, this.dropped);
  }

  private readonly dropped = (t: SimThread): void => {
    t.gilPhase = GilPhase.None;
    const next = t.dropNext!;
    t.dropNext = null;
    next(t);
  };

  // ---- the periodic check in PyEval_EvalFrameEx ----------------------------------------------

  ticksUntilCheck(): number {
    return this._Py_Ticker + 1;
  }

  consumeTicks(n: number): void {
    this._Py_Ticker -= n;
    this.host.sim.counters.ticks += n;
  }

  checkDue(): boolean {
    return this._Py_Ticker < 0;
  }

  checkOverheadNs(): number {
    return this.interpreter_lock ? this.host.profile.interpreter.py2LockPairNs : 0;
  }

  check(t: SimThread, next: Next): void {
    const c = this.host.sim.counters;
    c.checks++;
    this._Py_Ticker = this._Py_CheckInterval;
    if (this.pendingcalls_to_do) {
      // Py_MakePendingCalls only runs handlers on the main thread; elsewhere it returns at once
      // and the ticker is set to 0, forcing a check at the very next tick.
      if (t.isMain) this.pendingcalls_to_do = false;
      else this._Py_Ticker = 0;
    }
    if (!this.interpreter_lock) {
      next(t);
      return;
    }
    t.checkNext = next;
    t.gilPhase = GilPhase.Check;
    // "Give another thread a chance": PyThread_release_lock (sem_post), then
    // PyThread_acquire_lock (sem_wait).
    if (this.nwaiters === 0) {
      // No waiter: sem_post makes no syscall and the CAS takes the lock straight back.
      this.retakeAfterCheck(t);
      return;
    }
    this.host.sim.counters.syscalls.futex_wake++;
    const sleeper = this.futexQueue.shift();
    if (sleeper !== undefined) this.host.kernel.wake(sleeper);
    const p = this.host.profile.syscalls;
    const window = this.host.cost(sleeper !== undefined ? p.futexWakeNs : p.futexWakeEmptyNs);
    if (t.state === TaskState.Running && this.host.sim.horizon() > this.host.sim.now + window) {
      // The holder was not preempted by the wakee, and nothing can happen anywhere before it is
      // back from futex_wake: nobody can see the semaphore at 1, so it takes it back for sure.
      t.carryNs += window;
      this.retakeAfterCheck(t);
      return;
    }
    this.value = 1;
    this.host.setActivity(t, Activity.GilDrop);
    this.host.kernel.run(t, window, this.reacquireAfterCheck);
  }

  /** The holder's CAS at the end of a check that nobody could interfere with. */
  private retakeAfterCheck(t: SimThread): void {
    t.takeNext = this.checkDone;
    this.acquired(t);
  }

  private readonly reacquireAfterCheck = (t: SimThread): void => {
    t.takeNext = this.checkDone;
    if (this.value === 0) {
      // Another thread's CAS landed inside the window: this one is a waiter now.
      t.gilPhase = GilPhase.Take;
      t.waitSince = this.host.sim.now;
    }
    this.sem_wait(t);
  };

  private readonly checkDone = (t: SimThread): void => {
    const next = t.checkNext!;
    t.checkNext = null;
    next(t);
  };

  quietWindowNs(): number {
    if (this.futexQueue.length > 0 || this.pendingcalls_to_do) return -1;
    if (!this.interpreter_lock || this.nwaiters === 0) return 0;
    return this.host.profile.syscalls.futexWakeEmptyNs;
  }

  checkPeriodTicks(): number {
    return this._Py_CheckInterval + 1;
  }

  commitQuietChecks(t: SimThread, n: number, paidWake: boolean): void {
    const c = this.host.sim.counters;
    c.checks += n;
    if (!this.interpreter_lock) return;
    c.gilAcquisitions += n;
    t.acquisitions += n;
    if (paidWake) c.syscalls.futex_wake += n;
  }

  // ---- the semaphore (glibc nptl) -------------------------------------------------------------

  /**
   * The semaphore's value as another thread sees it now. A holder running a bulk of quiet
   * checks keeps `value` at 0 and says where it stands: inside a check's window it is 1.
   */
  private semValue(): number {
    const o = this.owner;
    if (o !== null && o.bulkCycles > 0) return this.host.bulkWindowOpen(o) ? 1 : 0;
    return this.value;
  }

  /** A compare-and-swap on the value by `t`: true if it took the lock. */
  private cas(t: SimThread): boolean {
    if (this.semValue() === 0) return false;
    const o = this.owner;
    if (o !== null && o !== t && o.bulkCycles > 0) {
      // Won inside a bulk holder's window: the holder's own CAS at the end of it will fail.
      o.gilPhase = GilPhase.Check;
      this.host.cutBulk(o, this.reacquireAfterCheck);
    }
    this.value = 0;
    return true;
  }

  /** Something changed that a bulk holder's next check must act on: cut its bulk. */
  private holderMustCheck(): void {
    const o = this.owner;
    if (o !== null && o.bulkCycles > 0) this.host.cutBulk(o, null);
  }

  /** sem_wait: one CAS on the fast path; else join nwaiters and sleep on the futex. */
  private sem_wait(t: SimThread): void {
    if (this.cas(t)) {
      this.acquired(t);
      return;
    }
    this.nwaiters++;
    // From now on every check of the holder makes a futex_wake.
    if (this.nwaiters === 1) this.holderMustCheck();
    this.futex_wait(t);
  }

  private futex_wait(t: SimThread): void {
    this.host.setActivity(t, Activity.GilWait);
    const entry = this.host.cost(this.host.profile.syscalls.futexWaitEntryNs);
    if (this.decidedAhead(t, entry)) return;
    this.host.kernel.run(t, entry, this.futexWaitInKernel);
  }

  /**
   * When nothing can happen anywhere before the kernel compares the futex word (no event due,
   * the holder certainly inside its segment), that compare is made now, as of `now + entry`:
   * the same outcome one event sooner.
   */
  private decidedAhead(t: SimThread, entry: number): boolean {
    const { sim, kernel } = this.host;
    if (sim.horizon() <= sim.now + entry || !kernel.coreQueueEmpty(t)) return false;
    const o = this.owner;
    if (o !== null && o.bulkCycles > 0 && this.host.bulkQuietFor(o) <= entry) return false;
    this.futexCompare(t, entry);
    return true;
  }

  private readonly futexWaitInKernel = (t: SimThread): void => {
    this.futexCompare(t, 0);
  };

  /**
   * The kernel compares the futex word: a value that is no longer 0 returns EAGAIN at once, else
   * the thread sleeps until a futex_wake. `entryLeft`: CPU of the syscall's entry still to burn
   * when the compare is made ahead of time (see `decidedAhead`); 0 at the compare itself.
   */
  private futexCompare(t: SimThread, entryLeft: number): void {
    this.host.sim.counters.syscalls.futex_wait++;
    const ret = this.host.cost(this.host.profile.syscalls.futexWaitReturnNs);
    if (this.semValue() !== 0) {
      this.host.kernel.run(t, entryLeft + ret, this.retryCas); // EAGAIN
      return;
    }
    this.futexQueue.push(t);
    this.holderMustCheck(); // its next check has a sleeper to wake
    // Once woken and back on a core: return from futex_wait, then the CAS (a wake-up that may be in vain).
    t.woken = true;
    this.host.kernel.blockAfter(t, entryLeft, this.retryCas, ret);
  }

  /** Back in sem_wait's loop: try the CAS again; leave nwaiters only on success. */
  private readonly retryCas = (t: SimThread): void => {
    if (this.cas(t)) {
      this.nwaiters--;
      t.woken = false;
      this.acquired(t);
      return;
    }
    if (t.woken) {
      t.woken = false;
      this.host.sim.counters.spuriousWakeups++;
      this.host.markSpurious(t);
    }
    this.futex_wait(t);
  };

  /** sem_post: value 1 first, then futex_wake if anybody is in sem_wait's slow path. */
  private sem_post(t: SimThread, next: Next): void {
    this.value = 1;
    if (this.nwaiters === 0) {
      next(t);
      return;
    }
    this.host.sim.counters.syscalls.futex_wake++;
    const sleeper = this.futexQueue.shift();
    const p = this.host.profile.syscalls;
    if (sleeper !== undefined) {
      this.host.kernel.wake(sleeper);
      this.host.kernel.run(t, this.host.cost(p.futexWakeNs), next);
    } else {
      this.host.kernel.run(t, this.host.cost(p.futexWakeEmptyNs), next);
    }
  }

  private acquired(t: SimThread): void {
    const previous = this.lastOwner;
    // A holder that lost the GIL inside its check window stops holding it now.
    if (this.owner !== null && this.owner !== t) this.host.gilReleased(this.owner);
    this.owner = t;
    this.lastOwner = t;
    t.gilPhase = GilPhase.None;
    this.host.gilTaken(t, previous);
    this.host.setActivity(t, Activity.Python);
    const next = t.takeNext!;
    t.takeNext = null;
    next(t);
  }

  // ---- control and views ---------------------------------------------------------------------

  holder(): SimThread | null {
    return this.owner;
  }

  setCheckInterval(ticks: number): void {
    // sys.setcheckinterval also resets the ticker.
    this._Py_CheckInterval = ticks;
    this._Py_Ticker = ticks;
  }

  setSwitchInterval(ns: number): void {
    // Python 2 has no switch interval; kept for a swap to Python 3.
    this.switchIntervalNs = ns;
  }

  addPendingCall(): void {
    this.pendingcalls_to_do = true;
    // Py_AddPendingCall sets _Py_Ticker = 0 so that the check comes at once.
    this._Py_Ticker = 0;
  }

  state(): PolicyState {
    return { holder: this.owner, threaded: this.interpreter_lock, checkInterval: this._Py_CheckInterval, switchIntervalNs: this.switchIntervalNs };
  }

  view(): GilView {
    const v = emptyView('py2');
    v.holder = this.owner === null ? -1 : this.owner.id;
    v.waiters = this.nwaiters;
    // The ticker as the holder's work stands now (a burst only commits its ticks when it ends).
    const o = this.owner;
    const live = o === null ? this._Py_Ticker : o.bulkCycles > 0 ? this._Py_CheckInterval - this.host.ticksIntoBurst(o) : this._Py_Ticker - this.host.ticksIntoBurst(o);
    v.ticker = Math.max(live, 0);
    v.checkInterval = this._Py_CheckInterval;
    v.semValue = this.semValue();
    v.nwaiters = this.nwaiters;
    v.pendingCalls = this.pendingcalls_to_do;
    return v;
  }
}
