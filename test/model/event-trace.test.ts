/**
 * Exact event traces of small cases, in the model's own words (its journal): a reader can follow
 * each line against MODEL.md and the C it cites. A change to a mechanism that moves any of these
 * lines shows here first; update the lines only with a reason.
 */
import { describe, expect, it } from 'vitest';
import type { PolicyName } from '../../src/model/index.js';
import { Simulation } from '../../src/model/simulation.js';
import { config, countdownThread } from '../helpers.js';

/**
 * Two threads counting down `n` each, started and joined by the main thread the model adds (check
 * interval 10 ticks, switch interval 20 us), narrated up to `untilNs`.
 */
function narrate(policy: PolicyName, cores: number, n: number, untilNs: number, lines: number): string[] {
  const sim = new Simulation(config({ policy, cores, checkInterval: 10, switchIntervalNs: 20_000, threads: [countdownThread('t1', n), countdownThread('t2', n)] }));
  const journal = sim.enableJournal(10_000);
  sim.runUntil(untilNs);
  const out: string[] = [];
  journal.forEachSince(0, (atNs, _thread, text) => out.push(`${String(atNs).padStart(9)} ${text}`));
  return out.slice(0, lines);
}

describe('exact event traces', () => {
  it('py2 on two cores: the main thread starts t1 and must win the GIL back from it to start t2; the waiter sleeps, is woken at a check, finds the GIL taken again, and now and then wins inside a futex_wake', () => {
    expect(narrate('py2', 2, 300, 60_000, 40)).toEqual([
      "     4052 MainThread: sem_wait takes the GIL (compare-and-swap)",
      "     4052 MainThread: threading.Thread.start(t1): the thread is created; waits for it to run (the _started event)",
      "     4052 t1: starts and takes the GIL (PyEval_AcquireThread)",
      "     4052 MainThread: releases the GIL (sem_post)",
      "     5282 MainThread: futex_wait on the lock: sleeps until t1 has started",
      "     7297 t1: sem_wait takes the GIL (compare-and-swap)",
      "     7297 t1: sets _started: futex_wake wakes MainThread",
      "     7297 MainThread: woken; idle cpu0 runs it after 9630 ns (polling: no interrupt needed)",
      "     9040 t1: check at tick 0: releases the GIL and takes it back (nobody waits: no syscall)",
      "     9040 t1: runs 80 check periods in one go: its checks touch nobody",
      "    17332 MainThread: sem_wait finds the GIL taken: nwaiters = 1, futex_wait",
      "    17475 t1: check at tick 0, sem_post: futex_wake finds nobody asleep (1 awake in sem_wait)",
      "    18421 MainThread: futex_wait returns at once (EAGAIN: the GIL was released meanwhile)",
      "    18777 t1: takes the GIL back (its compare-and-swap after sem_post)",
      "    18956 t1: check at tick 0, sem_post: futex_wake finds nobody asleep (1 awake in sem_wait)",
      "    19943 MainThread: futex_wait returns at once (EAGAIN: the GIL was released meanwhile)",
      "    20246 t1: takes the GIL back (its compare-and-swap after sem_post)",
      "    20425 t1: check at tick 0, sem_post: futex_wake finds nobody asleep (1 awake in sem_wait)",
      "    21731 t1: check at tick 0, sem_post: futex_wake finds nobody asleep (1 awake in sem_wait)",
      "    22041 MainThread: futex_wait returns at once (EAGAIN: the GIL was released meanwhile)",
      "    22485 MainThread: sem_wait's retry takes the GIL",
      "    22485 MainThread: threading.Thread.start(t2): the thread is created; waits for it to run (the _started event)",
      "    22485 t2: starts and takes the GIL (PyEval_AcquireThread)",
      "    22485 MainThread: releases the GIL (sem_post)",
      "    23277 t1: sem_wait takes the GIL (compare-and-swap)",
      "    23605 t1: check at tick 0: releases the GIL and takes it back (nobody waits: no syscall)",
      "    23605 t1: runs 29 check periods in one go: its checks touch nobody",
      "    23678 MainThread: futex_wait on the lock: sleeps until t2 has started",
      "    27132 t2: sem_wait finds the GIL taken: nwaiters = 1, futex_wait",
      "    27194 t1: check at tick 0, sem_post: futex_wake finds nobody asleep (1 awake in sem_wait)",
      "    28476 t2: futex_wait returns at once (EAGAIN: the GIL was released meanwhile)",
      "    28890 t2: sem_wait's retry takes the GIL",
      "    28890 t2: sets _started: futex_wake wakes MainThread",
      "    28890 MainThread: woken; waits for cpu0, where t2 runs",
      "    28901 t1: back from futex_wake: t2 took the GIL meanwhile",
      "    28901 t1: sem_wait finds the GIL taken: nwaiters = 1, futex_wait",
      "    28901 t1: futex_wait: sleeps until a futex_wake",
      "    30444 t2: check at tick 0, sem_post: futex_wake wakes t1",
      "    30444 t1: woken; waits for cpu1, where MainThread runs",
      "    34178 MainThread: sem_wait takes the GIL (compare-and-swap)",
    ]);
  });

  it('py2 on one core: the holder keeps the GIL through its checks until CFS ends its slice; the waiter (the main thread, to start t2) then sleeps and, woken at the next check, preempts the holder inside sem_post and wins', () => {
    expect(narrate('py2', 1, 300_000, 13_000_000, 40)).toEqual([
      "     4052 MainThread: sem_wait takes the GIL (compare-and-swap)",
      "     4052 MainThread: threading.Thread.start(t1): the thread is created; waits for it to run (the _started event)",
      "     4052 t1: starts and takes the GIL (PyEval_AcquireThread)",
      "     4052 MainThread: releases the GIL (sem_post)",
      "     5061 MainThread: futex_wait on the lock: sleeps until t1 has started",
      "     9304 t1: sem_wait takes the GIL (compare-and-swap)",
      "     9304 t1: sets _started: futex_wake wakes MainThread",
      "     9304 MainThread: woken; waits for cpu0, where t1 runs",
      "    10782 t1: check at tick 0: releases the GIL and takes it back (nobody waits: no syscall)",
      "    10782 t1: runs 81817 check periods in one go: its checks touch nobody",
      "  4000000 cpu0: t1's time slice is over: MainThread runs (CFS)",
      "  4004008 MainThread: sem_wait finds the GIL taken: nwaiters = 1, futex_wait",
      "  4004948 MainThread: futex_wait: sleeps until a futex_wake",
      "  4009060 t1: check at tick 0, sem_post: futex_wake wakes MainThread",
      "  4009060 MainThread: woken; preempts t1 on cpu0 (CFS wake-up preemption)",
      "  4012595 MainThread: sem_wait's retry takes the GIL",
      "  4012595 MainThread: threading.Thread.start(t2): the thread is created; waits for it to run (the _started event)",
      "  4012595 t2: starts and takes the GIL (PyEval_AcquireThread)",
      "  4012595 MainThread: releases the GIL (sem_post)",
      "  4013981 MainThread: futex_wait on the lock: sleeps until t2 has started",
      "  4018364 t1: sem_wait takes the GIL (compare-and-swap)",
      "  4018364 t1: runs 59588 check periods in one go: its checks touch nobody",
      "  8000000 cpu0: t1's time slice is over: t2 runs (CFS)",
      "  8004763 t2: sem_wait finds the GIL taken: nwaiters = 1, futex_wait",
      "  8006208 t2: futex_wait: sleeps until a futex_wake",
      "  8009937 t1: check at tick 0, sem_post: futex_wake wakes t2",
      "  8009937 t2: woken; preempts t1 on cpu0 (CFS wake-up preemption)",
      "  8013757 t2: sem_wait's retry takes the GIL",
      "  8013757 t2: sets _started: futex_wake wakes MainThread",
      "  8013757 MainThread: woken; waits for cpu0, where t2 runs",
      "  8015807 t2: check at tick 0: releases the GIL and takes it back (nobody waits: no syscall)",
      "  8015807 t2: runs 81817 check periods in one go: its checks touch nobody",
      " 12000000 cpu0: t2's time slice is over: MainThread runs (CFS)",
      " 12004801 MainThread: sem_wait finds the GIL taken: nwaiters = 1, futex_wait",
      " 12005779 MainThread: futex_wait: sleeps until a futex_wake",
      " 12011215 t1: back from futex_wake: t2 took the GIL meanwhile",
      " 12011215 t1: sem_wait finds the GIL taken: nwaiters = 2, futex_wait",
      " 12012746 t1: futex_wait: sleeps until a futex_wake",
      " 12017607 t2: check at tick 0, sem_post: futex_wake wakes MainThread",
      " 12017607 MainThread: woken; preempts t2 on cpu0 (CFS wake-up preemption)",
    ]);
  });

  it('py3 on two cores: a waiter waits a full interval and the timer slack, asks for a drop, and the holder hands over twice (cond, then switch_cond)', () => {
    expect(narrate('py3', 2, 3000, 400_000, 40)).toEqual([
      "     4092 MainThread: takes the GIL (switch_number 1)",
      "     4132 MainThread: threading.Thread.start(t1): the thread is created; waits for it to run (the _started event)",
      "     4132 t1: starts and takes the GIL (PyEval_AcquireThread)",
      "     4172 MainThread: drop_gil: releases the GIL (nobody waits)",
      "     5442 MainThread: futex_wait on the lock: sleeps until t1 has started",
      "     7417 t1: takes the GIL (switch_number 2)",
      "     7457 t1: sets _started: futex_wake wakes MainThread",
      "     7457 MainThread: woken; idle cpu0 runs it after 9630 ns (polling: no interrupt needed)",
      "    17532 MainThread: take_gil: t1 holds the GIL: waits on cond for up to 20 us",
      "    77478 MainThread: its timed wait runs out",
      "    77478 MainThread: woken; idle cpu0 runs it after 19081 ns (halted)",
      "    96978 MainThread: waited 20 us with no switch: sets gil_drop_request",
      "    96994 t1: sees gil_drop_request at a check point: drop_gil, then take_gil",
      "    98924 t1: drop_gil: releases the GIL, signals cond: wakes MainThread",
      "    98924 MainThread: woken; idle cpu0 runs it after 10709 ns (polling: no interrupt needed)",
      "   100310 t1: nobody has taken the GIL yet: waits on switch_cond (FORCE_SWITCHING)",
      "   110128 MainThread: takes the GIL (switch_number 3), signals switch_cond: wakes t1",
      "   110128 t1: woken; idle cpu1 runs it after 23524 ns (halted)",
      "   129669 MainThread: threading.Thread.start(t2): the thread is created; waits for it to run (the _started event)",
      "   129669 t2: starts and takes the GIL (PyEval_AcquireThread)",
      "   129709 MainThread: drop_gil: releases the GIL (nobody waits)",
      "   130719 MainThread: futex_wait on the lock: sleeps until t2 has started",
      "   134150 t1: takes the GIL (switch_number 4)",
      "   135682 t2: take_gil: t1 holds the GIL: waits on cond for up to 20 us",
      "   206033 t2: its timed wait runs out",
      "   206033 t2: woken; idle cpu0 runs it after 21823 ns (halted)",
      "   214708 t1: drop_gil: releases the GIL, signals cond: wakes t2",
      "   216516 t1: finishes",
      "   228328 t2: takes the GIL (switch_number 5)",
      "   228368 t2: sets _started: futex_wake wakes MainThread",
      "   228368 MainThread: woken; idle cpu1 runs it after 20216 ns (halted)",
      "   249000 MainThread: take_gil: t2 holds the GIL: waits on cond for up to 20 us",
      "   306503 MainThread: its timed wait runs out",
      "   306503 MainThread: woken; idle cpu1 runs it after 23326 ns (halted)",
      "   330292 MainThread: waited 20 us with no switch: sets gil_drop_request",
      "   330307 t2: sees gil_drop_request at a check point: drop_gil, then take_gil",
      "   332044 t2: drop_gil: releases the GIL, signals cond: wakes MainThread",
      "   332044 MainThread: woken; idle cpu1 runs it after 14094 ns (going idle)",
      "   346653 MainThread: takes the GIL (switch_number 6)",
      "   346693 MainThread: t1.join(): it has already finished",
    ]);
  });

  it('free-threaded: no GIL, nothing to narrate but the main thread starting and joining the workers, and the ends', () => {
    expect(narrate('free-threaded', 2, 300, 60_000, 40)).toEqual([
      "     4052 MainThread: threading.Thread.start(t1): the thread is created; waits for it to run (the _started event)",
      "     4052 t1: starts and takes the GIL (PyEval_AcquireThread)",
      "     5282 MainThread: futex_wait on the lock: sleeps until t1 has started",
      "     7297 t1: sets _started: futex_wake wakes MainThread",
      "     7297 MainThread: woken; idle cpu0 runs it after 9630 ns (polling: no interrupt needed)",
      "    17332 MainThread: threading.Thread.start(t2): the thread is created; waits for it to run (the _started event)",
      "    17332 t2: starts and takes the GIL (PyEval_AcquireThread)",
      "    18272 MainThread: futex_wait on the lock: sleeps until t2 has started",
      "    22237 t2: sets _started: futex_wake wakes MainThread",
      "    22237 MainThread: woken; waits for cpu0, where t2 runs",
      "    26921 t1: finishes",
      "    30775 MainThread: t1.join(): it has already finished",
      "    30775 MainThread: t2.join(): waits in a lock acquire, the GIL released",
      "    32161 MainThread: futex_wait on the lock: sleeps until t2 has finished",
      "    41692 t2: has finished: releases its lock: futex_wake wakes MainThread",
      "    41692 MainThread: woken; idle cpu1 runs it after 16356 ns (halted)",
      "    58516 MainThread: finishes",
    ]);
  });
});
