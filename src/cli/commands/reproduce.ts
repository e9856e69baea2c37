import { InputError } from '../../config/input-error.js';
import { listPresets } from '../../config/load.js';
import { compareFigures, presetsWithFigure, tolerance, type FidelityReport } from '../../session/fidelity.js';
import { runJobsWithProgress } from '../../session/parallel-progress.js';
import type { RunSummary } from '../../session/summary.js';
import type { Parsed } from '../options.js';

/**
 * `gil-top reproduce`: every preset with a published figure, simulated on every core and
 * compared. Ctrl+C prints what is done and exits with 130.
 */
export async function reproduceCommand(p: Parsed): Promise<number> {
  if (p.args.length > 0) throw new InputError(`reproduce takes no argument (got "${p.args[0]}")`);
  if (p.values.json && p.values.markdown) throw new InputError('--json and --markdown: choose one');
  const presets = presetsWithFigure(listPresets());
  const { results, interrupted } = await runJobsWithProgress('reproduce', presets.map((preset) => ({ preset })));
  const runs: Record<string, RunSummary> = {};
  results.forEach((r, i) => r !== undefined && (runs[presets[i].name] = r.summary));
  const report = compareFigures(presets, runs);
  if (interrupted) process.stderr.write(`gil-top: interrupted: ${report.rows.length} of ${presets.length} presets done, shown below\n`);
  if (p.values.json) {
    const { runs: _runs, ...rest } = report;
    process.stdout.write(JSON.stringify(rest, null, 2) + '\n');
  } else process.stdout.write(p.values.markdown ? markdown(report) : text(report));
  return interrupted ? 130 : 0;
}

const pct = (r: number) => `${r >= 1 ? '+' : ''}${((r - 1) * 100).toFixed(1)}%`;
const mark = (ok: boolean) => (ok ? 'ok' : 'MISS');
const n = (x: number) => x.toLocaleString('en-US');

function mechanism(r: FidelityReport['rows'][number]): string {
  const m = r.mechanism;
  const parts = [];
  if (m.futexWakesPerCheck !== null) parts.push(`${m.futexWakesPerCheck.toFixed(2)} futex_wake/check`);
  parts.push(`${n(m.spuriousWakeups)} in vain`, `${n(m.gilSwitches)} GIL switches`);
  if (m.forcedSwitches > 0) parts.push(`${n(m.forcedSwitches)} forced`);
  if (m.latencyP50 !== null) parts.push(`${(m.latencyP50 * 1e3).toFixed(2)} ms/request (p50)`);
  return parts.join(', ');
}

/** The report as a Markdown document (what README.md shows). */
export function markdown(r: FidelityReport): string {
  const lines = [
    `| experiment | published s | simulated s | simulated / published | | mechanism |`,
    '|---|---:|---:|---:|---|---|',
    ...r.rows.map((x) => `| ${x.preset} | ${x.published} | ${x.simulated.toFixed(3)} | ${pct(x.ratio)} | ${mark(x.reproduced)} | ${mechanism(x)} |`),
    '',
    '| ratio | published | simulated | |',
    '|---|---:|---:|---|',
    ...r.ratios.map((x) => `| ${x.name} | ${x.published.toFixed(2)} | ${x.simulated.toFixed(2)} | ${mark(x.reproduced)} |`),
  ];
  const misses = r.rows.filter((x) => !x.reproduced);
  if (misses.length > 0) {
    lines.push('', 'Misses, explained:', '');
    for (const x of misses) lines.push(`- **${x.preset}** (${pct(x.ratio)}): ${x.note ?? 'no explanation recorded in the preset'}`);
  }
  return lines.join('\n') + '\n';
}

function text(r: FidelityReport): string {
  const w = Math.max(...r.rows.map((x) => x.preset.length), ...r.ratios.map((x) => x.name.length)) + 2;
  const lines = [
    `Published figures against the simulation (within ${tolerance * 100}% counts as reproduced)`,
    '',
    `${'experiment'.padEnd(w)}published  simulated    diff`,
    ...r.rows.map((x) => `${x.preset.padEnd(w)}${x.published.toFixed(2).padStart(9)}  ${x.simulated.toFixed(3).padStart(9)}  ${pct(x.ratio).padStart(6)}  ${mark(x.reproduced).padEnd(4)}  ${mechanism(x)}`),
    '',
    `${'ratio'.padEnd(w)}published  simulated`,
    ...r.ratios.map((x) => `${x.name.padEnd(w)}${x.published.toFixed(2).padStart(9)}  ${x.simulated.toFixed(2).padStart(9)}          ${mark(x.reproduced)}`),
  ];
  const misses = r.rows.filter((x) => !x.reproduced);
  if (misses.length > 0) {
    lines.push('', 'Misses:');
    for (const x of misses) lines.push(`  ${x.preset}: ${x.note ?? 'no explanation recorded in the preset'}`);
  }
  return lines.join('\n') + '\n';
}
