import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/model/simulation.js';
import type { ControlAction } from '../../src/model/control.js';
import type { ThreadSpec } from '../../src/model/types.js';
import { policyNames } from '../../src/model/index.js';
import { articleProfile, config } from '../helpers.js';
import type { OpSpec } from '../../src/interpreter/program.js';


const op: fc.Arbitrary<OpSpec> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('loop' as const), kind: fc.constantFrom('countdown', 'fib'), iterations: fc.integer({ min: 1, max: 30_000 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('ccall' as const), us: fc.integer({ min: 1, max: 3000 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('sleep' as const), us: fc.integer({ min: 1, max: 3000 }) }) },
);
const thread = (i: number) => fc.record({ program: fc.array(op, { minLength: 1, maxLength: 4 }) }).map((t): ThreadSpec => ({ name: `t${i}`, ...t }));
const action: fc.Arbitrary<ControlAction> = fc.oneof(
  fc.record({ type: fc.constant('policy' as const), policy: fc.constantFrom(...policyNames) }),
  fc.record({ type: fc.constant('cores' as const), cores: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ type: fc.constant('checkInterval' as const), ticks: fc.integer({ min: 1, max: 2000 }) }),
  fc.record({ type: fc.constant('switchInterval' as const), ns: fc.integer({ min: 1000, max: 10_000_000 }) }),
  fc.constant({ type: 'signal' as const }),
);
const scenario = fc.record({
  policy: fc.constantFrom(...policyNames),
  cores: fc.integer({ min: 1, max: 4 }),
  checkInterval: fc.integer({ min: 1, max: 1000 }),
  switchIntervalNs: fc.integer({ min: 1000, max: 5_000_000 }),
  seed: fc.string({ maxLength: 4 }),
  threads: fc.integer({ min: 1, max: 4 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => thread(i)))),
  actions: fc.array(fc.tuple(fc.integer({ min: 0, max: 30_000_000 }), action), { maxLength: 6 }).map((a) => a.sort((x, y) => x[0] - y[0])),
});

const ticksAsked = (ops: OpSpec[]): number =>
  ops.reduce((sum, o) => sum + (o.op === 'loop' ? Math.round(o.iterations * articleProfile.interpreter.py2TicksPerIteration[o.kind]) : 0), 0);

describe('properties over random machines, workloads and hot swaps', () => {
  it('keep one GIL holder at a time, one thread per core, time forward, and finish the work asked', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const sim = new Simulation(config({ policy: s.policy, cores: s.cores, checkInterval: s.checkInterval, switchIntervalNs: s.switchIntervalNs, seed: s.seed, threads: s.threads }));
        let policy = s.policy;
        let last = 0;
        let next = 0;
        let guard = 0;
        while (!sim.finished) {
          while (next < s.actions.length && s.actions[next][0] <= sim.now) {
            const a = s.actions[next++][1];
            sim.apply(a);
            if (a.type === 'policy') policy = a.policy;
          }
          if (next < s.actions.length && sim.nextEventTime() > s.actions[next][0]) {
            sim.runUntil(s.actions[next][0]);
            continue;
          }
          if (!sim.step()) throw new Error('a thread is stuck: nothing left to do but not finished');
          // Plain checks on the hot path (expect() per event would dominate the run).
          if (sim.now < last) throw new Error(`time went back from ${last} to ${sim.now}`);
          last = sim.now;
          const broken = sim.invariantViolation();
          if (broken !== null) throw new Error(`at ${sim.now} ns under ${policy}: ${broken}`);
          if (++guard > 2_000_000) throw new Error('livelock: too many events');
        }
        const c = sim.snapshot().counters;
        expect(c.gilSwitches).toBeLessThanOrEqual(c.gilAcquisitions);
        const done = sim.pythonTicksDone();
        // A SIGINT before the main thread has started every thread ends its script there: a
        // thread it never started does nothing; each one started still does all its work.
        const signalled = s.actions.some(([, a]) => a.type === 'signal');
        for (let i = 0; i < s.threads.length; i++) {
          if (signalled) expect([0, ticksAsked(s.threads[i].program)]).toContain(done[i]);
          else expect(done[i]).toBe(ticksAsked(s.threads[i].program));
        }
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 50) },
    );
  });
});
