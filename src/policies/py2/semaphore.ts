import type { PyThread } from '../../interpreter/py-thread.js';
import { Activity } from '../../interpreter/py-thread.js';
import { WaitQueue } from '../../os/wait-queue.js';
import type { Next, PolicyContext } from '../policy.js';
import type { Py2Gil } from './gil.js';

/**
 * The lock behind the Python 2 GIL: `PyThread_type_lock` is a POSIX semaphore on Linux (2.7's
 * thread_pthread.h with USE_SEMAPHORES), glibc's nptl/sem_waitcommon.c and sem_post.c.
 *
 *   sem_wait: fast path one compare-and-swap on the value; slow path nwaiters++, then futex_wait
 *             until a CAS succeeds (a woken waiter that loses the CAS waits again: a wake-up in
 *             vain); it leaves nwaiters only when it succeeds.
 *   sem_post: value = 1, then futex_wake whenever nwaiters != 0, whether or not anybody is
 *             actually asleep.
 *
 * A holder running a bulk of quiet checks (quiet-checks.ts) keeps `value` at 0 and says where it
 * stands: another thread that looks at the value inside one of its checks' windows sees 1.
 *
 * The semaphore is one word in one cache line. Whoever reads or writes it from another core than
 * the one that touched it last brings the line over first (`cacheLineTransferNs`): the holder at
 * its next check after a waiter looked, a waiter at each look after the holder's check. (Where it
 * is paid: the holder, in its check's window; a waiter, before the futex_wait it enters next, or,
 * when its compare-and-swap wins, as CPU owed to its next Python work.)
 */
export class Py2Semaphore {
  /** The semaphore's value: 1 when the GIL is free. */
  value: number;
  /** glibc's `nwaiters`: threads inside sem_wait's slow path (asleep or not). */
  nwaiters = 0;
  /** Threads asleep in futex_wait on the semaphore word, in the kernel's FIFO order. */
  readonly futexQueue = new WaitQueue<PyThread>();
  /** Core that touched the word last (-1: none yet): its cache holds the line. */
  private lineCore = -1;

  constructor(
    private readonly ctx: PolicyContext,
    private readonly gil: Py2Gil,
    value: number,
  ) {
    this.value = value;
  }

  /** The value as another thread sees it now (a bulk holder's windows read as 1). */
  valueNow(): number {
    const o = this.gil.owner;
    if (o !== null && this.gil.rec(o).bulk.cycles > 0) return this.gil.quiet.windowOpen(o) ? 1 : 0;
    return this.value;
  }

  /** `t` reads or writes the word from its core: the cost of bringing the line over, if another core touched it last. */
  touch(t: PyThread): number {
    const moved = this.lineCore >= 0 && this.lineCore !== t.core;
    this.lineCore = t.core;
    return moved ? this.ctx.profile.memory.cacheLineTransferNs : 0;
  }

  /** A compare-and-swap on the value by `t`: true if it took the lock. */
  private cas(t: PyThread): boolean {
    if (this.valueNow() === 0) return false;
    const o = this.gil.owner;
    if (o !== null && o !== t && this.gil.rec(o).bulk.cycles > 0) {
      // Won inside a bulk holder's window: the holder's own CAS at the end of it will fail.
      this.gil.quiet.cut(o, this.gil.reacquireAfterCheck);
    }
    this.value = 0;
    return true;
  }

  /** Something changed that a bulk holder's next check must act on: cut its bulk. */
  private holderMustCheck(): void {
    const o = this.gil.owner;
    if (o !== null && this.gil.rec(o).bulk.cycles > 0) this.gil.quiet.cut(o, null);
  }

  /** sem_wait: one CAS on the fast path; else join nwaiters and sleep on the futex. */
  wait(t: PyThread): void {
    const { engine } = this.ctx;
    const line = this.touch(t);
    if (this.cas(t)) {
      this.gil.rec(t).owedNs += line;
      if (engine.journal !== null) engine.say(t.id, t === this.gil.owner ? `${t.name}: takes the GIL back (its compare-and-swap after sem_post)` : `${t.name}: sem_wait takes the GIL (compare-and-swap)`);
      this.gil.acquired(t);
      return;
    }
    this.nwaiters++;
    if (engine.journal !== null) engine.say(t.id, `${t.name}: sem_wait finds the GIL taken: nwaiters = ${this.nwaiters}, futex_wait`);
    // From now on every check of the holder makes a futex_wake.
    if (this.nwaiters === 1) this.holderMustCheck();
    this.futexWait(t, line);
  }

  /**
   * futex_wait on the word, right after a failed compare-and-swap (whose cache-line transfer,
   * `lineNs`, is paid first: the kernel's compare then finds the line on this core).
   */
  private futexWait(t: PyThread, lineNs: number): void {
    const { engine, book, kernel, profile } = this.ctx;
    book.activity(t, Activity.GilWait);
    const entry = engine.cost(profile.syscalls.futexWaitEntryNs) + lineNs;
    if (this.decidedAhead(t, entry)) return;
    kernel.run(t, entry, this.futexWaitInKernel);
  }

  /**
   * When nothing can happen anywhere before the kernel compares the futex word (no event due,
   * the holder certainly inside its segment), that compare is made now, as of `now + entry`:
   * the same outcome one event sooner.
   */
  private decidedAhead(t: PyThread, entry: number): boolean {
    const { engine, kernel } = this.ctx;
    if (engine.horizon() <= engine.now + entry || !kernel.coreQueueEmpty(t)) return false;
    const o = this.gil.owner;
    if (o !== null && this.gil.rec(o).bulk.cycles > 0 && this.gil.quiet.quietFor(o) <= entry) return false;
    this.futexCompare(t, entry);
    return true;
  }

  /** The kernel's side of futex_wait, at the end of its entry. */
  readonly futexWaitInKernel = (t: PyThread): void => {
    this.futexCompare(t, 0);
  };

  /**
   * The kernel compares the futex word: a value that is no longer 0 returns EAGAIN at once, else
   * the thread sleeps until a futex_wake. `entryLeft`: CPU of the syscall's entry still to burn
   * when the compare is made ahead of time (see `decidedAhead`); 0 at the compare itself.
   */
  private futexCompare(t: PyThread, entryLeft: number): void {
    const { engine, kernel, profile } = this.ctx;
    engine.counters.syscalls.futex_wait++;
    const ret = engine.cost(profile.syscalls.futexWaitReturnNs);
    if (this.valueNow() !== 0) {
      if (engine.journal !== null) engine.say(t.id, `${t.name}: futex_wait returns at once (EAGAIN: the GIL was released meanwhile)`);
      kernel.run(t, entryLeft + ret, this.retryCas); // EAGAIN
      return;
    }
    this.sleep(t, entryLeft, ret);
  }

  /** futex_wait finds the value 0: `t` sleeps until a futex_wake (`entryLeft`, `ret`: as in `futexCompare`). */
  sleep(t: PyThread, entryLeft: number, ret: number): void {
    const { engine, kernel } = this.ctx;
    if (engine.journal !== null) engine.say(t.id, `${t.name}: futex_wait: sleeps until a futex_wake`);
    this.futexQueue.push(t);
    this.holderMustCheck(); // its next check has a sleeper to wake
    // Once woken and back on a core: return from futex_wait, then the CAS (a wake-up that may be in vain).
    this.gil.rec(t).woken = true;
    kernel.blockAfter(t, entryLeft, this.retryCas, ret);
  }

  /** Back in sem_wait's loop: try the CAS again; leave nwaiters only on success. */
  readonly retryCas = (t: PyThread): void => {
    const r = this.gil.rec(t);
    const { engine } = this.ctx;
    const line = this.touch(t);
    if (this.cas(t)) {
      r.owedNs += line;
      this.nwaiters--;
      r.woken = false;
      if (engine.journal !== null) engine.say(t.id, `${t.name}: sem_wait's retry takes the GIL`);
      this.gil.acquired(t);
      return;
    }
    if (r.woken) {
      r.woken = false;
      if (engine.journal !== null) engine.say(t.id, `${t.name}: woken, but ${this.gil.owner?.name ?? 'another thread'} has the GIL again: woken in vain, futex_wait again`);
      this.ctx.book.inVain(t);
    } else if (engine.journal !== null) engine.say(t.id, `${t.name}: sem_wait's retry finds the GIL taken again: futex_wait again`);
    this.futexWait(t, line);
  };

  /** sem_post: value 1 first, then futex_wake if anybody is in sem_wait's slow path; then `next`. */
  post(t: PyThread, next: Next): void {
    const { kernel } = this.ctx;
    const line = this.touch(t);
    this.value = 1;
    if (this.nwaiters === 0) {
      if (line > 0) kernel.run(t, line, next);
      else next(t);
      return;
    }
    kernel.run(t, line + kernel.futexWake(this.futexQueue.shift(), t.core), next);
  }
}
