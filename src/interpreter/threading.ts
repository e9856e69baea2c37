import { Activity, type PyThread } from './py-thread.js';
import type { Next } from './gil-port.js';
import type { RunnerHost } from './runner.js';
import { TaskState } from '../os/task.js';

/**
 * `threading` as a main thread uses it: `Thread.start()` and `Thread.join()`, and the
 * `threading._shutdown` the interpreter runs when the main thread's script is over.
 *
 * Both wait in a lock acquire with the GIL released (`Py_BEGIN_ALLOW_THREADS` around
 * `PyThread_acquire_lock`): `start` until the new thread has run its bootstrap (it takes the GIL,
 * then sets `_started`), `join` until the thread's target returned (it notifies the waiters with
 * the GIL held, then releases the GIL as it exits). The waker pays a `futex_wake`; the waiter
 * sleeps in `futex_wait` and takes the GIL back once woken.
 *
 * A signal: Python 2.7's `PyThread_acquire_lock` retries `sem_wait` on EINTR
 * (Python/thread_pthread.h), so a main thread waiting there cannot run a handler before the lock
 * is released; Python 3's `acquire_timed` (Modules/_threadmodule.c) returns on EINTR, takes the
 * GIL, runs the pending calls (the handler raises KeyboardInterrupt) and gives up the wait.
 */
export class Threading {
  constructor(
    private readonly host: RunnerHost,
    /** Starts a thread's task (its bootstrap takes the GIL). */
    private readonly launch: (t: PyThread) => void,
    /** Goes on with a thread's program. */
    private readonly step: Next,
  ) {}

  /** `Thread.start()` by `t` (holding the GIL): the new thread's task starts; `t` waits until it has bootstrapped. */
  start(t: PyThread, target: PyThread): void {
    const { engine } = this.host;
    if (engine.journal !== null) engine.say(t.id, `${t.name}: threading.Thread.start(${target.name}): the thread is created; waits for it to run (the _started event)`);
    this.host.threadStarted(target);
    this.launch(target);
    this.wait(t, target, 'start');
  }

  /** `Thread.join()` by `t` (holding the GIL): waits until `target` has stopped. */
  join(t: PyThread, target: PyThread): void {
    const { engine } = this.host;
    if (engine.journal !== null) engine.say(t.id, `${t.name}: ${target.name}.join()${target.stopped ? ': it has already finished' : `: waits in a lock acquire${this.host.gilOf(t).exists ? ', the GIL released' : ''}`}`);
    this.wait(t, target, 'join');
  }

  /**
   * The main thread's script is over (or a KeyboardInterrupt ended it): `threading._shutdown`
   * joins each non-daemon thread of its process still running. Returns false when none is left.
   */
  shutdown(t: PyThread, threads: readonly PyThread[]): boolean {
    const left = threads.find((o) => o !== t && o.python && !o.daemon && o.process === t.process && !o.stopped && o.state !== TaskState.New);
    if (left === undefined) return false;
    const { engine } = this.host;
    if (engine.journal !== null) engine.say(t.id, `${t.name}: its script is over: threading._shutdown joins ${left.name}`);
    this.wait(t, left, 'join');
    return true;
  }

  private done(target: PyThread, kind: 'start' | 'join'): boolean {
    return kind === 'start' ? target.bootstrapped : target.stopped;
  }

  private wait(t: PyThread, target: PyThread, kind: 'start' | 'join'): void {
    if (this.done(target, kind)) {
      this.step(t);
      return;
    }
    t.waitsFor = target;
    t.waitKind = kind;
    target.waiters.push(t);
    this.host.gilOf(t).dropGil(t, this.enter);
  }

  /** Into `futex_wait` on the lock, unless what it waits for happened meanwhile. */
  private readonly enter = (t: PyThread): void => {
    const { engine, kernel, profile } = this.host;
    this.host.setActivity(t, Activity.Io);
    if (engine.journal !== null) engine.say(t.id, `${t.name}: ${this.host.gilOf(t).exists ? 'the GIL released, ' : ''}enters futex_wait on the lock`);
    kernel.run(t, engine.cost(profile.syscalls.futexWaitEntryNs), this.sleep);
  };

  private readonly sleep = (t: PyThread): void => {
    const { engine, kernel, profile } = this.host;
    engine.counters.syscalls.futex_wait++;
    if (t.waitsFor === null) {
      // Woken before it slept (the lock was released, or a signal interrupted the wait).
      if (engine.journal !== null) engine.say(t.id, `${t.name}: futex_wait on the lock returns at once (it was released meanwhile)`);
      kernel.run(t, engine.cost(profile.syscalls.futexWaitReturnNs), this.woken);
      return;
    }
    if (engine.journal !== null) engine.say(t.id, `${t.name}: futex_wait on the lock: sleeps until ${t.waitsFor.name} ${t.waitKind === 'start' ? 'has started' : 'has finished'}`);
    kernel.block(t, this.woken, engine.cost(profile.syscalls.futexWaitReturnNs));
  };

  /** Out of the lock acquire: take the GIL back (Py_END_ALLOW_THREADS), then a pending signal's handler, then on. */
  private readonly woken = (t: PyThread): void => {
    if (this.host.engine.journal !== null) this.host.engine.say(t.id, `${t.name}: the lock acquire returns${this.host.gilOf(t).exists ? ': takes the GIL back' : ''}`);
    this.host.gilOf(t).takeGil(t, this.resume);
  };

  private readonly resume = (t: PyThread): void => {
    this.host.handleSignal(t);
    this.step(t);
  };

  /**
   * What `t`'s waiters wait for happened (it bootstrapped, or its target returned): it wakes each
   * one asleep (a `futex_wake` each, on its CPU), then goes on to `next`.
   */
  notify(t: PyThread, kind: 'start' | 'join', next: Next): void {
    const { engine, kernel } = this.host;
    if (kind === 'start') t.bootstrapped = true;
    else t.stopped = true;
    let ns = 0;
    for (let i = t.waiters.length - 1; i >= 0; i--) {
      const w = t.waiters[i];
      if (w.waitKind !== kind) continue;
      t.waiters.splice(i, 1);
      w.waitsFor = null;
      if (engine.journal !== null) engine.say(t.id, `${t.name}: ${kind === 'start' ? 'sets _started' : 'has finished: releases its lock'}: ${w.state === TaskState.Blocked ? `futex_wake wakes ${w.name}` : `${w.name} is not asleep yet`}`);
      if (w.state !== TaskState.Blocked) continue;
      ns += kernel.futexWake(w, t.core);
    }
    if (ns > 0) kernel.run(t, ns, next);
    else next(t);
  }

  /**
   * A signal came while `t` (a main thread) waits in a lock acquire: under an interpreter whose
   * lock waits return on EINTR it gives up the wait (woken by the signal) and takes the GIL to
   * run the handler; else it goes on waiting and says so.
   */
  interrupt(t: PyThread, interruptible: boolean): void {
    const target = t.waitsFor;
    if (target === null) return;
    const { engine, kernel } = this.host;
    if (!interruptible) {
      if (engine.journal !== null) engine.say(t.id, `${t.name}: SIGINT arrives while it waits in ${target.name}.${t.waitKind === 'start' ? 'start' : 'join'}(): sem_wait returns EINTR and Python 2.7 calls it again, so the handler waits for the lock`);
      return;
    }
    if (engine.journal !== null) engine.say(t.id, `${t.name}: SIGINT interrupts its wait in ${target.name}.${t.waitKind === 'start' ? 'start' : 'join'}() (EINTR): it takes the GIL to run the handler`);
    target.waiters.splice(target.waiters.indexOf(t), 1);
    t.waitsFor = null;
    kernel.wake(t);
  }
}
