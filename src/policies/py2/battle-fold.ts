// Over 300 lines on purpose: the steps of the battle read as one loop, against the generic code
// they fold (gil.ts's check and re-take, semaphore.ts's sem_wait), step for step.
import { Activity, type PyThread } from '../../interpreter/py-thread.js';
import { TaskState } from '../../os/task.js';
import type { Next, PolicyContext } from '../policy.js';
import type { Py2Gil } from './gil.js';
import { Phase } from './py2-thread.js';

/** What a folded thread's burst ends in (`None`: nothing folded). */
const None = -1;
/** `segmentDone`: the holder's segment ends at a check. */
const Segment = 0;
/** `futexWaitInKernel`: a waiter's futex_wait compares the word. */
const FutexCompare = 1;
/** `retryCas`: a waiter back in sem_wait's loop tries the compare-and-swap again. */
const Retry = 2;
/** `reacquireAfterCheck`: the old holder is back from its check's futex_wake. */
const Reacquire = 3;
/** `bulkDone`: the holder's bulk of quiet checks ran to its end, at a check. */
const Bulk = 4;
/** Any other continuation: the fold runs it as the engine would. */
const Other = 5;

/** A fold of fewer events than this is short: the next ones are skipped for a while. */
const shortFold = 8;
/** Most folds skipped after short ones. */
const maxBackoff = 63;

/**
 * Python 2's second fast path, the battle kernel. Two threads fighting over the GIL on two cores
 * (the article's `py2-threads-2cores`) make four events a switch: the holder's check, the
 * waiter's futex_wait returning EAGAIN, its compare-and-swap, the old holder back from
 * futex_wake finding the GIL taken. Stepped, each goes through the queue, the kernel and a
 * continuation, about 80 ns an event.
 *
 * The fold runs the two threads here, in one loop, while nothing else can happen: it holds their
 * burst ends itself (out of the queue, in locals, each with its sequence number, its place among
 * events at the same instant), takes the earlier while it comes before every other event and
 * within the slice the caller asked for (`Engine.mayFold`), and does what the continuation
 * would: the same random draws in the same order, the same books, counters and trace, the
 * kernel's own calls for a sleep or a wake. Each counts as an event. Whatever else the two
 * threads do (a bulk of quiet checks starting, a step while one runs, the end of a loop) the
 * generic code does, told of the held burst end (`Engine.held`, which `horizon` counts), and the
 * fold goes on. It stops at another thread's event, a control action's slice or a narrated run:
 * the burst ends it holds go back to the queue in their places. The results are the same event
 * for event (test/model/fast-paths.test.ts runs every preset both ways).
 */
export class BattleFold {
  private folding = false;
  /** Folds not to start (see `fold`'s end): where other threads' events keep cutting folds short, starting them costs more than they save. */
  private skip = 0;
  private backoff = 0;

  constructor(
    private readonly ctx: PolicyContext,
    private readonly gil: Py2Gil,
  ) {}

  /** Called after `x`'s segment ended in a check: folds the battle from here while it may. */
  fold(x: PyThread): void {
    if (this.folding) return;
    if (this.skip > 0) {
      this.skip--;
      return;
    }
    const { engine, kernel, bursts, book, profile } = this.ctx;
    const gil = this.gil;
    // More than one thread waiting for the GIL: more than two fight, and somebody else's event
    // would soon cut the fold short.
    if (engine.journal !== null || !gil.exists || gil.settings.pendingCalls || gil.sem.nwaiters > 1) return;
    const q = engine.queue;
    let tA = gil.rival ?? x;
    if (tA === x) return;
    // Only worth starting when the next event is one of the two threads' (it is cheap to ask).
    const first = q.firstKey();
    if (first !== x.burstKey && first !== tA.burstKey) {
      this.cutShort(0);
      return;
    }
    if (!engine.mayFold(q.peekTime())) return;
    const from = engine.events;
    let tB = x;
    let kA = this.hold(tA);
    let kB = this.hold(x);
    // Each held burst end keeps its sequence number: its place among events at the same instant.
    let eA = kA !== None ? q.timeOf(tA.burstKey) : Infinity;
    let sA = kA !== None ? q.seqOf(tA.burstKey) : 0;
    let eB = kB !== None ? q.timeOf(x.burstKey) : Infinity;
    let sB = kB !== None ? q.seqOf(x.burstKey) : 0;
    let rA = gil.rec(tA);
    let rB = gil.rec(tB);
    // The earliest event of anybody else.
    let other = q.peekTime();
    // Whether the owner runs a bulk of quiet checks (the generic code starts one; it ends in the
    // generic code, cut, or here, run to its end).
    let bulk = this.bulkRunning();

    const sem = gil.sem;
    const c = engine.counters;
    const sys = profile.syscalls;
    const { segmentDone, reacquireAfterCheck, checkDone } = gil;
    const { futexWaitInKernel, retryCas } = sem;
    const resumeAfterCheck = this.ctx.resumeAfterCheck;
    // Set after the generic code ran a step: the two threads' bursts may have changed.
    let resync = false;
    this.folding = true;
    for (;;) {
      if (resync) {
        resync = false;
        // The thread that ran: its next burst end, if any, is in the queue. The other: still
        // held unless the step preempted it (off its core) or planned it again (queued anew).
        kA = this.hold(tA);
        if (kA !== None) {
          eA = q.timeOf(tA.burstKey);
          sA = q.seqOf(tA.burstKey);
        }
        if (kB !== None && tB.state !== TaskState.Running) kB = None;
        else if (tB.burstKey >= 0 && q.pending(tB.burstKey)) {
          kB = this.hold(tB);
          eB = q.timeOf(tB.burstKey);
          sB = q.seqOf(tB.burstKey);
        }
        other = q.peekTime();
        bulk = this.bulkRunning();
        if (engine.halted) break;
      }
      // Slot A: the burst that ends first.
      if (kA === None || (kB !== None && (eB < eA || (eB === eA && sB < sA)))) {
        const t = tA;
        tA = tB;
        tB = t;
        const r = rA;
        rA = rB;
        rB = r;
        const k = kA;
        kA = kB;
        kB = k;
        const e = eA;
        eA = eB;
        eB = e;
        const s = sA;
        sA = sB;
        sB = s;
      }
      if (kA === None || !(eA < other) || !engine.mayFold(eA)) break;
      const t = tA;
      const r = rA;
      // What the queue would say is next, seen from this event: the other burst's end or the rest.
      let horizon = kB !== None && eB < other ? eB : other;
      // What the fold does itself: the four steps in their common form, with no bulk running.
      // Of the steps while a bulk runs: its end, and the old holder's return when it is the first
      // waiter (it cuts the bulk).
      let own = !bulk || kA === Bulk || (kA === Reacquire && kB !== None && tB === gil.owner && sem.nwaiters === 0);
      if (own) {
        if (kA === Segment) own = gil._Py_Ticker - t.burst.ticks < 0;
        else if (kA === Bulk) own = true;
        else if (kA === Retry) own = sem.value === 0 || (r.takeNext === checkDone && r.checkNext === resumeAfterCheck);
        else if (kA === Reacquire) own = r.checkNext === resumeAfterCheck;
        else own = kA === FutexCompare;
      }
      const next = this.pop(t, eA);
      let won = false;
      let line = 0;
      // Inside one of the bulk holder's windows the old holder would see the GIL free: the generic code's.
      if (own && bulk && kA === Reacquire && gil.quiet.windowOpen(tB)) own = false;
      if (!own) {
        // Anything else: the generic continuation, told of the other thread's burst end.
        engine.held = kB !== None ? eB : Infinity;
        next(t);
        engine.held = Infinity;
        resync = true;
        continue;
      }
      if (kA === Segment || kA === Bulk) {
        // segmentDone (or bulkDone: a bulk's last segment ends at a check), then check(t, resumeAfterCheck).
        if (kA === Segment) {
          t.burst.active = false;
          gil.commitTicks(t, t.burst.ticks);
        } else {
          gil.quiet.endBulk(t);
          bulk = false;
        }
        c.checks++;
        gil._Py_Ticker = gil.settings.checkInterval;
        r.startCheck(resumeAfterCheck);
        line = sem.touch(t);
        if (sem.nwaiters === 0) {
          r.owedNs += line;
          r.takeNext = checkDone;
          won = true;
        } else {
          const sleeper = sem.futexQueue.shift();
          const window = line + kernel.futexWake(sleeper, t.core);
          if (sleeper !== undefined) {
            // The kernel's wake-up: the sleeper's burst end is queued now (and it may have
            // preempted somebody). Hold it if it runs and a slot is free.
            if (kB !== None && tB.state !== TaskState.Running) kB = None;
            if (kB === None && (kB = this.hold(sleeper)) !== None) {
              tB = sleeper;
              rB = gil.rec(sleeper);
              eB = q.timeOf(sleeper.burstKey);
              sB = q.seqOf(sleeper.burstKey);
            }
            other = q.peekTime();
            horizon = kB !== None && eB < other ? eB : other;
          }
          if (t.state === TaskState.Running && horizon > engine.now + window) {
            r.carryNs += window;
            r.takeNext = checkDone;
            won = true;
          } else {
            sem.value = 1;
            book.activity(t, Activity.GilDrop);
            if (t.state === TaskState.Running) {
              eA = kernel.runUnqueued(t, window, reacquireAfterCheck);
              kA = Reacquire;
              sA = q.takeSeq();
            } else {
              // Preempted by the wakee: the kernel runs the window once it is back on a core.
              kernel.run(t, window, reacquireAfterCheck);
              kA = None;
            }
            continue;
          }
        }
      } else if (kA === FutexCompare) {
        // futexCompare(t, 0): EAGAIN if the GIL was released meanwhile, else sleep.
        c.syscalls.futex_wait++;
        const ret = engine.cost(sys.futexWaitReturnNs);
        if (sem.value !== 0) {
          eA = kernel.runUnqueued(t, ret, retryCas);
          kA = Retry;
          sA = q.takeSeq();
        } else {
          sem.sleep(t, 0, ret);
          kA = None;
          other = q.peekTime();
        }
        continue;
      } else if (kA === Retry) {
        // retryCas: the compare-and-swap wins (back past the check it lost), or futex_wait again.
        line = sem.touch(t);
        if (sem.value !== 0) {
          sem.value = 0;
          r.owedNs += line;
          sem.nwaiters--;
          r.woken = false;
          won = true;
        } else if (r.woken) {
          r.woken = false;
          book.inVain(t);
        }
      } else {
        // reacquireAfterCheck, then sem_wait: the compare-and-swap, else futex_wait.
        r.takeNext = checkDone;
        if (sem.value === 0) {
          r.phase = Phase.Take;
          book.waiting(t);
        }
        line = sem.touch(t);
        if (sem.value !== 0) {
          sem.value = 0;
          r.owedNs += line;
          won = true;
        } else if (++sem.nwaiters === 1 && bulk) {
          // The first waiter: the holder's next check has somebody to wake, so its bulk is cut
          // where it stands (the generic code plans the rest of its segment: hold that instead).
          gil.quiet.cut(tB, null);
          bulk = false;
          kB = this.hold(tB);
          eB = q.timeOf(tB.burstKey);
          sB = q.seqOf(tB.burstKey);
          horizon = kB !== None && eB < other ? eB : other;
        }
      }
      if (won) {
        // acquired, checkDone, resumeAfterCheck, afterCheck: a plain segment is folded; a bulk,
        // a check due at once or the end of the loop are the generic code's.
        gil.own(t);
        r.claimCheckNext();
        const work = t.work;
        const n = work.ticksLeft <= 0 || gil._Py_Ticker < 0 ? -1 : gil.quiet.cyclesFor(t, horizon);
        if (n > 0) {
          // A bulk of quiet checks: the generic code plans it (asking the queue nothing); hold its end.
          gil.quiet.startBulk(t, n);
          kA = this.hold(t);
          eA = q.timeOf(t.burstKey);
          sA = q.seqOf(t.burstKey);
          bulk = true;
          continue;
        }
        if (n < 0) {
          // The end of the loop or a check due at once: the generic code's, as above.
          engine.held = kB !== None ? eB : Infinity;
          gil.afterCheck(t);
          engine.held = Infinity;
          kA = None;
          resync = true;
          continue;
        }
        const until = gil._Py_Ticker + 1;
        const k = until < work.ticksLeft ? until : work.ticksLeft;
        eA = kernel.runUnqueued(t, bursts.plan(t, k, k === until ? gil.checkOverheadNs() : 0, r.takeCarry()), segmentDone);
        kA = Segment;
        sA = q.takeSeq();
        continue;
      }
      // futexWait(t, line): the entry, and the kernel's compare made ahead when nothing can come first.
      book.activity(t, Activity.GilWait);
      const entry = engine.cost(sys.futexWaitEntryNs) + line;
      if (horizon <= engine.now + entry || !kernel.coreQueueEmpty(t)) {
        eA = kernel.runUnqueued(t, entry, futexWaitInKernel);
        kA = FutexCompare;
        sA = q.takeSeq();
        continue;
      }
      c.syscalls.futex_wait++;
      const ret = engine.cost(sys.futexWaitReturnNs);
      if (sem.value !== 0) {
        eA = kernel.runUnqueued(t, entry + ret, retryCas);
        kA = Retry;
        sA = q.takeSeq();
        continue;
      }
      sem.sleep(t, entry, ret);
      kA = None;
      other = q.peekTime();
    }
    this.folding = false;
    // The burst ends still held go back to the queue, each in its place.
    if (kA !== None) kernel.rearm(tA, sA);
    if (kB !== None) kernel.rearm(tB, sB);
    // Only a fold another thread's event cut short counts as short (not one the slice ended).
    this.cutShort(kA !== None && !(eA < other) ? engine.events - from : shortFold);
  }

  /**
   * After a fold of `n` events: one cut short by somebody else's event (more threads than two
   * fighting) makes the next ones wait, longer each time it happens again, for starting a fold
   * costs more than a short one saves. The results are the same either way.
   */
  private cutShort(n: number): void {
    this.backoff = n < shortFold ? Math.min(2 * this.backoff + 1, maxBackoff) : 0;
    this.skip = this.backoff;
  }

  /** Whether the GIL's owner runs a bulk of quiet checks. */
  private bulkRunning(): boolean {
    const o = this.gil.owner;
    return o !== null && this.gil.rec(o).bulk.cycles > 0;
  }

  /**
   * Takes `t`'s pending burst end out of the queue if it runs one (the fold holds it; its time and
   * sequence number stay readable in the queue) and returns what it ends in: one of the steps
   * the fold does itself, `Other` for anything else, `None` (and nothing taken) when it runs no burst.
   */
  private hold(t: PyThread): number {
    const { engine, kernel } = this.ctx;
    if (t.state !== TaskState.Running || t.burstKey < 0 || !engine.queue.pending(t.burstKey)) return None;
    kernel.unarm(t);
    const g = this.gil;
    const n = t.next;
    return n === g.segmentDone
      ? Segment
      : n === g.sem.futexWaitInKernel
        ? FutexCompare
        : n === g.sem.retryCas
          ? Retry
          : n === g.reacquireAfterCheck
            ? Reacquire
            : n === g.quiet.bulkDone
              ? Bulk
              : Other;
  }

  /** The engine's and the kernel's side of running the burst end of `t` due at `time`; returns its continuation. */
  private pop(t: PyThread, time: number): Next {
    const engine = this.ctx.engine;
    engine.now = time;
    engine.events++;
    engine.folded++;
    return this.ctx.kernel.burstOver(t)!;
  }
}
