import { describe, expect, it } from 'vitest';
import { loadPreset, configFor, loadProfile } from '../../src/config/load.js';
import { Simulation } from '../../src/model/simulation.js';
import type { PolicyName } from '../../src/model/index.js';
import type { ThreadSpec } from '../../src/model/types.js';
import { gilView } from '../../src/tui/gil-view.js';
import { config } from '../helpers.js';

const epyc = loadProfile('epyc-vm');
const W = epyc.interpreter.nsPerIteration.countdown.py3! * (1 + epyc.interpreter.freeThreadedOverhead);
const T = epyc.memory.cacheLineTransferNs;

const worker = (name: string, n: number, shared?: string): ThreadSpec => ({ name, program: [{ op: 'loop', kind: 'countdown', iterations: n, ...(shared === undefined ? {} : { shared }) }] });

function seconds(preset: string, policy: PolicyName): number {
  const sim = new Simulation(configFor(loadPreset(preset), { policy }));
  sim.runToEnd();
  return sim.finishedAt / 1e9;
}

function run(policy: PolicyName, cores: number, threads: ThreadSpec[]): number {
  const sim = new Simulation(config({ profile: epyc, policy, cores, threads }));
  sim.runToEnd();
  expect(sim.finished).toBe(true);
  return sim.finishedAt;
}

describe('objects shared between free-threaded threads (PEP 703 critical sections)', () => {
  it('private data: free-threading scales with the cores (four threads on four cores: a quarter of the time, plus the overhead)', () => {
    const ft = seconds('free-threaded-private', 'free-threaded');
    const py3 = seconds('free-threaded-private', 'py3');
    expect(ft / py3).toBeGreaterThan(0.25);
    expect(ft / py3).toBeLessThan(0.25 * 1.15);
  });

  it('one shared object: free-threading does not scale; it is slower than the GIL, which keeps the line in the holder\'s cache', () => {
    const ft = seconds('free-threaded-shared', 'free-threaded');
    const py3 = seconds('free-threaded-shared', 'py3');
    // Four threads take turns on the object, one cache-line transfer a turn: 4 T per iteration each.
    expect(ft).toBeCloseTo((5e6 * 4 * T) / 1e9, 1);
    expect(ft / py3).toBeGreaterThan(1.5);
    // Under a GIL the touch costs just its work: the same run as on private data.
    expect(py3).toBe(seconds('free-threaded-private', 'py3'));
  });

  it('a thread whose loop on the object ends leaves the others to run at the speed of their work alone', () => {
    // Two threads on two cores: while both touch the object, an iteration takes max(W + T, 2 T);
    // after the short one is done, the long one's last 2M iterations take W each.
    const both = Math.max(W + T, 2 * T);
    const t = run('free-threaded', 2, [worker('a', 1_000_000, 'obj'), worker('b', 3_000_000, 'obj')]);
    const want = 1_000_000 * both + 2_000_000 * W;
    expect(t / want).toBeGreaterThan(0.99);
    expect(t / want).toBeLessThan(1.03);
  });

  it('costs nothing extra when the sharers cannot run at once (one core) or touch different objects', () => {
    const alone = run('free-threaded', 1, [worker('a', 1_000_000), worker('b', 1_000_000)]);
    expect(run('free-threaded', 1, [worker('a', 1_000_000, 'obj'), worker('b', 1_000_000, 'obj')])).toBe(alone);
    const apart = run('free-threaded', 2, [worker('a', 1_000_000), worker('b', 1_000_000)]);
    expect(run('free-threaded', 2, [worker('a', 1_000_000, 'x'), worker('b', 1_000_000, 'y')])).toBe(apart);
  });

  it('follows a change of cores at once: two sharers left with one core take turns on it and no longer contend for the object', () => {
    const n = 1_000_000;
    const sim = new Simulation(config({ profile: epyc, policy: 'free-threaded', cores: 2, threads: [worker('a', n, 'counter'), worker('b', n, 'counter')] }));
    const change = 1_000_000;
    sim.runUntil(change);
    sim.apply({ type: 'cores', cores: 1 });
    sim.runToEnd();
    // Up to the change each thread pays its share of the object's turns, max(W + T, 2T) an
    // iteration; after it, every iteration left costs its work alone, W (kept at the two-core
    // cost until a loop ended, the rest took three to four times as long).
    const doneEach = change / Math.max(W + T, 2 * T);
    const expected = change + (2 * n - 2 * doneEach) * W;
    expect(sim.finishedAt / expected).toBeGreaterThan(0.98);
    expect(sim.finishedAt / expected).toBeLessThan(1.03);
  });

  it('follows swaps: a loop on the object under py3, then free-threaded, then py3 again, does all its work', () => {
    const sim = new Simulation(config({ profile: epyc, policy: 'py3', cores: 2, threads: [worker('a', 2_000_000, 'obj'), worker('b', 2_000_000, 'obj')] }));
    sim.runUntil(20e6);
    sim.apply({ type: 'policy', policy: 'free-threaded' });
    sim.runUntil(40e6);
    sim.apply({ type: 'policy', policy: 'py3' });
    sim.runToEnd();
    expect(sim.finished).toBe(true);
    const ticks = epyc.interpreter.py2TicksPerIteration.countdown;
    expect(sim.pythonTicksDone().slice(0, 2)).toEqual([2_000_000 * ticks, 2_000_000 * ticks]);
  });

  it('shows in the GIL panel: the object, how many threads touch it at once, how often each gets a turn', () => {
    const at = (policy: PolicyName, cores?: number) => {
      const sim = new Simulation(configFor(loadPreset('free-threaded-shared'), { policy, cores }));
      sim.runUntil(50e6);
      return sim.snapshot();
    };
    const four = at('free-threaded');
    expect(four.processes[0].gil.contended).toEqual({ object: 'counter', threads: 4, turnNs: 4 * T });
    const text = gilView(four, undefined, 60).map((l) => `${l.label} ${l.value.map((x) => x.text).join('')}`);
    expect(text).toContain(`shared obj counter 4 threads: ${4 * T} ns/turn`);
    // At most one thread per core touches it at once; under a GIL nobody contends.
    expect(at('free-threaded', 2).processes[0].gil.contended).toEqual({ object: 'counter', threads: 2, turnNs: 2 * T });
    expect(at('py3').processes[0].gil.contended).toBeUndefined();
  });
});
