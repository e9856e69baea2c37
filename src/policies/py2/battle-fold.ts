// Over 300 lines on purpose: the steps of the battle read as one loop, against the generic code
// they fold (gil.ts's check and re-take, semaphore.ts's sem_wait), step for step.
import { Activity, type PyThread } from '../../interpreter/py-thread.js';
import { TaskState } from '../../os/task.js';
import type { Next, PolicyContext } from '../policy.js';
import type { Py2Gil } from './gil.js';
import { Phase, type Py2Thread } from './py2-thread.js';

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
/** One of the two threads the fold runs, and the burst end it holds for it. */
class Held {
  /** The thread's GIL record. */
  r: Py2Thread;
  /** What its held burst ends in (`None`: nothing held). */
  kind = None;
  /** When the held burst ends, and its sequence number (its place among events at the same instant). */
  end = Infinity;
  seq = 0;

  constructor(
    public t: PyThread,
    gil: Py2Gil,
  ) {
    this.r = gil.rec(t);
  }
}

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
    if (engine.journal !== null || !gil.exists || gil.sem.nwaiters > 1) return;
    const q = engine.queue;
    const rival = gil.rival ?? x;
    if (rival === x) return;
    // Only worth starting when the next event is one of the two threads' (it is cheap to ask).
    const first = q.firstKey();
    if (first !== x.burstKey && first !== rival.burstKey) {
      this.cutShort(0);
      return;
    }
    if (!engine.mayFold(q.timeOf(first))) return;
    const from = engine.events;
    // `a`: the burst that ends first (swapped at each turn), `b`: the other.
    let a = new Held(rival, gil);
    let b = new Held(x, gil);
    this.hold(a, rival);
    this.hold(b, x);
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
    // The burst the step just done starts, planned at the top of the next turn (one call of
    // `plan` for every step, which leaves V8 room to inline more of the loop's other calls).
    let planKind = None;
    let planNs = 0;
    let planNext: Next = segmentDone;
    this.folding = true;
    try {
      for (;;) {
        if (planKind !== None) {
          this.plan(a, planNs, planKind, planNext);
          planKind = None;
        }
        if (resync) {
          resync = false;
          // The thread that ran: its next burst end, if any, is in the queue. The other: still
          // held unless the step preempted it (off its core) or planned it again (queued anew).
          this.hold(a, a.t);
          if (b.kind !== None && b.t.state !== TaskState.Running) b.kind = None;
          else this.hold(b, b.t);
          other = q.peekTime();
          bulk = this.bulkRunning();
        }
        if (a.kind === None || (b.kind !== None && (b.end < a.end || (b.end === a.end && b.seq < a.seq)))) {
          const h = a;
          a = b;
          b = h;
        }
        if (a.kind === None || !(a.end < other) || !engine.mayFold(a.end)) break;
        const t = a.t;
        const r = a.r;
        const kind = a.kind;
        // What the queue would say is next, seen from this event: the other burst's end or the rest.
        let horizon = b.kind !== None && b.end < other ? b.end : other;
        // What the fold does itself: the four steps in their common form with no bulk running; while
        // one runs, its end, and the old holder's return when it is the first waiter (it cuts the bulk).
        let own = !bulk || kind === Bulk || (kind === Reacquire && b.kind !== None && b.t === gil.owner && sem.nwaiters === 0);
        if (own) {
          // A check by the main thread with a signal pending runs the handler: the generic code's.
          if (kind === Segment) own = gil._Py_Ticker - t.burst.ticks < 0 && !(t.isMain && gil.pendingCalls);
          else if (kind === Retry) own = sem.value === 0 || (r.takeNext === checkDone && r.checkNext === resumeAfterCheck);
          else if (kind === Reacquire) own = r.checkNext === resumeAfterCheck;
          else own = kind !== Other && !(kind === Bulk && t.isMain && gil.pendingCalls);
        }
        const next = this.pop(t, a.end);
        a.kind = None;
        let won = false;
        // Inside one of the bulk holder's windows the old holder would see the GIL free: the generic code's.
        if (own && bulk && kind === Reacquire && gil.quiet.windowOpen(b.t)) own = false;
        if (!own) {
          // Anything else: the generic continuation, told of the other thread's burst end.
          engine.held = b.kind !== None ? b.end : Infinity;
          next(t);
          engine.held = Infinity;
          resync = true;
          continue;
        }
        // Each step but the kernel's compare reads or writes the semaphore's word from the thread's
        // core (sem_post's add, a compare-and-swap): the cache line comes over if it is elsewhere.
        // Nothing before the step's own use of it looks at the line.
        const line = kind === FutexCompare ? 0 : sem.touch(t);
        if (kind === Segment || kind === Bulk) {
          // segmentDone (or bulkDone: a bulk's last segment ends at a check), then check(t, resumeAfterCheck).
          if (kind === Segment) {
            bursts.end(t);
            gil.commitTicks(t, t.burst.ticks);
          } else {
            gil.quiet.endBulk(t);
            bulk = false;
          }
          gil.countCheck(t);
          r.startCheck(resumeAfterCheck);
          if (sem.nwaiters === 0) {
            r.owedNs += line;
            r.takeNext = checkDone;
            won = true;
          } else {
            // (Most checks find nobody asleep: the queue is not called then.)
            const sleeper = sem.futexQueue.length > 0 ? sem.futexQueue.shift() : undefined;
            const window = line + kernel.futexWake(sleeper, t.core);
            if (sleeper !== undefined) {
              // The kernel's wake-up: the sleeper's burst end is queued now (and it may have
              // preempted somebody). Hold it if it runs and the other slot is free.
              if (b.kind !== None && b.t.state !== TaskState.Running) b.kind = None;
              if (b.kind === None) this.hold(b, sleeper);
              other = q.peekTime();
              horizon = b.kind !== None && b.end < other ? b.end : other;
            }
            if (t.state === TaskState.Running && horizon > engine.now + window) {
              r.carryNs += window;
              r.takeNext = checkDone;
              won = true;
            } else {
              sem.value = 1;
              book.activity(t, Activity.GilDrop);
              // Preempted by the wakee, it runs the window once back on a core: the kernel's.
              if (t.state === TaskState.Running) {
                planNs = window;
                planKind = Reacquire;
                planNext = reacquireAfterCheck;
              } else kernel.run(t, window, reacquireAfterCheck);
              continue;
            }
          }
        } else if (kind === FutexCompare) {
          // futexWaitInKernel: the kernel's compare, below, with nothing of the entry left.
        } else if (kind === Retry) {
          // retryCas: the compare-and-swap wins (back past the check it lost), or futex_wait again.
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
          if (sem.value !== 0) {
            sem.value = 0;
            r.owedNs += line;
            won = true;
          } else if (++sem.nwaiters === 1 && bulk) {
            // The first waiter: the holder's next check has somebody to wake, so its bulk is cut
            // where it stands (the generic code plans the rest of its segment: hold that instead).
            gil.quiet.cut(b.t, null);
            bulk = false;
            if (!this.hold(b, b.t)) b.kind = None;
            horizon = b.kind !== None && b.end < other ? b.end : other;
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
            // A bulk of quiet checks, planned by the bulk's own code.
            planNs = gil.quiet.planBulk(t, n);
            planKind = Bulk;
            planNext = gil.quiet.bulkDone;
            bulk = true;
            continue;
          }
          if (n < 0) {
            // The end of the loop or a check due at once: the generic code's, as above.
            engine.held = b.kind !== None ? b.end : Infinity;
            gil.afterCheck(t);
            engine.held = Infinity;
            resync = true;
            continue;
          }
          planNs = gil.planSegment(t);
          planKind = Segment;
          planNext = segmentDone;
          continue;
        }
        let entry = 0;
        if (kind !== FutexCompare) {
          // futexWait(t, line): the entry, and the kernel's compare made ahead when nothing can come first.
          book.activity(t, Activity.GilWait);
          entry = engine.cost(sys.futexWaitEntryNs) + line;
          if (horizon <= engine.now + entry || !kernel.coreQueueEmpty(t)) {
            planNs = entry;
            planKind = FutexCompare;
            planNext = futexWaitInKernel;
            continue;
          }
        }
        // futexCompare(t, entry): a value no longer 0 returns EAGAIN (the retry's burst), else the thread sleeps.
        c.syscalls.futex_wait++;
        const ret = engine.cost(sys.futexWaitReturnNs);
        if (sem.value !== 0) {
          planNs = entry + ret;
          planKind = Retry;
          planNext = retryCas;
          continue;
        }
        sem.sleep(t, entry, ret);
        other = q.peekTime();
      }
    } finally {
      this.folding = false;
    }
    // The burst ends still held go back to the queue, each in its place.
    if (a.kind !== None) kernel.rearm(a.t, a.seq);
    if (b.kind !== None) kernel.rearm(b.t, b.seq);
    // Only a fold another thread's event cut short counts as short (not one the slice ended).
    this.cutShort(a.kind !== None && !(a.end < other) ? engine.events - from : shortFold);
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
   * Takes `t`'s pending burst end out of the queue into `h` if it runs one, and says whether it
   * did (`h` unchanged if not). `h.kind` says what the burst ends in: one of the steps the fold
   * does itself, or `Other`.
   */
  private hold(h: Held, t: PyThread): boolean {
    const { engine, kernel } = this.ctx;
    const q = engine.queue;
    if (t.state !== TaskState.Running || t.burstKey < 0 || !q.pending(t.burstKey)) return false;
    if (h.t !== t) {
      h.t = t;
      h.r = this.gil.rec(t);
    }
    h.end = q.timeOf(t.burstKey);
    h.seq = q.seqOf(t.burstKey);
    kernel.unarm(t);
    const g = this.gil;
    const n = t.next;
    h.kind = n === g.segmentDone ? Segment : n === g.sem.futexWaitInKernel ? FutexCompare : n === g.sem.retryCas ? Retry : n === g.reacquireAfterCheck ? Reacquire : n === g.quiet.bulkDone ? Bulk : Other;
    return true;
  }

  /** `h`'s thread runs a burst of `ns` now, ending in step `kind` (its continuation `next`): held in `h`. */
  private plan(h: Held, ns: number, kind: number, next: Next): void {
    h.end = this.ctx.kernel.runUnqueued(h.t, ns, next);
    h.kind = kind;
    h.seq = this.ctx.engine.queue.takeSeq();
  }

  /** The engine's and the kernel's side of running the burst end of `t` due at `time`; returns its continuation. */
  private pop(t: PyThread, time: number): Next {
    this.ctx.engine.runFolded(time);
    return this.ctx.kernel.burstOver(t)!;
  }
}
