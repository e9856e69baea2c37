import type { Engine } from '../engine/engine.js';
import type { Kernel } from './kernel.js';
import type { MachineProfile } from './machine-profile.js';
import type { Continuation, Task } from './task.js';
import { WaitQueue } from './wait-queue.js';

/**
 * A default pthread mutex as glibc builds it (nptl lowlevellock): `lock` is one compare-and-swap
 * when free; on contention the thread marks the lock contended and sleeps in `futex_wait` until
 * an `unlock` wakes it, then tries again (it can lose to a thread that came by meanwhile).
 * `unlock` makes a `futex_wake` only when somebody sleeps on the lock.
 */
export class FutexMutex<T extends Task> {
  /** Thread holding the mutex, or null. */
  owner: T | null = null;
  /**
   * Threads asleep on the lock word, in the kernel's FIFO order (a woken one retries the lock
   * through its own continuation). Hundreds at a time with a thousand threads: a wake's shift
   * must not move them all.
   */
  private readonly sleepers = new WaitQueue<T>();

  constructor(
    private readonly sim: Engine,
    private readonly kernel: Kernel<T>,
    private readonly profile: MachineProfile,
    /** What the narration calls it (`gil->mutex`). */
    private readonly name = 'the mutex',
  ) {}

  /** `pthread_mutex_lock`; `next` runs once `t` holds it. */
  lock(t: T, next: Continuation<T>): void {
    if (this.owner === null) {
      this.owner = t;
      this.kernel.run(t, this.profile.interpreter.mutexNs, next);
      return;
    }
    this.sim.counters.syscalls.futex_wait++;
    if (this.sim.journal !== null) this.sim.say(t.id, `${t.name}: ${this.name} is held by ${this.owner.name}: futex_wait on it`);
    this.kernel.run(t, this.sim.cost(this.profile.syscalls.futexWaitEntryNs), (t) => {
      if (this.owner === null) {
        // Released while we entered the kernel: futex_wait returns EAGAIN; try again.
        if (this.sim.journal !== null) this.sim.say(t.id, `${t.name}: futex_wait on ${this.name} returns at once (EAGAIN: it was unlocked meanwhile)`);
        this.kernel.run(t, this.sim.cost(this.profile.syscalls.futexWaitReturnNs), (t) => this.retry(t, next));
        return;
      }
      if (this.sim.journal !== null) this.sim.say(t.id, `${t.name}: sleeps on ${this.name} until ${this.owner.name} unlocks it`);
      this.sleepers.push(t);
      this.kernel.block(t, (t) => this.retry(t, next), this.sim.cost(this.profile.syscalls.futexWaitReturnNs));
    });
  }

  /** Back from futex_wait on the lock: tries it again. */
  private retry(t: T, next: Continuation<T>): void {
    if (this.sim.journal !== null) this.sim.say(t.id, `${t.name}: tries ${this.name} again`);
    this.lock(t, next);
  }

  /**
   * `pthread_mutex_unlock` by the owner `by`: returns the CPU it costs the caller beyond the atomic
   * (a `futex_wake` syscall when a sleeper is woken), for the caller to burn.
   */
  unlock(by: T): number {
    this.owner = null;
    const s = this.sleepers.shift();
    if (s === undefined) return this.profile.interpreter.mutexNs;
    return this.profile.interpreter.mutexNs + this.kernel.futexWake(s, by.core);
  }
}
