/**
 * `npm run bench`: the engine's speed and every preset's, then the dashboard's frame and
 * key-to-frame times. Figures are medians of several runs in one process (these machines are
 * shared: quote the medians and the ratios, not one run's time). Prints Markdown tables, the
 * ones README.md shows.
 */
import { configFor, listPresets, type Preset } from '../src/config/load.js';
import { Simulation } from '../src/engine/simulation.js';
import { headlessLimitNs } from '../src/session/headless.js';
import { benchUi } from './ui.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function timeRun(p: Preset): { wall: number; simulated: number; events: number } {
  const sim = new Simulation(configFor(p));
  const start = performance.now();
  sim.runUntil(headlessLimitNs);
  const wall = (performance.now() - start) / 1000;
  return { wall, simulated: (Number.isNaN(sim.finishedAt) ? sim.now : sim.finishedAt) / 1e9, events: sim.events };
}

const presets = listPresets();
const runs = Number(process.env.BENCH_RUNS ?? 5);

// Warm the JIT on the busiest preset before measuring anything.
const busiest = presets.find((p) => p.name === 'py2-threads-2cores') ?? presets[0];
timeRun(busiest);

console.log(`gil-top bench: Node ${process.version}, ${runs} runs per figure, medians\n`);
const engine = Array.from({ length: runs }, () => timeRun(busiest));
const evs = median(engine.map((r) => r.events / r.wall));
console.log(`## Engine\n\n${(evs / 1e6).toFixed(1)} million events per second (${busiest.name}, ${engine[0].events.toLocaleString('en-US')} events per run; target 10)\n`);

console.log('## Presets\n');
console.log('| preset | simulated s | wall s | simulated / wall | published s | published / wall (target 20) |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const p of presets) {
  const rs = Array.from({ length: runs }, () => timeRun(p));
  const wall = median(rs.map((r) => r.wall));
  const sim = rs[0].simulated;
  const pub = p.expected?.seconds;
  const vsPub = pub === undefined ? '-' : `${(pub / wall).toFixed(0)}x${pub / wall >= 20 ? '' : ' (below target)'}`;
  console.log(`| ${p.name} | ${sim.toFixed(3)} | ${wall.toFixed(4)} | ${(sim / wall).toFixed(0)}x | ${pub ?? '-'} | ${vsPub} |`);
}

console.log('\n## Dashboard\n');
console.log('| measure | value |');
console.log('|---|---|');
for (const row of await benchUi()) console.log(`| ${row.name} | ${row.value} |`);
