import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/model/simulation.js';
import { config } from '../helpers.js';

describe('the runner', () => {
  it('lets a thread that woke a peer which then preempted it go on only once it is back on its core (found by the what-if sweeps)', () => {
    // Two single-threaded Python 2 processes (no GIL) on one core, each handed its task over a
    // socket by a pool thread: their loops must share the core, 2 x 1.06 s, not overlap.
    const worker = (name: string, socket: string) => ({
      name,
      process: name,
      main: true,
      program: [{ op: 'ccall' as const, us: 2000 }, { op: 'connect' as const, socket }, { op: 'recv' as const, socket }, { op: 'loop' as const, kind: 'countdown', iterations: 25_000_000 }],
    });
    const sim = new Simulation(
      config({
        cores: 1,
        threads: [
          { name: 'pool', program: [{ op: 'accept', socket: 's1' }, { op: 'send', socket: 's1', bytes: 100 }, { op: 'accept', socket: 's2' }, { op: 'send', socket: 's2', bytes: 100 }] },
          worker('w1', 's1'),
          worker('w2', 's2'),
        ],
      }),
    );
    sim.runToEnd();
    const s = sim.snapshot();
    const cpu = s.threads.filter((t) => t.name !== 'pool').map((t) => t.cpuNs);
    expect(cpu[0]).toBeGreaterThan(1e9);
    expect(cpu[1]).toBeGreaterThan(1e9);
    expect(sim.finishedAt).toBeGreaterThanOrEqual(cpu[0] + cpu[1]);
  });
});
