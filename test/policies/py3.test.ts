import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/model/simulation.js';
import { config, countdownThread } from '../helpers.js';

function run(cores: number, interval = 5_000_000, n = 2_000_000) {
  const sim = new Simulation(config({ policy: 'py3', cores, switchIntervalNs: interval, threads: [countdownThread('a', n), countdownThread('b', n)] }));
  sim.runToEnd();
  return { sim, c: sim.snapshot().counters };
}

describe('Python 3 GIL (switch interval, drop request, forced switching)', () => {
  it('a CPU-bound holder keeps the GIL about one switch interval while another thread waits', () => {
    const { sim, c } = run(2);
    // The workers' stints (the main thread holds the GIL only briefly, to start and join them).
    const workers = sim.snapshot().threads.filter((t) => t.name !== 'MainThread');
    const holdNs = workers.reduce((s, t) => s + t.gilHeldNs, 0) / workers.reduce((s, t) => s + t.acquisitions, 0);
    expect(holdNs).toBeGreaterThan(0.95 * 5e6);
    expect(holdNs).toBeLessThan(1.15 * 5e6);
    expect(c.dropRequests).toBeGreaterThan(0);
    expect(c.forcedSwitches).toBe(c.dropRequests);
  });

  it('the interval sets the pace: 1 ms gives about five times as many switches as 5 ms', () => {
    const five = run(2, 5e6).c.gilSwitches;
    const one = run(2, 1e6).c.gilSwitches;
    expect(one / five).toBeGreaterThan(4);
    expect(one / five).toBeLessThan(6);
  });

  it('each forced switch is two hand-offs: the waiter is woken to take it, the dropper to go on', () => {
    const { c } = run(2);
    // The dropper sleeps on switch_cond until the waiter has the GIL, and each side is woken once.
    expect(c.syscalls.futex_wait).toBeGreaterThanOrEqual(c.forcedSwitches);
    expect(c.wakeups / c.forcedSwitches).toBeGreaterThanOrEqual(2);
    expect(c.contextSwitches.voluntary / c.forcedSwitches).toBeGreaterThanOrEqual(2);
  });

  it('two CPU-bound threads cost about what one does (no battle)', () => {
    const seq = new Simulation(config({ policy: 'py3', cores: 2, threads: [countdownThread('main', 4_000_000, { main: true })] }));
    seq.runToEnd();
    const { sim } = run(2);
    expect(sim.finishedAt / seq.finishedAt).toBeLessThan(1.02);
  });

  it('free-threaded runs the two threads in parallel on two cores', () => {
    const sim = new Simulation(config({ policy: 'free-threaded', cores: 2, threads: [countdownThread('a', 2_000_000), countdownThread('b', 2_000_000)] }));
    sim.runToEnd();
    const perIteration = articleProfileCost();
    expect(sim.finishedAt).toBeLessThan(2_000_000 * perIteration * 1.2);
  });
});

describe('policy swaps', () => {
  it('keep the intervals: from py2 to py3 the switch interval is still the one set, 5 ms', () => {
    const sim = new Simulation(config({ policy: 'py2', cores: 2, threads: [countdownThread('a', 2_000_000), countdownThread('b', 2_000_000)] }));
    sim.runUntil(10e6);
    sim.apply({ type: 'policy', policy: 'py3' });
    expect(sim.snapshot().processes[0].gil.switchIntervalNs).toBe(5e6);
    const before = sim.snapshot();
    sim.runToEnd();
    const after = sim.snapshot();
    const holdNs = (after.now - before.now) / (after.counters.gilSwitches - before.counters.gilSwitches);
    expect(holdNs).toBeGreaterThan(4e6);
    // And back: py2 keeps the check interval py3 carried.
    const back = new Simulation(config({ policy: 'py3', checkInterval: 250, threads: [countdownThread('a', 100_000), countdownThread('b', 100_000)] }));
    back.runUntil(1e6);
    back.apply({ type: 'policy', policy: 'py2' });
    expect(back.snapshot().processes[0].gil.checkInterval).toBe(250);
  });
});

function articleProfileCost(): number {
  return 56.2 * 1.08;
}
