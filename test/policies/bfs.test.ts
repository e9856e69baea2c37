import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/model/simulation.js';
import { config, countdownThread } from '../helpers.js';
import { echoFib } from './echo-fib.js';

describe('the BFS GIL (Nir Aides, bpo-7946)', () => {
  it('removes most of the convoy in echo-fib-py3 without starving the fib thread', () => {
    const py3 = echoFib('py3');
    const bfs = echoFib('bfs');
    expect(py3.p50).toBeGreaterThan(4e-3);
    // The server's deadline is earlier than the fib thread's: it preempts it at its next check point.
    expect(bfs.p50).toBeLessThan(py3.p50 / 20);
    expect(bfs.fibShare).toBeGreaterThan(0.3);
  });

  it('hands the GIL to the earliest deadline, not the longest waiter: a second fib thread queued first does not delay the server', () => {
    const bfs = echoFib('bfs', 1);
    const py3 = echoFib('py3', 1);
    expect(bfs.p50).toBeLessThan(0.5e-3);
    expect(py3.p50).toBeGreaterThan(4e-3);
    expect(bfs.fibShare).toBeGreaterThan(0.3);
  });

  it('between CPU-bound threads each runs its 10 ms slice: the holder looks at it when the waiter times out (0.55 slices) and yields at the look after it is spent', () => {
    const sim = new Simulation(config({ policy: 'bfs', cores: 2, threads: [countdownThread('a', 20_000_000), countdownThread('b', 20_000_000)] }));
    // Started together, the two have the same first deadline and preempt each other until their
    // first slices are spent (as in the patch); from then on each runs a whole slice.
    sim.runUntil(100e6);
    const a = sim.snapshot();
    sim.runUntil(500e6);
    const b = sim.snapshot();
    const switches = b.counters.gilSwitches - a.counters.gilSwitches;
    const holdNs = (b.now - a.now) / switches;
    expect(holdNs).toBeGreaterThan(10.5e6);
    expect(holdNs).toBeLessThan(11.8e6);
    // Each switch is a yield at a check point. The holder looks at its slice three times a turn:
    // when the waiter queues (bfs_check_depleted) and at each of the waiter's two 5.5 ms timeouts,
    // the last one after 11 ms finding the 10 ms slice spent.
    expect(b.counters.forcedSwitches - a.counters.forcedSwitches).toBe(switches);
    // (The window's ends can cut a turn: within a look or two of three a switch.)
    expect(Math.abs(b.counters.checks - a.counters.checks - 3 * switches)).toBeLessThanOrEqual(2);
  });
});
