import { Activity, type PyThread } from '../../interpreter/py-thread.js';
import type { Next, PolicyContext } from '../policy.js';
import type { Py2Gil } from './gil.js';
import { Phase, type Py2Thread } from './py2-thread.js';

/** What a folded thread's burst ends in: the four steps of a battle over the Python 2 GIL. */
const None = -1;
/** `segmentDone`: the holder's segment ends at a check. */
const Segment = 0;
/** `futexWaitInKernel`: a waiter's futex_wait compares the word. */
const FutexCompare = 1;
/** `retryCas`: a waiter back in sem_wait's loop tries the compare-and-swap again. */
const Retry = 2;
/** `reacquireAfterCheck`: the old holder is back from its check's futex_wake. */
const Reacquire = 3;

/** How an event of the fold went. */
const Go = 0;
/** The fold stops: the event was left to the queue (nothing done), or was finished by the generic code. */
const Stop = 1;

/**
 * Python 2's second fast path: the battle. Two threads that fight over the GIL on two cores
 * (the article's `py2-threads-2cores`) make four events per switch: the holder's check, the
 * waiter's futex_wait returning EAGAIN, its compare-and-swap, the old holder back from
 * futex_wake finding the GIL taken. Each goes through the queue, the kernel and a continuation.
 *
 * The fold runs those events here instead, one after the other, while nothing else can happen:
 * it keeps the two threads' burst ends itself (out of the queue), takes the earlier one while
 * it comes before every other event (and before the end of the slice the caller asked for),
 * and does what the continuation does, the same random draws in the same order, the same books
 * and trace. Each is counted as an event. Whatever is not one of the steps above in its common
 * form (a sleep, a wake, a bulk of quiet checks, the end of a loop, a signal, a narrated run) is
 * not folded: the burst ends go back to the queue, in the order they were planned, and the
 * generic code goes on, before the event or from the point the fold reached. The results are
 * the same event for event (test/model/battle-fold.test.ts runs every preset both ways).
 */
export class BattleFold {
  /** The folded threads, slot 0 (the rival) and slot 1 (the thread the fold started from). */
  private readonly threads: (PyThread | null)[] = [null, null];
  /** Per slot: what its burst ends in (`None`: nothing folded). */
  private readonly kinds = [None, None];
  /** Per slot: when its burst ends. */
  private readonly ends = [0, 0];
  /** Per slot: the order its burst was planned in (at the same instant, the earlier first, as in the queue). */
  private readonly order = [0, 0];
  private planned = 0;
  /** The earliest event left in the queue. */
  private other = Infinity;
  private folding = false;

  constructor(
    private readonly ctx: PolicyContext,
    private readonly gil: Py2Gil,
  ) {}

  /** Called after `x`'s segment ended in a check: folds the battle from here while it may. */
  fold(x: PyThread): void {
    const { engine, kernel } = this.ctx;
    const gil = this.gil;
    if (this.folding || engine.journal !== null || !gil.lockExists) return;
    const owner = gil.owner;
    if (owner !== null && gil.rec(owner).bulk.cycles > 0) return;
    const kx = this.kindOf(x);
    if (kx === None) return;
    const y = gil.rival;
    const ky = y !== null && y !== x ? this.kindOf(y) : None;
    const q = engine.queue;
    const xEnd = q.timeOf(x.burstKey);
    kernel.unarm(x);
    // The rival is folded only if its burst ends before anything else: it keeps its place then.
    let other = ky !== None ? q.peekTimeExcept(y!.burstKey) : q.peekTime();
    if (ky !== None && q.timeOf(y!.burstKey) < other) {
      this.hold(0, y!, q.timeOf(y!.burstKey), ky);
      kernel.unarm(y!);
    } else if (ky !== None) other = q.peekTime();
    this.hold(1, x, xEnd, kx);
    this.other = other;
    this.folding = true;
    try {
      for (;;) {
        const s = this.next();
        if (s < 0 || !(this.ends[s] < this.other) || !engine.mayFold(this.ends[s])) break;
        if (this.step(s) === Stop) break;
      }
    } finally {
      this.folding = false;
      this.unfold();
    }
  }

  /** The burst end of a running thread, if it is one of the battle's steps (`None` if not). */
  private kindOf(t: PyThread): number {
    if (this.ctx.kernel.burstEndTime(t) < 0) return None;
    const g = this.gil;
    const s = g.sem;
    const n = t.next;
    return n === g.segmentDone ? Segment : n === s.futexWaitInKernel ? FutexCompare : n === s.retryCas ? Retry : n === g.reacquireAfterCheck ? Reacquire : None;
  }

  private continuation(kind: number): Next {
    const g = this.gil;
    return kind === Segment ? g.segmentDone : kind === FutexCompare ? g.sem.futexWaitInKernel : kind === Retry ? g.sem.retryCas : g.reacquireAfterCheck;
  }

  private hold(s: number, t: PyThread, end: number, kind: number): void {
    this.threads[s] = t;
    this.ends[s] = end;
    this.kinds[s] = kind;
    this.order[s] = this.planned++;
  }

  /** The slot whose burst ends first (-1: none). */
  private next(): number {
    const k = this.kinds;
    if (k[0] === None) return k[1] === None ? -1 : 1;
    if (k[1] === None) return 0;
    const e = this.ends;
    return e[0] < e[1] || (e[0] === e[1] && this.order[0] < this.order[1]) ? 0 : 1;
  }

  /** `kernel.run` for a folded thread: its burst end stays here. */
  private run(s: number, t: PyThread, ns: number, kind: number): void {
    this.hold(s, t, this.ctx.kernel.runUnqueued(t, ns, this.continuation(kind)), kind);
  }

  /** What the queue would say is next, seen from slot `s`'s event: the other slot's burst end or the rest. */
  private horizon(s: number): number {
    const o = 1 - s;
    return this.kinds[o] !== None && this.ends[o] < this.other ? this.ends[o] : this.other;
  }

  /** Gives the queue back the burst ends still held, in the order they were planned. */
  private unfold(): void {
    const k = this.kinds;
    if (k[0] !== None && k[1] !== None && this.order[1] < this.order[0]) this.give(1);
    if (k[0] !== None) this.give(0);
    if (k[1] !== None) this.give(1);
  }

  private give(s: number): void {
    this.ctx.kernel.rearm(this.threads[s]!);
    this.kinds[s] = None;
  }

  /** The engine's side of popping slot `s`'s event (`kernel.onBurstEnd`, its continuation not called). */
  private pop(s: number): PyThread {
    const { engine, kernel } = this.ctx;
    const t = this.threads[s]!;
    engine.now = this.ends[s];
    engine.events++;
    engine.folded++;
    kernel.burstOver(t);
    this.kinds[s] = None;
    return t;
  }

  /** Runs slot `s`'s event as its continuation would, or leaves it to the queue. */
  private step(s: number): number {
    const { engine, kernel, profile, book } = this.ctx;
    const gil = this.gil;
    const sem = gil.sem;
    const t = this.threads[s]!;
    const r = gil.rec(t);
    const c = engine.counters;
    switch (this.kinds[s]) {
      case Segment: {
        // segmentDone, then check(t, resumeAfterCheck) with a waiter awake or none.
        const k = t.burst.ticks;
        if (gil._Py_Ticker - k >= 0 || gil.pendingCalls || sem.futexQueue.length > 0) return Stop;
        this.pop(s);
        this.ctx.bursts.end(t);
        gil.commitTicks(t, k);
        c.checks++;
        gil.resetTicker();
        r.checkNext = this.ctx.resumeAfterCheck;
        r.phase = Phase.Check;
        const line = sem.touch(t);
        if (sem.nwaiters === 0) {
          r.owedNs += line;
          return this.retook(s, t);
        }
        c.syscalls.futex_wake++;
        const window = line + engine.cost(profile.syscalls.futexWakeEmptyNs);
        if (this.horizon(s) > engine.now + window) {
          r.carryNs += window;
          return this.retook(s, t);
        }
        sem.value = 1;
        book.activity(t, Activity.GilDrop);
        this.run(s, t, window, Reacquire);
        return Go;
      }
      case FutexCompare: {
        // futexCompare(t, 0) finding the GIL released: EAGAIN.
        if (sem.value === 0) return Stop;
        this.pop(s);
        c.syscalls.futex_wait++;
        this.run(s, t, 0 + engine.cost(profile.syscalls.futexWaitReturnNs), Retry);
        return Go;
      }
      case Retry: {
        // retryCas winning, back to the loop past the check the thread lost.
        if (sem.value === 0 || r.takeNext !== gil.checkDone || r.checkNext !== this.ctx.resumeAfterCheck) return Stop;
        this.pop(s);
        const line = sem.touch(t);
        sem.value = 0;
        r.owedNs += line;
        sem.nwaiters--;
        r.woken = false;
        return this.took(s, t, r);
      }
      case Reacquire: {
        // reacquireAfterCheck, then sem_wait: the CAS, else futex_wait (decided ahead if it may be).
        if (r.checkNext !== this.ctx.resumeAfterCheck) return Stop;
        this.pop(s);
        r.takeNext = gil.checkDone;
        if (sem.value === 0) {
          r.phase = Phase.Take;
          book.waiting(t);
        }
        const line = sem.touch(t);
        if (sem.value !== 0) {
          sem.value = 0;
          r.owedNs += line;
          return this.took(s, t, r);
        }
        // The holder runs no bulk while the fold runs (a bulk ends it): nwaiters going to 1 cuts nothing.
        sem.nwaiters++;
        book.activity(t, Activity.GilWait);
        const entry = engine.cost(profile.syscalls.futexWaitEntryNs) + line + sem.touch(t);
        if (this.horizon(s) <= engine.now + entry || !kernel.coreQueueEmpty(t)) {
          this.run(s, t, entry, FutexCompare);
          return Go;
        }
        c.syscalls.futex_wait++;
        const ret = engine.cost(profile.syscalls.futexWaitReturnNs);
        if (sem.value !== 0) {
          this.run(s, t, entry + ret, Retry);
          return Go;
        }
        this.unfold();
        sem.sleep(t, entry, ret);
        return Stop;
      }
    }
    return Stop;
  }

  /** `retake`: the holder's CAS at the end of a check nobody could interfere with. */
  private retook(s: number, t: PyThread): number {
    this.gil.rec(t).takeNext = this.gil.checkDone;
    return this.took(s, t, this.gil.rec(t));
  }

  /**
   * `acquired` with `checkDone` to run and `resumeAfterCheck` after it: `afterCheck`, whose
   * plain segment is folded; a bulk, a check due at once or the end of the loop are not.
   */
  private took(s: number, t: PyThread, r: Py2Thread): number {
    const gil = this.gil;
    gil.take(t);
    r.takeNext = null;
    r.checkNext = null;
    const work = t.work;
    if (work.ticksLeft <= 0 || gil._Py_Ticker < 0 || gil.quiet.cyclesFor(t, this.horizon(s)) > 0) {
      this.unfold();
      gil.afterCheck(t);
      return Stop;
    }
    // segment(t)
    const until = gil.ticksUntilCheck();
    const k = until < work.ticksLeft ? until : work.ticksLeft;
    const carry = r.carryNs + r.owedNs;
    r.carryNs = 0;
    r.owedNs = 0;
    this.run(s, t, this.ctx.bursts.plan(t, k, k === until ? gil.checkOverheadNs() : 0, carry), Segment);
    return Go;
  }
}
