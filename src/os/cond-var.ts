import type { Engine } from '../engine/engine.js';
import type { FutexMutex } from './futex-mutex.js';
import type { Kernel } from './kernel.js';
import type { MachineProfile } from './machine-profile.js';
import type { Continuation, Task } from './task.js';
import { WaitQueue } from './wait-queue.js';

/** What a waiter does once its wait is over (it holds the mutex again, if it waited with one). */
export type AfterWait<T extends Task> = (t: T, timedOut: boolean) => void;

/**
 * A condition variable as glibc builds it over a futex (nptl `pthread_cond_wait`,
 * `pthread_cond_timedwait`, `pthread_cond_signal`). A waiter registers at once (under the mutex,
 * so that no signal can be lost), releases the mutex, enters `futex_wait` (with a timeout for a
 * timed wait) and sleeps unless it was signalled or its deadline passed meanwhile (the futex word
 * changed: EAGAIN); woken, it re-locks the mutex before it returns. `signal` wakes one waiter, the
 * one that has waited longest unless the caller names another (the kernel's futex queue is FIFO;
 * glibc 2.25+ groups waiters, which is not modelled), and makes a `futex_wake` only when somebody
 * waits. A wait without a mutex is a bare futex wait (Python 3's `switch_cond`, whose
 * `switch_mutex` the model leaves out).
 */
export class CondVar<T extends Task> {
  /**
   * Waiters registered and not yet signalled, in the order they started waiting; one whose timed
   * wait ran out leaves from wherever it stands, in constant time.
   */
  readonly waiters = new WaitQueue<T>();
  /** By task id: whether a `signal` chose it since it registered. */
  private readonly signaled: boolean[] = [];
  /** By task id: when its timed wait runs out, ns (Infinity: an untimed wait). */
  private readonly deadlines: number[] = [];
  /** By task id: the mutex it re-locks before returning (null: none). */
  private readonly mutexes: (FutexMutex<T> | null)[] = [];
  /** By task id: what it does once the wait is over. */
  private readonly afters: AfterWait<T>[] = [];

  constructor(
    private readonly sim: Engine,
    private readonly kernel: Kernel<T>,
    private readonly profile: MachineProfile,
    /** What the narration calls it (`cond`, `switch_cond`). */
    private readonly name = 'the condition variable',
  ) {}

  /**
   * `pthread_cond_timedwait(cond, mutex, now + timeoutNs)` by `t`, which holds `mutex` (or a bare
   * futex wait when `mutex` is null); `timeoutNs` Infinity waits untimed (`pthread_cond_wait`).
   * `after` runs once `t` is back and holds the mutex again, told whether the wait timed out.
   */
  wait(t: T, mutex: FutexMutex<T> | null, timeoutNs: number, after: AfterWait<T>): void {
    const id = t.id;
    this.signaled[id] = false;
    this.deadlines[id] = timeoutNs === Infinity ? Infinity : this.sim.now + timeoutNs;
    this.mutexes[id] = mutex;
    this.afters[id] = after;
    this.waiters.push(t);
    // Registering the waiter costs about what a lock operation does; then the mutex goes.
    if (mutex !== null) this.kernel.run(t, this.sim.cost(this.profile.interpreter.mutexNs), this.unlock);
    else this.enter(t, 0);
  }

  /** When `t`'s timed wait runs out, ns (Infinity when it waits untimed or not at all). */
  deadlineOf(t: T): number {
    return this.deadlines[t.id] ?? Infinity;
  }

  /**
   * `pthread_cond_signal` by `by`: wakes `which` (the policy's choice among the waiters; undefined:
   * nobody) if it waits. Returns the CPU it costs the caller (a `futex_wake` when it woke somebody; nothing
   * when nobody waits), for the caller to burn.
   */
  signal(by: T, which: T | undefined): number {
    if (which === undefined || !this.waiters.remove(which)) return 0;
    this.signaled[which.id] = true;
    return this.kernel.futexWake(which, by.core);
  }

  private readonly unlock = (t: T): void => {
    if (this.sim.journal !== null) this.sim.say(t.id, `${t.name}: pthread_cond_${this.deadlines[t.id] === Infinity ? '' : 'timed'}wait unlocks the mutex and enters futex_wait on ${this.name}`);
    this.enter(t, this.mutexes[t.id]!.unlock(t));
  };

  /** Into `futex_wait` (after burning `cost` of what came before). */
  private enter(t: T, cost: number): void {
    const c = this.sim.counters.syscalls;
    if (this.deadlines[t.id] === Infinity) c.futex_wait++;
    else c.futex_wait_timeout++;
    this.kernel.run(t, cost + this.sim.cost(this.profile.syscalls.futexWaitEntryNs), this.inKernel);
  }

  private readonly inKernel = (t: T): void => {
    const id = t.id;
    const deadline = this.deadlines[id];
    const back = this.sim.cost(this.profile.syscalls.futexWaitReturnNs);
    if (this.signaled[id] || deadline <= this.sim.now) {
      // Signalled before we slept (the futex word changed: EAGAIN), or already past the deadline.
      if (!this.signaled[id]) t.timedOut = true;
      if (this.sim.journal !== null) this.sim.say(t.id, `${t.name}: futex_wait on ${this.name} returns at once (${this.signaled[id] ? 'already signalled' : 'its time is already up'})`);
      this.kernel.run(t, back, this.relock);
      return;
    }
    if (this.sim.journal !== null) this.sim.say(t.id, `${t.name}: futex_wait on ${this.name}: sleeps until signalled${deadline === Infinity ? '' : ` or for ${(deadline - this.sim.now) / 1e3} us`}`);
    if (deadline === Infinity) this.kernel.block(t, this.relock, back);
    else this.kernel.blockFor(t, deadline - this.sim.now, this.relock, back);
  };

  /** pthread_cond_(timed)wait re-locks the mutex before returning, contended or not. */
  private readonly relock = (t: T): void => {
    const m = this.mutexes[t.id];
    if (this.sim.journal !== null) this.sim.say(t.id, `${t.name}: back from the wait on ${this.name} (${this.signaled[t.id] ? 'signalled' : 'timed out'})${m !== null ? ': locks the mutex again' : ''}`);
    if (m !== null) m.lock(t, this.done);
    else this.done(t);
  };

  private readonly done: Continuation<T> = (t: T): void => {
    const id = t.id;
    const signaled = this.signaled[id];
    const timedOut = !signaled && t.timedOut;
    if (!signaled) this.waiters.remove(t);
    this.signaled[id] = false;
    this.deadlines[id] = Infinity;
    t.timedOut = false;
    this.afters[id](t, timedOut);
  };
}
