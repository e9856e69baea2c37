/**
 * Exact event traces of small cases, in the model's own words (its journal): a reader can follow
 * each line against MODEL.md and the C it cites. A change to a mechanism that moves any of these
 * lines shows here first; update the lines only with a reason.
 */
import { describe, expect, it } from 'vitest';
import type { PolicyName } from '../../src/model/index.js';
import { Simulation } from '../../src/model/simulation.js';
import { config, countdownThread } from '../helpers.js';

/** Two threads counting down `n` each (check interval 10 ticks, switch interval 20 us), narrated up to `untilNs`. */
function narrate(policy: PolicyName, cores: number, n: number, untilNs: number, lines: number): string[] {
  const sim = new Simulation(config({ policy, cores, checkInterval: 10, switchIntervalNs: 20_000, threads: [countdownThread('t1', n), countdownThread('t2', n)] }));
  const journal = sim.enableJournal(10_000);
  sim.runUntil(untilNs);
  const out: string[] = [];
  journal.forEachSince(0, (atNs, _thread, text) => out.push(`${String(atNs).padStart(9)} ${text}`));
  return out.slice(0, lines);
}

describe('exact event traces', () => {
  it('py2 on two cores: the waiter sleeps, is woken at a check, finds the GIL taken again, and now and then wins inside a futex_wake', () => {
    expect(narrate('py2', 2, 300, 40_000, 16)).toEqual([
      "     3245 t2: sem_wait takes the GIL (compare-and-swap)",
      "     3424 t2: check at tick 0: releases the GIL and takes it back (nobody waits: no syscall)",
      "     3424 t2: runs 80 check periods in one go: its checks touch nobody",
      "     4052 t1: sem_wait finds the GIL taken: nwaiters = 1, futex_wait",
      "     4142 t2: check at tick 0, sem_post: futex_wake finds nobody asleep (1 awake in sem_wait)",
      "     5431 t1: futex_wait returns at once (EAGAIN: the GIL was released meanwhile)",
      "     5668 t2: takes the GIL back (its compare-and-swap after sem_post)",
      "     5847 t2: check at tick 0, sem_post: futex_wake finds nobody asleep (1 awake in sem_wait)",
      "     7027 t1: futex_wait: sleeps until a futex_wake",
      "     7156 t2: check at tick 0, sem_post: futex_wake wakes t1",
      "     7156 t1: woken; idle cpu0 runs it after 11460 ns (going idle)",
      "    18955 t1: sem_wait's retry takes the GIL",
      "    19283 t1: check at tick 0: releases the GIL and takes it back (nobody waits: no syscall)",
      "    19283 t1: runs 80 check periods in one go: its checks touch nobody",
      "    26970 t2: back from futex_wake: t1 took the GIL meanwhile",
      "    26970 t2: sem_wait finds the GIL taken: nwaiters = 1, futex_wait",
    ]);
  });

  it('py2 on one core: the holder keeps the GIL through its checks until CFS ends its slice; the waiter then sleeps and, woken at the next check, preempts the holder inside sem_post and wins, or, its slice just used, waits in the run queue while the holder pays a futex_wake at every check', () => {
    expect(narrate('py2', 1, 300_000, 13_000_000, 22)).toEqual([
      "     4052 t1: sem_wait takes the GIL (compare-and-swap)",
      "     4231 t1: check at tick 0: releases the GIL and takes it back (nobody waits: no syscall)",
      "     4231 t1: runs 81817 check periods in one go: its checks touch nobody",
      "  4000000 cpu0: t1's time slice is over: t2 runs (CFS)",
      "  4003245 t2: sem_wait finds the GIL taken: nwaiters = 1, futex_wait",
      "  4004475 t2: futex_wait: sleeps until a futex_wake",
      "  4007863 t1: check at tick 0, sem_post: futex_wake wakes t2",
      "  4007863 t2: woken; preempts t1 on cpu0 (CFS wake-up preemption)",
      "  4011898 t2: sem_wait's retry takes the GIL",
      "  4012077 t2: check at tick 0: releases the GIL and takes it back (nobody waits: no syscall)",
      "  4012077 t2: runs 81817 check periods in one go: its checks touch nobody",
      "  8000000 cpu0: t2's time slice is over: t1 runs (CFS)",
      "  8004730 t1: back from futex_wake: t2 took the GIL meanwhile",
      "  8004730 t1: sem_wait finds the GIL taken: nwaiters = 1, futex_wait",
      "  8005963 t1: futex_wait: sleeps until a futex_wake",
      "  8009502 t2: check at tick 0, sem_post: futex_wake wakes t1",
      "  8009502 t1: woken; waits for cpu0, where t2 runs",
      "  8009502 t2: runs 2700 check periods in one go: its checks touch nobody (the waiter is awake: each costs a futex_wake, wakes nobody)",
      " 11999100 t2: check at tick 0, sem_post: futex_wake finds nobody asleep (1 awake in sem_wait)",
      " 12000000 cpu0: t2's time slice is over: t1 runs (CFS)",
      " 12003318 t1: sem_wait's retry takes the GIL",
      " 12003318 t1: runs 59552 check periods in one go: its checks touch nobody",
    ]);
  });

  it('py3 on two cores: a waiter waits a full interval and the timer slack, asks for a drop, and the holder hands over twice (cond, then switch_cond)', () => {
    expect(narrate('py3', 2, 3000, 400_000, 21)).toEqual([
      "     3285 t2: takes the GIL (switch_number 1)",
      "     4092 t1: take_gil: t2 holds the GIL: waits on cond for up to 20 us",
      "    69463 t1: its timed wait runs out",
      "    69463 t1: woken; idle cpu0 runs it after 16407 ns (halted)",
      "    86228 t1: waited 20 us with no switch: sets gil_drop_request",
      "    86228 t2: sees gil_drop_request at a check point: drop_gil, then take_gil",
      "    87969 t2: drop_gil: releases the GIL, signals cond: wakes t1",
      "    87969 t1: woken; idle cpu0 runs it after 8709 ns (polling: no interrupt needed)",
      "    89865 t2: nobody has taken the GIL yet: waits on switch_cond (FORCE_SWITCHING)",
      "    97054 t1: takes the GIL (switch_number 2), signals switch_cond: wakes t2",
      "    97054 t2: woken; idle cpu1 runs it after 10709 ns (polling: no interrupt needed)",
      "   108169 t2: take_gil: t1 holds the GIL: waits on cond for up to 20 us",
      "   167484 t2: its timed wait runs out",
      "   167484 t2: woken; idle cpu1 runs it after 16930 ns (halted)",
      "   184868 t2: waited 20 us with no switch: sets gil_drop_request",
      "   184876 t1: sees gil_drop_request at a check point: drop_gil, then take_gil",
      "   186832 t1: drop_gil: releases the GIL, signals cond: wakes t2",
      "   186832 t2: woken; idle cpu1 runs it after 11620 ns (polling: no interrupt needed)",
      "   188640 t1: nobody has taken the GIL yet: waits on switch_cond (FORCE_SWITCHING)",
      "   198942 t2: takes the GIL (switch_number 3), signals switch_cond: wakes t1",
      "   198942 t1: woken; idle cpu0 runs it after 24428 ns (halted)",
    ]);
  });

  it('free-threaded: no GIL, nothing to narrate but the ends', () => {
    expect(narrate('free-threaded', 2, 300, 40_000, 2)).toEqual([
      "    21454 t2: finishes",
      "    22261 t1: finishes",
    ]);
  });
});
