import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/model/simulation.js';
import type { ControlAction } from '../../src/model/control.js';
import { config, countdownThread } from '../helpers.js';

function run(slices: number[], seed = '1', actions: [number, ControlAction][] = []) {
  const sim = new Simulation(config({ threads: [countdownThread('a', 2_000_000), countdownThread('b', 2_000_000)], seed }));
  let i = 0;
  for (const t of slices) {
    while (i < actions.length && actions[i][0] <= t) {
      sim.runUntil(actions[i][0]);
      sim.apply(actions[i][1]);
      i++;
    }
    sim.runUntil(t);
  }
  sim.runToEnd();
  const s = sim.snapshot();
  return JSON.stringify({ s, end: sim.finishedAt });
}

describe('determinism', () => {
  it('gives the same result bit for bit for the same config, seed and actions', () => {
    const actions: [number, ControlAction][] = [
      [20e6, { type: 'cores', cores: 1 }],
      [40e6, { type: 'policy', policy: 'py3' }],
      [60e6, { type: 'checkInterval', ticks: 10 }],
      [70e6, { type: 'policy', policy: 'py2' }],
    ];
    expect(run([1e9], '1', actions)).toBe(run([1e9], '1', actions));
  });

  it('does not depend on how the run is sliced (a watched run replays exactly)', () => {
    const actions: [number, ControlAction][] = [[30e6, { type: 'cores', cores: 1 }], [50e6, { type: 'policy', policy: 'py3' }]];
    const coarse = run([1e9], '7', actions);
    const fine = run(Array.from({ length: 200 }, (_, i) => (i + 1) * 537_001), '7', actions);
    expect(fine).toBe(coarse);
  });

  it('depends on the seed', () => {
    expect(run([1e9], '1')).not.toBe(run([1e9], '2'));
  });
});
