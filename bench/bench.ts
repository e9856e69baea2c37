/**
 * `npm run bench`: the engine's speed and every preset's, then the dashboard's frame and
 * key-to-frame times. Figures are medians of several runs (the presets run on every core through
 * the parallel runner, with CPU time beside wall time; these machines are shared: quote the
 * medians and the ratios, not one run's time). Prints Markdown tables, the ones README.md shows.
 */
import { median } from '../src/calibrate/stats.js';
import { markdownTable } from '../src/cli/format-table.js';
import { configFor, listPresets, type Preset } from '../src/config/load.js';
import { Simulation } from '../src/model/simulation.js';
import { headlessLimitNs } from '../src/session/headless.js';
import { runJobsWithProgress } from '../src/session/parallel-progress.js';
import { defaultConcurrency } from '../src/session/parallel.js';
import { benchRecording } from './recording.js';
import { benchScale, cpuSeconds } from './scale.js';
import { speedTarget } from './targets.js';
import { benchUi } from './ui.js';

/** Seconds with three decimals, or two significant digits below 10 ms. */
const secs = (x: number) => (x >= 0.01 ? x.toFixed(3) : x.toPrecision(2));

function timeRun(p: Preset, fastPaths = true): { wall: number; cpu: number; simulated: number; events: number; folded: number } {
  const sim = new Simulation(configFor(p));
  sim.fastPaths = fastPaths;
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  sim.runUntil(headlessLimitNs);
  const cpu = cpuSeconds(process.cpuUsage(cpu0));
  const wall = (performance.now() - start) / 1000;
  return { wall, cpu, simulated: (Number.isNaN(sim.finishedAt) ? sim.now : sim.finishedAt) / 1e9, events: sim.events, folded: sim.foldedEvents };
}

const presets = listPresets();
const runs = Number(process.env.BENCH_RUNS ?? 5);

// Warm the JIT on the busiest preset before measuring anything.
const busiest = presets.find((p) => p.name === 'py2-threads-2cores') ?? presets[0];
timeRun(busiest);

console.log(`gil-top bench: Node ${process.version}, ${runs} runs per figure, medians\n`);
const engine = Array.from({ length: runs }, () => timeRun(busiest));
const evs = median(engine.map((r) => r.events / r.wall));
const evsCpu = median(engine.map((r) => r.events / r.cpu));
const stepped = median(Array.from({ length: runs }, () => timeRun(busiest, false)).map((r) => r.events / r.cpu));
const foldedShare = (100 * engine[0].folded) / engine[0].events;
console.log(
  `## Engine\n\n${(evs / 1e6).toFixed(1)} million events per wall second, ${(evsCpu / 1e6).toFixed(1)} million per CPU second (${busiest.name}, ${engine[0].events.toLocaleString('en-US')} events per run, ${foldedShare.toFixed(0)}% of them run by the battle fold; target 20). Stepped, the fold off: ${(stepped / 1e6).toFixed(1)} million per CPU second.\n`,
);

/** A table of measures and their values. */
const measures = (rows: { name: string; value: string }[]) => markdownTable(['measure', 'value'], rows.map((r) => [r.name, r.value]), ['l', 'l']);

console.log('## Scale\n');
process.stdout.write(measures(benchScale(runs)));

console.log('\n## Presets\n');
const jobs = Array.from({ length: runs }, () => presets.map((preset) => ({ preset, repeatForMs: 200 }))).flat();
const cpu0 = process.cpuUsage();
const wall0 = performance.now();
const { results, interrupted } = await runJobsWithProgress('bench: presets', jobs);
const batchWall = (performance.now() - wall0) / 1000;
const batchCpu = cpuSeconds(process.cpuUsage(cpu0));
if (interrupted) process.exit(130);
console.log(`${jobs.length} runs on ${Math.min(jobs.length, defaultConcurrency())} worker threads: ${batchWall.toFixed(1)} s wall, ${batchCpu.toFixed(1)} s CPU (all threads).`);
console.log('Per preset, medians over the rounds of the cost of one run, set-up included (a job repeats its run for at least 0.2 s and divides): wall time, and CPU time of the thread that ran it (a loaded machine stretches the first far more than the second).');
console.log('Target: an article or Beazley figure simulated 100x faster than published, any other preset 30x faster than simulated (against CPU time).\n');
const presetRows = presets.map((p, i) => {
  const rs = results.filter((_, j) => j % presets.length === i).map((r) => r!);
  const wall = median(rs.map((r) => r.summary.wallSeconds));
  const cpus = rs.map((r) => r.cpuSeconds).filter((c): c is number => c !== null);
  const cpu = cpus.length === rs.length ? median(cpus) : null;
  const sim = rs[0].summary.simulatedSeconds;
  const pub = p.expected?.seconds;
  const per = cpu ?? wall;
  const target = speedTarget(p, sim);
  const factor = target.seconds / per;
  // Rounded down, so that a factor just short of its target never reads as the target.
  const cell = (x: number) => (Number.isFinite(x) ? `${Math.floor(x)}x` : '-');
  return [p.name, sim.toFixed(3), secs(wall), cpu === null ? '-' : secs(cpu), cell(sim / per), String(pub ?? '-'), pub === undefined ? '-' : cell(pub / per), `${target.factor}x ${target.against}${factor >= target.factor ? '' : ' (missed)'}`];
});
process.stdout.write(markdownTable(['preset', 'simulated s', 'wall s', 'CPU s', 'simulated / CPU', 'published s', 'published / CPU', 'target'], presetRows, ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'l']));

console.log('\n## Recording\n');
process.stdout.write(measures(benchRecording()));

console.log('\n## Dashboard\n');
process.stdout.write(measures(await benchUi()));
