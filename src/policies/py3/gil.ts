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
 * `drop_gil` signals `cond`, which wakes one waiter. A woken waiter that finds the GIL taken
 * again starts a new, full interval: that is the convoy effect (bpo-7946): an I/O thread that
 * drops the GIL for every recv and send lets a CPU-bound thread grab it, then waits up to an
 * interval to get it back.
 *
 * take_gil and drop_gil below follow ceval_gil.h of 3.9 statement by statement; each C statement
 * is quoted where the model carries it out. A C function that blocks is cut into continuations
 * at each place it can sleep. Where the model departs from the C:
 * - `gil->mutex` is a real futex lock (os/futex-mutex.ts): a holder that notices a drop request
 *   while the requester still holds the mutex sleeps on it, one more hand-off.
 * - `switch_mutex` is not modelled: it is taken only by the dropper and the taker, in short
 *   critical sections under `gil->mutex` or right after it, and never contended in the model's
 *   runs; `switch_cond` is a plain futex wait and wake.
 * - the condition variable `cond` wakes its waiters in the order they started waiting (the
 *   kernel's futex queue is FIFO; glibc 2.25+ groups waiters, which the model does not).
 *
 * Over 300 lines on purpose: take_gil and drop_gil stay in one file so that the file reads
 * against ceval_gil.h from top to bottom.
 */
import type { PyThread } from '../../interpreter/py-thread.js';
import { Activity } from '../../interpreter/py-thread.js';
import { CondVar } from '../../os/cond-var.js';
import { FutexMutex } from '../../os/futex-mutex.js';
import { GilThread, handoverOf } from '../gil-thread.js';
import { nextCheckPoint, PlainPython } from '../plain-python.js';
import { emptyView, type GilPolicy, type GilView, type Handover, type Next, type PolicyContext, type PolicyName, type ProcessSettings, type SettingChange } from '../policy.js';

/** What the Python 3 GIL keeps per thread. */
class Py3Thread extends GilThread {
  /** `saved_switchnum`: `switch_number` when this waiter started its timed wait. */
  savedSwitch = 0;
}

/**
 * The Python 3 GIL. Variants built on it (the priority GIL) override the protected hooks, each
 * called where the C they model departs from ceval_gil.h; here they do what 3.9 does.
 */
export class Py3Gil implements GilPolicy {
  readonly name: PolicyName = 'py3';
  readonly interpreter = 'py3' as const;
  readonly speedFactor = 1;
  readonly interruptibleWaits = true;
  readonly exists = true;

  /** Thread that holds it: taken by `_ready`, given up under the mutex in drop_gil. */
  protected owner: PyThread | null;
  /** `gil->locked`: whether the GIL is taken (the model keeps who has it). */
  private get locked(): boolean {
    return this.owner !== null;
  }
  /** `gil->last_holder`: last thread that held the GIL; tells a dropper whether anyone took it. */
  private last_holder: PyThread | null;
  /** `gil->switch_number`: GIL switches so far; a waiter only asks for a drop if it is unchanged. */
  private switch_number = 0;
  /** `gil_drop_request` (folded into `eval_breaker` in CPython). */
  protected gil_drop_request = false;
  /** `gil->cond`: threads in `COND_TIMED_WAIT(gil->cond, ...)`, in the futex's FIFO order. */
  protected readonly cond: CondVar<PyThread>;
  /** `gil->mutex`: guards the fields above; contended when a waiter and the holder meet. */
  private readonly mutex: FutexMutex<PyThread>;
  /** `gil->switch_cond`, waited on by a forced drop_gil. */
  private readonly switch_cond: CondVar<PyThread>;
  /** Per-thread records, by thread id. */
  private readonly records: Py3Thread[] = [];
  /** How Python code runs: to the next check point where a drop request is seen. */
  private readonly python: PlainPython;

  constructor(
    protected readonly ctx: PolicyContext,
    private readonly settings: ProcessSettings,
    holder: PyThread | null,
  ) {
    this.owner = holder;
    this.last_holder = holder;
    this.mutex = new FutexMutex(ctx.engine, ctx.kernel, ctx.profile, 'gil->mutex');
    this.cond = new CondVar(ctx.engine, ctx.kernel, ctx.profile, 'cond');
    this.switch_cond = new CondVar(ctx.engine, ctx.kernel, ctx.profile, 'switch_cond');
    this.python = new PlainPython(ctx, this, settings, {
      due: (t) => this.gil_drop_request && this.owner === t,
      ticksUntil: (t) => this.ticksUntilCheckPoint(t),
      check: (t, next) => this.forcedDrop(t, next),
    });
  }

  private rec(t: PyThread): Py3Thread {
    return (this.records[t.id] ??= new Py3Thread(t));
  }

  /** `INTERVAL`: the switch interval, at least 1 µs. */
  protected get interval(): number {
    const i = this.settings.switchIntervalNs;
    return i >= 1000 ? i : 1000;
  }

  // ---- take_gil -------------------------------------------------------------------------------

  takeGil(t: PyThread, next: Next): void {
    this.rec(t).startTake(next, this.ctx.book);
    this.mutex.lock(t, this.takeLocked); // MUTEX_LOCK(gil->mutex);
  }

  private readonly takeLocked = (t: PyThread): void => {
    // if (!_Py_atomic_load_relaxed(&gil->locked)) goto _ready;
    if (!this.locked) {
      this.ready(t);
      return;
    }
    const { engine } = this.ctx;
    if (engine.journal !== null) engine.say(t.id, `${t.name}: take_gil: ${this.owner!.name} holds the GIL: waits on cond for up to ${this.interval / 1e3} us`);
    this.timedWait(t);
  };

  /**
   * One pass of `while (locked) { saved_switchnum = gil->switch_number; COND_TIMED_WAIT(gil->cond,
   * gil->mutex, INTERVAL, timed_out); ... }`: glibc's pthread_cond_timedwait registers the
   * waiter, releases the mutex, then sleeps.
   */
  private timedWait(t: PyThread): void {
    this.beforeTimedWait(t);
    this.rec(t).savedSwitch = this.switch_number;
    this.ctx.book.activity(t, Activity.GilWait);
    this.cond.wait(t, this.mutex, this.interval, this.afterTimedWait);
  }

  private readonly afterTimedWait = (t: PyThread, timed_out: boolean): void => {
    const r = this.rec(t);
    // /* If we timed out and no switch occurred in the meantime, it is time
    //    to ask the GIL-holding thread to drop it. */
    // if (timed_out && _Py_atomic_load_relaxed(&gil->locked) && gil->switch_number == saved_switchnum) {
    //     SET_GIL_DROP_REQUEST(interp);
    // }
    const { engine } = this.ctx;
    if (timed_out && this.locked && this.switch_number === r.savedSwitch) {
      if (engine.journal !== null) engine.say(t.id, `${t.name}: waited ${this.interval / 1e3} us with no switch: sets gil_drop_request`);
      this.SET_GIL_DROP_REQUEST();
    }
    // while (_Py_atomic_load_relaxed(&gil->locked)) { ... }
    if (this.locked) {
      // Signalled, but somebody else took the GIL first: a wake-up in vain.
      if (!timed_out) {
        if (engine.journal !== null) engine.say(t.id, `${t.name}: signalled, but ${this.owner!.name} took the GIL first: woken in vain`);
        this.ctx.book.inVain(t);
      } else if (engine.journal !== null && this.switch_number !== r.savedSwitch) engine.say(t.id, `${t.name}: timed out, but the GIL changed hands meanwhile: no drop request, waits again`);
      else if (engine.journal !== null) engine.say(t.id, `${t.name}: ${this.owner!.name} still holds the GIL: waits again`);
      this.timedWait(t);
      return;
    }
    this.ready(t);
  };

  protected SET_GIL_DROP_REQUEST(): void {
    if (this.gil_drop_request) return;
    this.gil_drop_request = true;
    this.ctx.engine.counters.dropRequests++;
    // The holder sees it at its next check point: cut its burst there.
    if (this.owner !== null) this.python.settle(this.owner);
  }

  /** `_ready:` the GIL is ours. */
  private ready(t: PyThread): void {
    const { engine, kernel, profile, book } = this.ctx;
    const r = this.rec(t);
    const previous = this.last_holder;
    // _Py_atomic_store_relaxed(&gil->locked, 1);
    this.owner = t;
    // if (tstate != (PyThreadState*)_Py_atomic_load_relaxed(&gil->last_holder)) {
    //     _Py_atomic_store_relaxed(&gil->last_holder, (uintptr_t)tstate);
    //     ++gil->switch_number;
    // }
    if (t !== this.last_holder) {
      this.last_holder = t;
      ++this.switch_number;
    }
    // A forced dropper waits on switch_cond for somebody to take the GIL.
    const dropper = this.switch_cond.waiters.first();
    if (engine.journal !== null) engine.say(t.id, `${t.name}: takes the GIL (switch_number ${this.switch_number})${dropper !== undefined ? `, signals switch_cond: wakes ${dropper.name}` : ''}`);
    const next = r.endTake(book, previous);
    // COND_SIGNAL(gil->switch_cond): wakes that dropper (no syscall when nobody waits).
    let cost = this.switch_cond.signal(t, dropper);
    // if (_Py_atomic_load_relaxed(&ceval2->gil_drop_request)) { RESET_GIL_DROP_REQUEST(interp); }
    if (this.gil_drop_request) this.gil_drop_request = false;
    // MUTEX_UNLOCK(gil->mutex);
    cost += this.mutex.unlock(t);
    kernel.run(t, cost, next);
  }

  // ---- drop_gil -------------------------------------------------------------------------------

  dropGil(t: PyThread, next: Next): void {
    this.dropping(t, false);
    this.rec(t).startDrop(next);
    this.drop_gil(t);
  }

  private drop_gil(t: PyThread): void {
    this.ctx.book.activity(t, Activity.GilDrop);
    this.mutex.lock(t, this.dropLocked); // MUTEX_LOCK(gil->mutex);
  }

  private readonly dropLocked = (t: PyThread): void => {
    const { engine, kernel, book } = this.ctx;
    // _Py_atomic_store_relaxed(&gil->last_holder, (uintptr_t)tstate);
    // (done under the mutex here; the C stores it just before locking)
    this.last_holder = t;
    // _Py_atomic_store_relaxed(&gil->locked, 0);
    this.owner = null;
    book.released(t);
    // COND_SIGNAL(gil->cond): wakes one waiter; glibc makes no syscall when nobody waits.
    const w = this.signalled();
    if (engine.journal !== null) engine.say(t.id, `${t.name}: drop_gil: releases the GIL${w !== undefined ? `, signals cond: wakes ${w.name}` : ' (nobody waits)'}`);
    let cost = this.cond.signal(t, w);
    // MUTEX_UNLOCK(gil->mutex);
    cost += this.mutex.unlock(t);
    kernel.run(t, cost, this.afterSignal);
  };

  private readonly afterSignal = (t: PyThread): void => {
    const { engine } = this.ctx;
    // #ifdef FORCE_SWITCHING
    // if (_Py_atomic_load_relaxed(&ceval2->gil_drop_request) && tstate != NULL) {
    //     /* Not switched yet => wait */
    //     if (((PyThreadState*)_Py_atomic_load_relaxed(&gil->last_holder)) == tstate) {
    //         RESET_GIL_DROP_REQUEST(tstate->interp);
    //         COND_WAIT(gil->switch_cond, gil->switch_mutex);
    //     }
    // }
    if (this.gil_drop_request && this.last_holder === t) {
      if (engine.journal !== null) engine.say(t.id, `${t.name}: nobody has taken the GIL yet: waits on switch_cond (FORCE_SWITCHING)`);
      this.gil_drop_request = false;
      this.switch_cond.wait(t, null, Infinity, this.dropDone);
      return;
    }
    this.dropDone(t);
  };

  private readonly dropDone = (t: PyThread): void => {
    const r = this.rec(t);
    const again = r.claimCheckNext();
    if (again === null) {
      r.endDrop();
      return;
    }
    // A forced drop at a check point: queue for the GIL again (drop_gil; take_gil).
    if (this.ctx.engine.journal !== null) this.ctx.engine.say(t.id, `${t.name}: drop_gil is done: take_gil, to run its loop again`);
    this.takeGil(t, again);
  };

  // ---- the eval breaker -----------------------------------------------------------------------

  /** Ticks to the next check point at or after the holder's position in its loop, when a drop is requested. */
  private ticksUntilCheckPoint(t: PyThread): number {
    if (!this.gil_drop_request || this.owner !== t) return Infinity;
    return nextCheckPoint(t);
  }

  /** `if (gil_drop_request) { drop_gil(tstate); take_gil(tstate); }` at a check point. */
  private forcedDrop(t: PyThread, next: Next): void {
    if (this.ctx.engine.journal !== null) this.ctx.engine.say(t.id, `${t.name}: sees gil_drop_request at a check point: drop_gil, then take_gil`);
    const c = this.ctx.engine.counters;
    c.checks++;
    c.forcedSwitches++;
    this.rec(t).startCheck(next);
    this.dropping(t, true);
    this.drop_gil(t);
  }

  // ---- where a variant departs from ceval_gil.h ------------------------------------------------

  /** At the top of each pass of take_gil's `while (locked)` loop, before the timed wait. */
  protected beforeTimedWait(_t: PyThread): void {}

  /** `t` is about to drop the GIL: for I/O or at its end (`forced` false), or at a check point because of a drop request. */
  protected dropping(_t: PyThread, _forced: boolean): void {}

  /** The waiter `COND_SIGNAL(gil->cond)` wakes (undefined: nobody waits): the longest waiting. */
  protected signalled(): PyThread | undefined {
    return this.cond.waiters.first();
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

  changed(_what: SettingChange): void {
    // sys.setswitchinterval takes effect at each waiter's next timed wait; Python 3 runs signal
    // handlers through the main thread's eval breaker (no storm); check intervals do not exist.
  }

  holder(): PyThread | null {
    return this.owner;
  }

  handover(): Handover[] {
    return handoverOf(this.records, this.owner);
  }

  view(): GilView {
    const v = emptyView(this.name);
    v.holder = this.owner === null ? -1 : this.owner.id;
    v.waiters = this.cond.waiters.length;
    v.switchIntervalNs = this.settings.switchIntervalNs;
    v.pendingCalls = this.settings.pendingCalls;
    let earliest = Infinity;
    for (const w of this.cond.waiters) {
      const d = this.cond.deadlineOf(w);
      if (d < earliest) earliest = d;
    }
    v.timeoutLeftNs = earliest === Infinity ? null : Math.max(0, earliest - this.ctx.engine.now);
    v.dropRequest = this.gil_drop_request;
    v.switchNumber = this.switch_number;
    return v;
  }
}
