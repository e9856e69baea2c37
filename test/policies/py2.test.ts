import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/model/simulation.js';
import { articleProfile, config, countdownThread } from '../helpers.js';

function run(cores: number, checkInterval = 100, n = 1_000_000) {
  const sim = new Simulation(config({ policy: 'py2', cores, checkInterval, threads: [countdownThread('a', n), countdownThread('b', n)] }));
  sim.runToEnd();
  return { sim, c: sim.snapshot().counters };
}

describe('Python 2 GIL (ticks, semaphore, futex)', () => {
  it('checks every check interval + 1 ticks, counting the ticks the profile gives an iteration (3: a computed-goto 2.7)', () => {
    const { c } = run(2);
    expect(articleProfile.interpreter.py2TicksPerIteration.countdown).toBe(3);
    expect(c.ticks).toBe(6_000_000);
    // `_Py_Ticker` is global: it runs on across GIL switches, so the checks are 6M ticks / 101.
    expect(c.checks).toBe(Math.floor(6_000_000 / 101));
  });

  it('on two cores the holder pays a futex_wake at every check made while the other thread is in sem_wait', () => {
    const two = run(2).c;
    const one = run(1).c;
    expect(two.syscalls.futex_wake / two.checks).toBeGreaterThan(0.3);
    expect(two.syscalls.futex_wake).toBeGreaterThan(one.syscalls.futex_wake * 2);
  });

  it('on two cores the GIL changes hands at checks, a thousand times as often as on one core; the waiter sleeps and is woken, now and then in vain', () => {
    const two = run(2).c;
    const one = run(1).c;
    expect(two.gilSwitches).toBeGreaterThan(one.gilSwitches * 1000);
    expect(two.gilSwitches).toBeLessThan(two.checks);
    expect(two.contextSwitches.voluntary).toBeGreaterThan(two.checks / 50);
    expect(two.spuriousWakeups).toBeGreaterThan(0);
  });

  it('on one core the wakee preempts the holder inside its release and wins: few syscalls, switches per time slice', () => {
    const { c, sim } = run(1);
    // A waiter woken right after its own time slice does not preempt (CFS): it waits in the run
    // queue registered in nwaiters, and the holder's checks pay a futex_wake meanwhile.
    expect(c.syscalls.futex_wake / c.checks).toBeLessThan(0.5);
    expect(c.spuriousWakeups).toBeLessThan(c.gilSwitches);
    // Roughly one GIL switch per CFS slice (3 ms at two runnable tasks) rather than per check.
    const perSlice = c.gilSwitches / (sim.finishedAt / 3e6);
    expect(perSlice).toBeGreaterThan(0.3);
    expect(perSlice).toBeLessThan(3);
    // Preempted at the slice end and at the wake-up; blocked once: about two involuntary per voluntary.
    // (The workers' own switches: the main thread blocks once to start each and once to join.)
    const workers = sim.snapshot().threads.filter((t) => t.name !== 'MainThread');
    const sum = (f: (t: (typeof workers)[number]) => number) => workers.reduce((s, t) => s + f(t), 0);
    expect(sum((t) => t.involuntarySwitches) / sum((t) => t.voluntarySwitches)).toBeGreaterThan(1.5);
  });

  it('is slower with threads than sequentially, and slower on two cores than on one', () => {
    const seq = new Simulation(config({ policy: 'py2', cores: 1, threads: [countdownThread('main', 2_000_000, { main: true })] }));
    seq.runToEnd();
    const one = run(1).sim.finishedAt;
    const two = run(2).sim.finishedAt;
    expect(one).toBeGreaterThan(seq.finishedAt);
    expect(two).toBeGreaterThan(one * 1.1);
  });

  it('a sequential program has no GIL: no lock is taken, checks cost nothing', () => {
    const sim = new Simulation(config({ policy: 'py2', cores: 1, threads: [countdownThread('main', 1_000_000, { main: true })] }));
    sim.runToEnd();
    expect(sim.snapshot().counters.gilAcquisitions).toBe(0);
    // 1M iterations at the calibrated 42.4 ns, plus the thread's first switch-in (a few µs).
    expect(Math.abs(sim.finishedAt - 1_000_000 * 42.4)).toBeLessThan(10_000);
  });

  it('a smaller check interval means more checks and more overhead', () => {
    const a = run(1, 1000);
    const b = run(1, 10);
    expect(b.c.checks).toBeGreaterThan(a.c.checks * 50);
    expect(b.sim.finishedAt).toBeGreaterThan(a.sim.finishedAt * 1.2);
  });

  it('a pending signal makes a non-main thread check at every tick (the signal storm)', () => {
    const sim = new Simulation(config({ policy: 'py2', cores: 2, threads: [countdownThread('a', 200_000), countdownThread('b', 200_000)] }));
    sim.runUntil(1e6);
    const before = sim.snapshot().counters;
    sim.apply({ type: 'signal' });
    sim.runUntil(2e6);
    const after = sim.snapshot().counters;
    const checksPerTick = (after.checks - before.checks) / (after.ticks - before.ticks);
    expect(checksPerTick).toBeGreaterThan(0.9);
  });
});
