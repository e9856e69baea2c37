/**
 * The scheduler's exact choices on many cores and many threads, where the presets (two cores, a
 * few threads) never go: which core a woken task lands on, which queue an idle core pulls from,
 * which queued task runs next. Each case runs a busy mix (CPU-bound threads, threads that sleep
 * and wake, C calls, late starts) through core-count changes and policy swaps, and hashes every
 * snapshot along the way. The digests were taken from the kernel before its run queues became
 * heaps and its idle-core and busiest-queue scans became constant-time lookups (commit c852e8c):
 * those changes must not move a single choice. Print new digests with PRINT_DIGESTS=1 only for a
 * change that is meant to move the schedule, and say why in its commit.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ControlAction } from '../../src/model/control.js';
import type { PolicyName } from '../../src/model/index.js';
import { Simulation } from '../../src/model/simulation.js';
import type { ThreadSpec } from '../../src/model/types.js';
import { config, countdownThread } from '../helpers.js';

/** `n` threads: CPU-bound ones, sleepers, C callers, some starting late. */
function mix(n: number): ThreadSpec[] {
  return Array.from({ length: n }, (_, i): ThreadSpec => {
    const name = `t${i + 1}`;
    const startUs = i % 5 === 4 ? 200 * i : undefined;
    switch (i % 4) {
      case 0:
        // t1 is the main thread: every thread starts on its own at its instant, as when the
        // digests were taken (a process without one gets a main thread that starts them).
        return countdownThread(name, 1e12, { startUs, ...(i === 0 ? { main: true } : {}) });
      case 1:
        return { name, startUs, program: [{ op: 'repeat', times: 'forever', body: [{ op: 'loop', kind: 'countdown', iterations: 3_000 + 700 * (i % 7) }, { op: 'sleep', us: 150 + 40 * (i % 9) }] }] };
      case 2:
        return { name, startUs, program: [{ op: 'repeat', times: 'forever', body: [{ op: 'ccall', us: 90 + 13 * (i % 5) }, { op: 'loop', kind: 'countdown', iterations: 5_000 }] }] };
      default:
        return { name, startUs, program: [{ op: 'repeat', times: 'forever', body: [{ op: 'loop', kind: 'countdown', iterations: 40_000 }, { op: 'sleep', us: 2_000 }] }] };
    }
  });
}

/** Hash of every snapshot taken each `everyNs` up to `untilNs`, with `actions` applied at their instants. */
function digest(policy: PolicyName, cores: number, threads: number, untilNs: number, everyNs: number, actions: [number, ControlAction][]): string {
  const sim = new Simulation(config({ policy, cores, checkInterval: 100, switchIntervalNs: 1_000_000, threads: mix(threads) }));
  const h = createHash('sha256');
  const todo = [...actions];
  for (let at = everyNs; at <= untilNs; at += everyNs) {
    while (todo.length > 0 && todo[0][0] <= at) {
      const [when, action] = todo.shift()!;
      sim.runUntil(when);
      sim.apply(action);
    }
    sim.runUntil(at);
    expect(sim.invariantViolation()).toBeNull();
    // The schedule as the digests saw it: the main thread's fields came later (not scheduling).
    const snap = sim.snapshot();
    h.update(JSON.stringify({ ...snap, processes: snap.processes.map(({ name, gil }) => ({ name, gil })) }));
  }
  h.update(String(sim.events));
  if (process.env.PRINT_DIGESTS === '1') console.log(`${sim.events} events, ${JSON.stringify(sim.snapshot().counters.contextSwitches)}`);
  return h.digest('hex').slice(0, 16);
}

const swaps = (p: PolicyName, q: PolicyName): [number, ControlAction][] => [
  [4e6, { type: 'cores', cores: 3 }],
  [8e6, { type: 'cores', cores: 12 }],
  [11e6, { type: 'policy', policy: q }],
  [13e6, { type: 'cores', cores: 1 }],
  [15e6, { type: 'cores', cores: 7 }],
  [18e6, { type: 'policy', policy: p }],
];

const cases: [string, () => string, string][] = [
  ['py2, 8 cores, 24 threads, cores 3-12-1-7, via py3', () => digest('py2', 8, 24, 22e6, 5e5, swaps('py2', 'py3')), 'ba25d16b48c18d1f'],
  ['py3, 8 cores, 24 threads, cores 3-12-1-7, via free-threaded', () => digest('py3', 8, 24, 22e6, 5e5, swaps('py3', 'free-threaded')), '2b3ac33281348e3d'],
  ['free-threaded, 6 cores, 30 threads, cores 3-12-1-7, via py2', () => digest('free-threaded', 6, 30, 22e6, 5e5, swaps('free-threaded', 'py2')), '3fbc26801a09a352'],
  ['free-threaded, 3 cores, 40 threads, cores 1-5-2: long run queues', () => digest('free-threaded', 3, 40, 300e6, 1e6, [[60e6, { type: 'cores', cores: 1 }], [150e6, { type: 'cores', cores: 5 }], [210e6, { type: 'cores', cores: 2 }]]), 'dd888df6e84d14a7'],
  ['py2, 64 cores, 200 threads, then 256 cores', () => digest('py2', 64, 200, 6e6, 5e5, [[3e6, { type: 'cores', cores: 256 }]]), 'b7a178a8b78a2a3b'],
  ['py3, 256 cores, 300 threads, then 40 cores', () => digest('py3', 256, 300, 6e6, 5e5, [[3e6, { type: 'cores', cores: 40 }]]), '5a368aad127c9eb3'],
];

describe('the schedule on many cores and threads is unchanged', () => {
  for (const [name, run, want] of cases) {
    it(name, () => {
      const got = run();
      if (process.env.PRINT_DIGESTS === '1') console.log(`${name}: ${got}`);
      else expect(got).toBe(want);
    });
  }
});
