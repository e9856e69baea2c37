import { InputError } from '../../config/input-error.js';
import { listPresets } from '../../config/load.js';
import { compareFigures, presetsWithFigure, tolerance, type FidelityReport } from '../../session/fidelity.js';
import { runJobsWithProgress } from '../../session/parallel-progress.js';
import { sensitivityReport, type SensitivityReport, type Variation } from '../../session/parallel-sensitivity.js';
import { headlessLimitNs } from '../../session/headless.js';
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
  if (p.values.sensitivity) return sensitivityCommand(presets, p);
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

/** `gil-top reproduce --sensitivity`: which profile values each published figure hangs on. */
async function sensitivityCommand(presets: ReturnType<typeof presetsWithFigure>, p: Parsed): Promise<number> {
  const report = await sensitivityReport(presets, runJobsWithProgress);
  if (report.interrupted) process.stderr.write(`gil-top: interrupted: the figures below lack the runs not done\n`);
  if (p.values.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else process.stdout.write(sensitivityText(report, p.values.markdown === true));
  return report.interrupted ? 130 : 0;
}

const signed = (x: number | null) => (x === null ? '?' : `${x >= 0 ? '+' : ''}${(x * 100).toFixed(0)}%`);

/** Why a varied run did not finish, in words. */
function stallText(v: Variation): string {
  const at = `${v.factor < 1 ? '-' : '+'}${Math.round(Math.abs(v.factor - 1) * 100)}%`;
  const why =
    v.stopped === 'deadlock'
      ? `deadlocked at ${v.seconds.toFixed(3)} s (nothing left to happen)`
      : v.stopped === 'time-limit'
        ? `starved until the ${headlessLimitNs / 1e9} s cap`
        : `stopped at its event budget at ${v.seconds.toFixed(3)} s (far slower, or starving)`;
  return `${v.path} ${at}: ${why}`;
}

/** The sensitivity report as text or Markdown (what README.md shows). */
export function sensitivityText(r: SensitivityReport, md: boolean): string {
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  const intro = `Each machine-profile value a preset can read, moved by -${pct(r.variation)} and +${pct(r.variation)} one at a time; a figure is *fragile* when one value moves it by more than ${pct(r.fragileAbove)} (or stops it finishing). Listed: the values that move it by more than 5%, as the figure's change at -${pct(r.variation)} / +${pct(r.variation)}.`;
  const sens = (row: SensitivityReport['rows'][number]) =>
    row.sensitiveTo.length === 0 ? 'none above 5%' : row.sensitiveTo.map((s) => `${s.path} ${signed(s.down)} / ${signed(s.up)}`).join('; ');
  const mark = (row: SensitivityReport['rows'][number]) => (row.fragile ? 'fragile' : 'robust') + (row.missing > 0 ? ` (${row.missing} runs missing)` : '');
  const lines: string[] = [];
  if (md) {
    lines.push(intro, '', '| experiment | simulated s | | sensitive to |', '|---|---:|---|---|');
    for (const row of r.rows) lines.push(`| ${row.preset} | ${row.seconds.toFixed(3)} | ${row.fragile ? '**fragile**' : 'robust'}${row.missing > 0 ? ` (${row.missing} runs missing)` : ''} | ${sens(row)} |`);
  } else {
    lines.push(intro, '');
    const w = Math.max(...r.rows.map((x) => x.preset.length)) + 2;
    for (const row of r.rows) lines.push(`${row.preset.padEnd(w)}${row.seconds.toFixed(3).padStart(9)} s  ${mark(row).padEnd(8)}  ${sens(row)}`);
  }
  const stalled = r.rows.flatMap((row) => row.stalled.map((v) => `${row.preset}: ${stallText(v)}`));
  if (stalled.length > 0) lines.push('', 'Did not finish under a varied profile (a defect of the mechanism, not a note):', '', ...stalled.map((x) => (md ? `- ${x}` : `  ${x}`)));
  return lines.join('\n') + '\n';
}
