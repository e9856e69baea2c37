import { configFor, loadPreset } from '../../src/config/load.js';
import { Simulation } from '../../src/model/simulation.js';
import type { PolicyName } from '../../src/model/index.js';
import type { ThreadSpec } from '../../src/model/types.js';
import { summarize } from '../../src/session/summary.js';

/**
 * echo-fib-py3 under `policy` (with `extraFib` more fib threads beside the first): the client's
 * median latency (s) and the share of the run the fib threads held the GIL, together.
 */
export function echoFib(policy: PolicyName, extraFib = 0): { p50: number; fibShare: number; summary: ReturnType<typeof summarize> } {
  const preset = loadPreset('echo-fib-py3');
  const fib = preset.threads.find((t) => t.name === 'fib')!;
  const extra: ThreadSpec[] = Array.from({ length: extraFib }, (_, i) => ({ ...fib, name: `fib${i + 2}` }));
  const sim = new Simulation({ ...configFor(preset, { policy }), threads: [...preset.threads, ...extra] });
  sim.runToEnd();
  const summary = summarize(preset, sim, 0);
  const held = summary.threads.filter((t) => t.name.startsWith('fib')).reduce((a, t) => a + t.gilHeldSeconds, 0);
  return { p50: summary.clients[0].latency.p50!, fibShare: held / summary.simulatedSeconds, summary };
}
