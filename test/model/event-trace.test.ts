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
    expect(narrate('py2', 2, 300, 16_000, 16)).toEqual([
      "     2434 t2: sem_wait takes the GIL (compare-and-swap)",
      "     2957 t2: check at tick 0: releases the GIL and takes it back (nobody waits: no syscall)",
      "     2957 t2: runs 53 check periods in one go: its checks touch nobody",
      "     3039 t1: sem_wait finds the GIL taken: nwaiters = 1, futex_wait",
      "     3039 t1: futex_wait: sleeps until a futex_wake",
      "     3480 t2: check at tick 0, sem_post: futex_wake wakes t1",
      "     3480 t1: woken; idle cpu0 runs it after 2499 ns (still polling)",
      "     3480 t2: runs 2 check periods in one go: its checks touch nobody (the waiter is awake: each costs a futex_wake, wakes nobody)",
      "     5833 t2: check at tick 0, sem_post: futex_wake finds nobody asleep (1 awake in sem_wait)",
      "     6403 t1: woken, but t2 has the GIL again: woken in vain, futex_wait again",
      "     6658 t2: check at tick 0, sem_post: futex_wake finds nobody asleep (1 awake in sem_wait)",
      "     6758 t1: futex_wait returns at once (EAGAIN: the GIL was released meanwhile)",
      "     7054 t2: takes the GIL back (its compare-and-swap after sem_post)",
      "     7078 t1: futex_wait: sleeps until a futex_wake",
      "     7577 t2: check at tick 0, sem_post: futex_wake wakes t1",
      "     7577 t1: woken; idle cpu0 runs it after 3676 ns (still polling)",
    ]);
  });

  it('py2 on one core: the holder keeps the GIL through its checks until CFS ends its slice; the waiter then sleeps and, woken at the next check, preempts the holder inside sem_post and wins', () => {
    expect(narrate('py2', 1, 300_000, 13_000_000, 19)).toEqual([
      "     3039 t1: sem_wait takes the GIL (compare-and-swap)",
      "     3562 t1: check at tick 0: releases the GIL and takes it back (nobody waits: no syscall)",
      "     3562 t1: runs 54544 check periods in one go: its checks touch nobody",
      "  4000000 cpu0: t1's time slice is over: t2 runs (CFS)",
      "  4002434 t2: sem_wait finds the GIL taken: nwaiters = 1, futex_wait",
      "  4002830 t2: futex_wait: sleeps until a futex_wake",
      "  4005619 t1: check at tick 0, sem_post: futex_wake wakes t2",
      "  4005619 t2: woken; preempts t1 on cpu0 (CFS wake-up preemption)",
      "  4008765 t2: sem_wait's retry takes the GIL",
      "  4009288 t2: check at tick 0: releases the GIL and takes it back (nobody waits: no syscall)",
      "  4009288 t2: runs 54544 check periods in one go: its checks touch nobody",
      " 12000000 cpu0: t2's time slice is over: t1 runs (CFS)",
      " 12003420 t1: back from futex_wake: t2 took the GIL meanwhile",
      " 12003420 t1: sem_wait finds the GIL taken: nwaiters = 1, futex_wait",
      " 12003816 t1: futex_wait: sleeps until a futex_wake",
      " 12006742 t2: check at tick 0, sem_post: futex_wake wakes t1",
      " 12006742 t1: woken; preempts t2 on cpu0 (CFS wake-up preemption)",
      " 12010403 t1: sem_wait's retry takes the GIL",
      " 12010403 t1: runs 46905 check periods in one go: its checks touch nobody",
    ]);
  });

  it('py3 on two cores: a waiter waits a full interval, asks for a drop, and the holder hands over twice (cond, then switch_cond)', () => {
    expect(narrate('py3', 2, 3000, 70_000, 21)).toEqual([
      "     2474 t2: takes the GIL (switch_number 1)",
      "     3079 t1: take_gil: t2 holds the GIL: waits on cond for up to 20 us",
      "    23079 t1: its timed wait runs out",
      "    23079 t1: woken; idle cpu0 runs it after 2722 ns (still polling)",
      "    26174 t1: waited 20 us with no switch: sets gil_drop_request",
      "    26174 t2: sees gil_drop_request at a check point: drop_gil, then take_gil",
      "    26889 t2: drop_gil: releases the GIL, signals cond: wakes t1",
      "    26889 t1: woken; idle cpu0 runs it after 3341 ns (still polling)",
      "    28154 t2: nobody has taken the GIL yet: waits on switch_cond (FORCE_SWITCHING)",
      "    30621 t1: takes the GIL (switch_number 2), signals switch_cond: wakes t2",
      "    30621 t2: woken; idle cpu1 runs it after 3484 ns (still polling)",
      "    34621 t2: take_gil: t1 holds the GIL: waits on cond for up to 20 us",
      "    54621 t2: its timed wait runs out",
      "    54621 t2: woken; idle cpu1 runs it after 3600 ns (still polling)",
      "    58645 t2: waited 20 us with no switch: sets gil_drop_request",
      "    58652 t1: sees gil_drop_request at a check point: drop_gil, then take_gil",
      "    59401 t1: drop_gil: releases the GIL, signals cond: wakes t2",
      "    59401 t2: woken; idle cpu1 runs it after 2316 ns (still polling)",
      "    60620 t1: nobody has taken the GIL yet: waits on switch_cond (FORCE_SWITCHING)",
      "    62249 t2: takes the GIL (switch_number 3), signals switch_cond: wakes t1",
      "    62249 t1: woken; idle cpu0 runs it after 3015 ns (still polling)",
    ]);
  });

  it('free-threaded: no GIL, nothing to narrate but the ends', () => {
    expect(narrate('free-threaded', 2, 300, 40_000, 2)).toEqual([
      "    20643 t2: finishes",
      "    21248 t1: finishes",
    ]);
  });
});
