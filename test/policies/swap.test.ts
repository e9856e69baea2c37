import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/model/simulation.js';
import { policyNames } from '../../src/model/index.js';
import { articleProfile, config, countdownThread } from '../helpers.js';

describe('swapping the policy', () => {
  it('lets a thread caught inside py3 drop_gil go on, and frees the GIL for the others (found by the property test)', () => {
    // t3's C call ends and it drops the GIL to exit; the swap lands while it waits for gil->mutex.
    const sim = new Simulation(
      config({
        policy: 'py3',
        cores: 2,
        checkInterval: 1,
        switchIntervalNs: 1000,
        seed: '',
        threads: [
          { name: 't0', program: [{ op: 'ccall', us: 1220 }, { op: 'sleep', us: 1 }] },
          { name: 't1', program: [{ op: 'loop', kind: 'fib', iterations: 710 }] },
          { name: 't2', program: [{ op: 'loop', kind: 'countdown', iterations: 1938 }] },
          { name: 't3', program: [{ op: 'ccall', us: 621 }] },
        ],
      }),
    );
    sim.runUntil(2181199);
    sim.apply({ type: 'policy', policy: 'py2' });
    sim.runToEnd();
    expect(sim.finished).toBe(true);
  });

  it('survives a swap every microsecond: no thread is left in the code of a retired policy, every thread does all its work', () => {
    const sim = new Simulation(config({ policy: 'py3', cores: 2, threads: [countdownThread('a', 200_000, { program: [{ op: 'loop', kind: 'countdown', iterations: 200_000 }, { op: 'sleep', us: 50 }, { op: 'loop', kind: 'countdown', iterations: 100_000 }] }), countdownThread('b', 300_000)] }));
    // Swap at every microsecond of the first 20 ms: a swap lands inside every piece of GIL code.
    for (let t = 1000; t < 20e6 && !sim.finished; t += 997) {
      sim.runUntil(t);
      sim.apply({ type: 'policy', policy: sim.policy === 'py3' ? 'py2' : 'py3' });
      expect(sim.invariantViolation()).toBeNull();
    }
    sim.runToEnd();
    expect(sim.finished).toBe(true);
    const ticks = articleProfile.interpreter.py2TicksPerIteration.countdown;
    expect(sim.pythonTicksDone().slice(0, 2)).toEqual([300_000 * ticks, 300_000 * ticks]);
  });

  it('survives every policy in turn, a swap every microsecond, with an I/O thread among CPU-bound ones (priority and bfs included)', () => {
    const io = { name: 'io', program: [{ op: 'repeat' as const, times: 40, body: [{ op: 'sleep' as const, us: 150 }, { op: 'loop' as const, kind: 'fib' as const, iterations: 30 }] }] };
    const sim = new Simulation(config({ policy: 'py3', cores: 2, threads: [countdownThread('a', 200_000), countdownThread('b', 300_000), io] }));
    let i = 0;
    for (let t = 1000; t < 20e6 && !sim.finished; t += 997) {
      sim.runUntil(t);
      sim.apply({ type: 'policy', policy: policyNames[i++ % policyNames.length] });
      expect(sim.invariantViolation()).toBeNull();
    }
    sim.runToEnd();
    expect(sim.finished).toBe(true);
    const ticks = articleProfile.interpreter.py2TicksPerIteration;
    // (The last is the main thread, which starts and joins them and runs no loop.)
    expect(sim.pythonTicksDone()).toEqual([200_000 * ticks.countdown, 300_000 * ticks.countdown, 40 * 30 * ticks.fib, 0]);
  });
});
