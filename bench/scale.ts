/**
 * Scale bench: the engine's events per second with many cores and many CPU-bound threads against
 * two of each, under py2 and py3 (issue 11's target: 256 cores x 1000 threads at least half the
 * two-core, two-thread rate). The machines are built here, not shipped as presets: CPU-bound
 * threads counting down forever, on the article's VM profile. Run alone with `npx tsx bench/scale.ts`.
 */
import { configFor, loadPreset, type Preset } from '../src/config/load.js';
import { Simulation } from '../src/model/simulation.js';

/** `threads` threads counting down forever (CPU-bound, never done) on `cores` cores under `policy`. */
export function scalePreset(policy: 'py2' | 'py3', cores: number, threads: number): Preset {
  const base = loadPreset('py2-threads-2cores');
  const ts = Array.from({ length: threads }, (_, i) => ({ name: `t${i + 1}`, program: [{ op: 'loop' as const, kind: 'countdown', iterations: 1e12 }] }));
  return { ...base, name: `scale-${cores}x${threads}-${policy}`, title: `${cores} cores, ${threads} CPU-bound threads`, policy, cores, threads: ts };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Events per second over `events` events, once the first fifth of that (threads starting up) has run untimed. */
function rate(p: Preset, events: number): number {
  const sim = new Simulation(configFor(p));
  sim.runUntil(Infinity, events / 5);
  const e0 = sim.events;
  const t0 = performance.now();
  sim.runUntil(Infinity, events);
  return (sim.events - e0) / ((performance.now() - t0) / 1000);
}

/** Median events per second of each case, and the large case's ratio to the small one, per policy. */
export function benchScale(runs: number, events = 2e6): { name: string; value: string }[] {
  const rows: { name: string; value: string }[] = [];
  for (const policy of ['py2', 'py3'] as const) {
    const small = median(Array.from({ length: runs }, () => rate(scalePreset(policy, 2, 2), events)));
    const large = median(Array.from({ length: runs }, () => rate(scalePreset(policy, 256, 1000), events)));
    const ratio = large / small;
    rows.push({ name: `${policy}: 2 cores x 2 threads, events per second`, value: `${(small / 1e6).toFixed(2)} M` });
    rows.push({
      name: `${policy}: 256 cores x 1000 threads, events per second (ratio to 2 x 2; target 0.5)`,
      value: `${(large / 1e6).toFixed(2)} M (${ratio.toFixed(2)}${ratio >= 0.5 ? '' : ', missed'})`,
    });
  }
  return rows;
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/^.*\/bench\//, '/bench/'))) {
  for (const r of benchScale(Number(process.env.BENCH_RUNS ?? 5))) console.log(`${r.name.padEnd(80)} ${r.value}`);
}
