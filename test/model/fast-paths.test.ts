import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { configFor, listPresets } from '../../src/config/load.js';
import type { ControlAction } from '../../src/model/control.js';
import { policyNames } from '../../src/model/index.js';
import { Simulation } from '../../src/model/simulation.js';

/** A run's observable result: the snapshot, the clock, the event count and every trace entry. */
function outcome(sim: Simulation, trace: { forEachSince(s: number, f: (t: number, id: number, v: number) => void): void }): string {
  const entries: number[] = [];
  trace.forEachSince(0, (t, id, v) => entries.push(t, id, v));
  return JSON.stringify({ now: sim.now, events: sim.events, finished: sim.finished, snapshot: sim.snapshot(), trace: entries });
}

interface Plan {
  seed: string;
  /** Slices: [simulated ns to advance, most events to run in it]. */
  slices: [number, number][];
  /** Actions, applied at the start of the slice of the same index. */
  actions: (ControlAction | null)[];
}

function play(preset: ReturnType<typeof listPresets>[number], plan: Plan, fast: boolean): string {
  const sim = new Simulation(configFor(preset, { seed: plan.seed }));
  sim.fastPaths = fast;
  const trace = sim.enableTrace(1 << 16);
  plan.slices.forEach(([span, maxEvents], i) => {
    const a = plan.actions[i];
    if (a !== null && a !== undefined) sim.apply(a);
    sim.runUntil(sim.now + span, maxEvents);
  });
  return outcome(sim, trace);
}

const action: fc.Arbitrary<ControlAction | null> = fc.oneof(
  { weight: 6, arbitrary: fc.constant(null) },
  fc.record({ type: fc.constant('checkInterval' as const), ticks: fc.constantFrom(1, 10, 100, 1000) }),
  fc.record({ type: fc.constant('cores' as const), cores: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ type: fc.constant('policy' as const), policy: fc.constantFrom(...policyNames) }),
  fc.record({ type: fc.constant('switchInterval' as const), ns: fc.constantFrom(100_000, 5_000_000) }),
  fc.constant({ type: 'signal' as const }),
);

const plan: fc.Arbitrary<Plan> = fc
  .record({
    seed: fc.constantFrom('1', '2', '42', 'fold'),
    slices: fc.array(fc.tuple(fc.integer({ min: 1, max: 3_000_000 }), fc.oneof(fc.constant(Infinity), fc.integer({ min: 1, max: 5000 }))), { minLength: 1, maxLength: 12 }),
    actions: fc.array(action, { maxLength: 12 }),
  });

/** Runs per preset (FAST_PATHS_RUNS=200 for a long soak before changing a fast path). */
const runs = Number(process.env.FAST_PATHS_RUNS ?? 4);

describe('fast paths', () => {
  // Every preset, with the fast paths and without: the same events, books and trace, whatever
  // the seed, however the run is sliced (by time and by event count) and whatever the user does.
  for (const preset of listPresets()) {
    it(`${preset.name}: runs exactly as stepping does`, () => {
      fc.assert(
        fc.property(plan, (p) => {
          expect(play(preset, p, true)).toBe(play(preset, p, false));
        }),
        { numRuns: runs },
      );
    });
  }

  // Long stretches of the battles, where folds run for hundreds of thousands of events: a fold
  // that drifts by one draw or one nanosecond shows here if the short plans above miss it.
  const battles = listPresets().filter((p) => p.policy === 'py2' && p.cores >= 2);
  for (const preset of battles) {
    it(`${preset.name}: a long stretch runs exactly as stepping does`, () => {
      for (const seed of ['1', 'long']) {
        const p: Plan = { seed, slices: [[40_000_000, Infinity], [1, 7], [30_000_000, 100_003], [50_000_000, Infinity]], actions: [] };
        expect(play(preset, p, true)).toBe(play(preset, p, false));
      }
    });
  }

  // The signal storm: SIGINT pending while the main thread waits in join, the workers check at
  // every tick (only the main thread may run the handler) until the join returns.
  for (const preset of battles) {
    it(`${preset.name}: the signal storm runs exactly as stepping does`, () => {
      const p: Plan = { seed: 'storm', slices: [[10_000_000, Infinity], [4_000_000, Infinity], [1, 3], [3_000_000, 50_001], [6_000_000, Infinity]], actions: [null, { type: 'signal' }] };
      expect(play(preset, p, true)).toBe(play(preset, p, false));
    });
  }

  it('a main thread in the battle runs the signal handler at its next check, as stepping does', () => {
    // No preset has the main thread fight a worker: the fold must leave its check to the generic code.
    const base = listPresets().find((p) => p.name === 'py2-threads-2cores')!;
    const loop = [{ op: 'loop' as const, kind: 'countdown' as const, iterations: 20_000_000 }];
    const preset = { ...base, name: 'main-battles', threads: [{ name: 'main', main: true, program: loop }, { name: 'worker', program: loop }] };
    for (const seed of ['1', '2', 'main']) {
      const p: Plan = { seed, slices: [[10_000_000, Infinity], [3_000_000, Infinity], [20_000_000, 40_001], [200_000_000, Infinity]], actions: [null, { type: 'signal' }] };
      expect(play(preset, p, true)).toBe(play(preset, p, false));
    }
  });

  it('folds the signal storm of the two-core Python 2 battle', () => {
    const preset = listPresets().find((p) => p.name === 'py2-threads-2cores')!;
    const sim = new Simulation(configFor(preset));
    sim.runUntil(10_000_000);
    sim.apply({ type: 'signal' });
    const [events, folded] = [sim.events, sim.foldedEvents];
    sim.runUntil(20_000_000);
    expect(sim.snapshot().processes[0]!.gil.pendingCalls).toBe(true);
    expect((sim.foldedEvents - folded) / (sim.events - events)).toBeGreaterThan(0.5);
  });

  it('folds most of the two-core Python 2 battle (the fast path is used, not only harmless)', () => {
    const preset = listPresets().find((p) => p.name === 'py2-threads-2cores')!;
    const folded = (fast: boolean): [number, number] => {
      const sim = new Simulation(configFor(preset));
      sim.fastPaths = fast;
      sim.runUntil(200_000_000);
      return [sim.foldedEvents, sim.events];
    };
    const [on, total] = folded(true);
    expect(on / total).toBeGreaterThan(0.5);
    expect(folded(false)[0]).toBe(0);
  });
});
