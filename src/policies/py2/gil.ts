/*
 * How the Python 2 GIL works (CPython 2.7, Python/ceval.c and Python/thread_pthread.h)
 * =====================================================================================
 *
 * The GIL is a plain `PyThread_type_lock`, which on Linux is a POSIX semaphore (semaphore.ts).
 * The eval loop counts "ticks" on a global countdown, `_Py_Ticker`; when `--_Py_Ticker < 0` it
 * resets it to `_Py_CheckInterval`, runs pending calls if it is the main thread (on any other
 * thread it sets the ticker back to 0, so that every tick checks again: the signal storm), then
 * releases the GIL and at once acquires it again. No yield, no hand-off, no fairness: whoever's
 * compare-and-swap lands first wins.
 *
 * sem_post makes the value 1 before its futex_wake, and the holder re-takes the value only after
 * that syscall returns, so the window in which another core can win lasts one futex_wake. On
 * several cores the woken waiter needs microseconds to run, finds the value 0 (the holder took it
 * back) and sleeps again, while the holder pays a futex_wake at every check. On one core the
 * wakee preempts the holder inside the window (CFS wake-up preemption) and wins.
 *
 * A single-threaded program has no GIL at all: PyEval_InitThreads creates it when the first
 * thread starts. Checks that touch nobody run many at a time (quiet-checks.ts).
 *
 * Over 300 lines on purpose: the eval loop's side of the GIL (PyEval_RestoreThread, SaveThread,
 * the ticker and the check) reads in one place against ceval.c.
 */
import type { PyThread } from '../../interpreter/py-thread.js';
import { Activity } from '../../interpreter/py-thread.js';
import { TaskState } from '../../os/task.js';
import { emptyView, type GilPolicy, type GilView, type Handover, type Next, type PolicyContext, type ProcessSettings, type SettingChange } from '../policy.js';
import { tickCost } from '../../interpreter/gil-port.js';
import { handoverOf } from '../gil-thread.js';
import { Phase, Py2Thread } from './py2-thread.js';
import { BattleFold } from './battle-fold.js';
import { QuietChecks } from './quiet-checks.js';
import { Py2Semaphore } from './semaphore.js';

export class Py2Gil implements GilPolicy {
  readonly name = 'py2' as const;
  readonly interpreter = 'py2' as const;
  readonly speedFactor = 1;
  readonly interruptibleWaits = false;

  /** The semaphore behind `interpreter_lock`. */
  readonly sem: Py2Semaphore;
  /** The bulk fast path. */
  readonly quiet: QuietChecks;
  /** The battle fast path. */
  private readonly battle: BattleFold;
  /** Whether `interpreter_lock` exists: it is created when the first thread starts. */
  readonly exists: boolean;
  /** Thread that owns the GIL: took it and has not released it for I/O. */
  owner: PyThread | null;
  /** Last thread that took the GIL (to count switches). */
  private lastOwner: PyThread | null;
  /** The thread the GIL last went to another thread from (in a two-thread battle: the other one). */
  rival: PyThread | null = null;
  /** `_Py_Ticker`: ticks left before the next check (global to the interpreter; the battle fold counts it too). */
  _Py_Ticker: number;
  /** Per-thread records, by thread id. */
  private readonly records: Py2Thread[] = [];

  /** `pendingcalls_to_do`: a signal handler waits to be run by the main thread (the process keeps it). */
  get pendingCalls(): boolean {
    return this.settings.pendingCalls;
  }

  constructor(
    private readonly ctx: PolicyContext,
    readonly settings: ProcessSettings,
    holder: PyThread | null,
  ) {
    this.exists = settings.threaded;
    this._Py_Ticker = settings.checkInterval;
    this.owner = holder;
    this.lastOwner = holder;
    this.sem = new Py2Semaphore(ctx, this, holder === null ? 1 : 0);
    this.quiet = new QuietChecks(ctx, this);
    this.battle = new BattleFold(ctx, this);
  }

  /** The record this GIL keeps for `t`. */
  rec(t: PyThread): Py2Thread {
    return (this.records[t.id] ??= new Py2Thread(t));
  }

  // ---- PyEval_RestoreThread / PyEval_SaveThread ----------------------------------------------

  takeGil(t: PyThread, next: Next): void {
    const { book } = this.ctx;
    if (!this.exists) {
      book.activity(t, Activity.Python);
      next(t);
      return;
    }
    this.rec(t).startTake(next, book);
    this.sem.wait(t);
  }

  dropGil(t: PyThread, next: Next): void {
    if (!this.exists) {
      next(t);
      return;
    }
    this.rec(t).startDrop(next);
    const { engine } = this.ctx;
    if (engine.journal !== null) engine.say(t.id, `${t.name}: releases the GIL (sem_post)${this.sem.nwaiters > 0 ? `, ${this.sem.nwaiters} in sem_wait` : ''}`);
    this.owner = null;
    this.ctx.book.released(t);
    this.ctx.book.activity(t, Activity.GilDrop);
    this.sem.post(t, this.dropped);
  }

  private readonly dropped = (t: PyThread): void => {
    this.rec(t).endDrop();
  };

  /** The semaphore was taken by `t` (in sem_wait or a check's re-take): it holds the GIL. */
  acquired(t: PyThread): void {
    this.own(t)(t);
  }

  /** The books of `acquired`: `t` owns the GIL now. Returns what it does next (not yet called). */
  own(t: PyThread): Next {
    const { book } = this.ctx;
    const previous = this.lastOwner;
    // A holder that lost the GIL inside its check window stops holding it now.
    if (this.owner !== null && this.owner !== t) book.released(this.owner);
    if (previous !== null && previous !== t) this.rival = previous;
    this.owner = t;
    this.lastOwner = t;
    return this.rec(t).endTake(book, previous);
  }

  // ---- running Python: the ticker and the periodic check in PyEval_EvalFrameEx ---------------

  /** Ticks until the next check. */
  ticksUntilCheck(): number {
    return this._Py_Ticker + 1;
  }

  /** Ticks from one check to the next when nothing intervenes. */
  checkPeriodTicks(): number {
    return this.settings.checkInterval + 1;
  }

  /** CPU a check costs the holder before its decisive step (the uncontended release and re-take). */
  checkOverheadNs(): number {
    return this.exists ? this.ctx.profile.interpreter.py2LockPairNs : 0;
  }

  /** Counts `k` ticks of the holder's loop: on its work and on `_Py_Ticker`. */
  commitTicks(t: PyThread, k: number): void {
    t.work.commit(k);
    this._Py_Ticker -= k;
    this.ctx.engine.counters.ticks += k;
  }

  runPython(t: PyThread, entry: 'loop' | 'afterCheck' = 'loop'): void {
    if (entry === 'afterCheck') this.afterCheck(t);
    else this.segment(t);
  }

  /** Runs the holder's loop up to its next check (or its end) in one burst. */
  private segment(t: PyThread): void {
    if (t.work.ticksLeft <= 0) {
      this.ctx.step(t);
      return;
    }
    if (this._Py_Ticker < 0) {
      this.check(t, this.ctx.resumeAfterCheck);
      return;
    }
    this.ctx.kernel.run(t, this.planSegment(t), this.segmentDone);
  }

  /** Plans `t`'s loop up to its next check (or its end) as one burst, paying what it carries and owes; returns its length in the kernel's whole ns, for `segmentDone` to end. */
  planSegment(t: PyThread): number {
    const until = this.ticksUntilCheck();
    const k = until < t.work.ticksLeft ? until : t.work.ticksLeft;
    return this.ctx.bursts.plan(t, k, k === until ? this.checkOverheadNs() : 0, this.rec(t).takeCarry());
  }

  /** The end of a segment's burst. */
  readonly segmentDone = (t: PyThread): void => {
    this.ctx.bursts.end(t);
    this.commitTicks(t, t.burst.ticks);
    this.afterSegment(t);
    // A check was done: if two threads battle over the GIL from here, run the battle itself.
    if (this.ctx.engine.foldUntil > this.ctx.engine.now) this.battle.fold(t);
  };

  /** The end of a burst: the check if the ticker ran out, then on with the loop. */
  afterSegment(t: PyThread): void {
    if (this._Py_Ticker < 0) this.check(t, this.ctx.resumeAfterCheck);
    else this.afterCheck(t);
  }

  /** The holder is past a check and holds the GIL again: a bulk of quiet checks if it can, else a segment. */
  readonly afterCheck = (t: PyThread): void => {
    if (t.work.ticksLeft > 0 && this.quiet.tryBulk(t)) return;
    this.segment(t);
  };

  /**
   * Starts a fresh segment from where the thread stands, `partialNs` into a tick; `retime`:
   * first look up the cost of a tick again (the interpreter may have changed).
   */
  replan(t: PyThread, partialNs: number, retime = false): void {
    if (retime && t.work.ticksLeft > 0) t.work.nsPerTick = tickCost(this.ctx.profile, this, t.work);
    const until = this.ticksUntilCheck();
    const k = Math.max(0, until < t.work.ticksLeft ? until : t.work.ticksLeft);
    const carry = this.rec(t).takeCarry();
    this.ctx.bursts.replan(t, k, partialNs, k === until ? this.checkOverheadNs() : 0, carry, this.segmentDone);
  }

  settle(t: PyThread): void {
    const b = this.rec(t).bulk;
    if (!t.burst.active && b.cycles === 0) return;
    if (t.state !== TaskState.Running && t.state !== TaskState.Runnable) return;
    if (b.cycles > 0) {
      this.quiet.cut(t, null, true);
      return;
    }
    const { bursts } = this.ctx;
    const doneNs = bursts.progressNs(t);
    const done = Math.min(t.burst.ticks, Math.floor(doneNs / t.work.nsPerTick));
    if (done > 0) this.commitTicks(t, done);
    this.replan(t, Math.max(0, doneNs - done * t.work.nsPerTick), true);
  }

  cCallReturned(t: PyThread): void {
    if (this._Py_Ticker < 0) this.check(t, this.ctx.step);
    else this.ctx.step(t);
  }

  /** The check: pending calls, then "give another thread a chance": sem_post, then sem_wait. */
  private check(t: PyThread, next: Next): void {
    const { engine, kernel, book } = this.ctx;
    this.countCheck(t);
    if (this.pendingCalls) {
      if (engine.journal !== null)
        engine.say(t.id, t.isMain ? `${t.name}: check: runs the pending signal handler (it is the main thread)` : `${t.name}: check: a signal is pending, but only the main thread may handle it: _Py_Ticker = 0, check again at the next tick`);
      if (t.isMain) this.ctx.runSignalHandler(t);
    }
    if (!this.exists) {
      next(t);
      return;
    }
    const r = this.rec(t);
    r.startCheck(next);
    // sem_post's atomic add: the word's cache line comes back if a waiter looked at it meanwhile.
    const line = this.sem.touch(t);
    if (this.sem.nwaiters === 0) {
      // No waiter: sem_post makes no syscall and the CAS takes the lock straight back.
      if (engine.journal !== null) engine.say(t.id, `${t.name}: check at tick 0: releases the GIL and takes it back (nobody waits: no syscall)`);
      r.owedNs += line;
      this.retake(t);
      return;
    }
    const sleeper = this.sem.futexQueue.shift();
    if (engine.journal !== null)
      engine.say(t.id, `${t.name}: check at tick 0, sem_post: ${sleeper !== undefined ? `futex_wake wakes ${sleeper.name}` : `futex_wake finds nobody asleep (${this.sem.nwaiters} awake in sem_wait)`}`);
    const window = line + kernel.futexWake(sleeper, t.core);
    if (t.state === TaskState.Running && engine.horizon() > engine.now + window) {
      // The holder was not preempted by the wakee, and nothing can happen anywhere before it is
      // back from futex_wake: nobody can see the semaphore at 1, so it takes it back for sure.
      r.carryNs += window;
      this.retake(t);
      return;
    }
    this.sem.value = 1;
    book.activity(t, Activity.GilDrop);
    kernel.run(t, window, this.reacquireAfterCheck);
  }

  /**
   * A check by `t` begins: it is counted and `_Py_Ticker` starts over from the interval, or from 0
   * with a signal pending off the main thread (Py_MakePendingCalls runs handlers only on the main
   * thread; elsewhere it returns at once and the very next tick checks again).
   */
  countCheck(t: PyThread): void {
    this.ctx.engine.counters.checks++;
    this._Py_Ticker = this.pendingCalls && !t.isMain ? 0 : this.settings.checkInterval;
  }

  /** The holder's CAS at the end of a check that nobody could interfere with. */
  private retake(t: PyThread): void {
    this.rec(t).takeNext = this.checkDone;
    this.acquired(t);
  }

  /** The holder is back from its check's futex_wake: sem_wait again (another thread may have won). */
  readonly reacquireAfterCheck = (t: PyThread): void => {
    const r = this.rec(t);
    r.takeNext = this.checkDone;
    if (this.sem.value === 0) {
      // Another thread's CAS landed inside the window: this one is a waiter now.
      if (this.ctx.engine.journal !== null) this.ctx.engine.say(t.id, `${t.name}: back from futex_wake: ${this.owner?.name ?? 'another thread'} took the GIL meanwhile`);
      r.phase = Phase.Take;
      this.ctx.book.waiting(t);
    }
    this.sem.wait(t);
  };

  /** A check's sem_wait took the GIL: on with what came after the check. */
  readonly checkDone = (t: PyThread): void => {
    this.rec(t).claimCheckNext()!(t);
  };

  // ---- control and views ---------------------------------------------------------------------

  changed(what: SettingChange): void {
    if (what === 'checkInterval') {
      // sys.setcheckinterval also resets the ticker.
      this._Py_Ticker = this.settings.checkInterval;
    } else if (what === 'signal') {
      // Py_AddPendingCall sets _Py_Ticker = 0 so that the check comes at once.
      this._Py_Ticker = 0;
    }
  }

  holder(): PyThread | null {
    return this.owner;
  }

  handover(): Handover[] {
    return handoverOf(this.records, this.owner);
  }

  view(): GilView {
    const v = emptyView('py2');
    const o = this.owner;
    v.holder = o === null ? -1 : o.id;
    v.waiters = this.sem.nwaiters;
    // The ticker as the holder's work stands now (a burst only commits its ticks when it ends).
    const ci = this.settings.checkInterval;
    const live = o === null ? this._Py_Ticker : this.rec(o).bulk.cycles > 0 ? ci - this.quiet.ticksIntoBulk(o) : this._Py_Ticker - this.ticksIntoSegment(o);
    v.ticker = Math.max(live, 0);
    v.checkInterval = ci;
    v.semValue = this.sem.valueNow();
    v.nwaiters = this.sem.nwaiters;
    v.pendingCalls = this.pendingCalls;
    return v;
  }

  private ticksIntoSegment(t: PyThread): number {
    return t.burst.active ? this.ctx.bursts.ticksDone(t) : 0;
  }
}
