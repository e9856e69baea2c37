import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/model/simulation.js';
import { config, countdownThread } from '../helpers.js';
import { echoFib } from './echo-fib.js';

describe("the priority GIL (Beazley, PyCon 2010)", () => {
  it('removes most of the convoy in echo-fib-py3 without starving the fib thread', () => {
    const py3 = echoFib('py3');
    const pri = echoFib('priority');
    // py3: the server waits a switch interval (5 ms) for the GIL after each recv.
    expect(py3.p50).toBeGreaterThan(4e-3);
    // priority: the server takes the GIL from the CPU-bound fib thread at its next check point.
    expect(pri.p50).toBeLessThan(py3.p50 / 20);
    // ... while fib still holds the GIL for a good part of the run.
    expect(pri.fibShare).toBeGreaterThan(0.3);
    expect(pri.summary.counters.forcedSwitches).toBeGreaterThan(900);
  });

  it('between two CPU-bound threads it is Python 3: a switch about every switch interval', () => {
    const sim = new Simulation(config({ policy: 'priority', cores: 2, threads: [countdownThread('a', 10_000_000), countdownThread('b', 10_000_000)] }));
    // Past the start (the main thread starting both), every thread is CPU-bound.
    sim.runUntil(50e6);
    const a = sim.snapshot();
    sim.runUntil(550e6);
    const b = sim.snapshot();
    const holdNs = (b.now - a.now) / (b.counters.gilSwitches - a.counters.gilSwitches);
    expect(holdNs).toBeGreaterThan(0.95 * 5e6);
    expect(holdNs).toBeLessThan(1.15 * 5e6);
  });

  it('marks a thread forced off the GIL CPU-bound, and one that let it go for I/O not', () => {
    const sim = new Simulation(
      config({
        policy: 'priority',
        cores: 2,
        threads: [countdownThread('cpu', 10_000_000), { name: 'io', program: [{ op: 'repeat', times: 50, body: [{ op: 'sleep', us: 100 }, { op: 'loop', kind: 'countdown', iterations: 100 }] }] }],
      }),
    );
    // Until the sleeper first meets the counting thread, nobody has been forced off.
    let sawIoHolder = false;
    let sawCpuHolderMarked = false;
    for (let t = 1e5; t < 20e6 && !sim.finished; t += 1e5) {
      sim.runUntil(t);
      const s = sim.snapshot();
      const g = s.processes[0].gil;
      if (g.holder < 0) continue;
      const name = s.threads[g.holder].name;
      if (name === 'io') sawIoHolder ||= g.holderCpuBound === false;
      if (name === 'cpu' && g.holderCpuBound === true) sawCpuHolderMarked = true;
    }
    expect(sawIoHolder).toBe(true);
    expect(sawCpuHolderMarked).toBe(true);
    // Each of the 50 wake-ups from sleep asks the CPU-bound holder to drop at once: the sleeper
    // waits a check point for the GIL, not a switch interval (py3 would make it 50 x 5 ms).
    const s = sim.snapshot();
    expect(s.counters.dropRequests).toBeGreaterThanOrEqual(49);
    expect(s.threads.find((t) => t.name === 'io')!.gilWaitNs).toBeLessThan(50 * 0.2e6);
  });
});
