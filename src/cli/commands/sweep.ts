import { InputError } from '../../config/input-error.js';
import { loadPreset, type Preset } from '../../config/load.js';
import { compareRow, type CompareRow } from '../../session/parallel-compare.js';
import { runJobsWithProgress } from '../../session/parallel-progress.js';
import { parseParam, sweepJobs, type ParamValues, type SweepPoint } from '../../session/parallel-sweep.js';
import { logScaleIfWide, overlayPlot, plotColors } from '../../tui/plot.js';
import asciichart from 'asciichart';
import { textTable, type Align } from '../format-table.js';
import { numberOption, overridesFrom, type Parsed } from '../options.js';
import { compareCells, compareHeader, policiesOption } from './compare.js';

/** A point that ran, with its figures. */
interface DonePoint extends SweepPoint {
  row: CompareRow;
}

/**
 * `gil-top sweep --preset NAME --param NAME=LO..HI [--param ...] [--steps N] [--log]
 * [--policies a,b] [--csv|--json]`: runs every point in parallel and plots the result (one
 * parameter) or tabulates it (two). Ctrl+C prints the points done so far (exit 130).
 */
export async function sweepCommand(p: Parsed): Promise<number> {
  if (p.args.length > 0) throw new InputError(`sweep takes no argument (got "${p.args[0]}"); use --preset and --param`);
  if (typeof p.values.preset !== 'string') throw new InputError('sweep needs --preset NAME or --preset FILE (see gil-top presets)');
  if ([p.values.json, p.values.csv].filter(Boolean).length > 1) throw new InputError('--json and --csv: choose one');
  const specs = ([] as unknown[]).concat(p.values.param ?? []).map(String);
  if (specs.length === 0) throw new InputError('sweep needs --param NAME=LO..HI (e.g. --param switch-interval=0.0001..0.02)');
  if (specs.length > 2) throw new InputError(`sweep varies one or two parameters (got ${specs.length} --param)`);
  const steps = numberOption('steps', p.values.steps, 2, 1000, true);
  const params = specs.map((s) => parseParam(s, steps, p.values.log === true));
  for (const { param } of params)
    if (p.values[param.name as keyof Parsed['values']] !== undefined) throw new InputError(`--${param.name} and --param ${param.name}: give one`);
  const preset = loadPreset(p.values.preset);
  const policies = p.values.policies === undefined ? [overridesFrom(p.values).policy ?? preset.policy] : policiesOption(p.values.policies);
  if (p.values.policies !== undefined && p.values.policy !== undefined) throw new InputError('--policy and --policies: give one');
  const { points, jobs } = sweepJobs(preset, params, policies, overridesFrom(p.values));
  const { results, interrupted } = await runJobsWithProgress('sweep', jobs);
  const done: DonePoint[] = points.flatMap((pt, i) => (results[i] === undefined ? [] : [{ ...pt, row: compareRow(jobs[i].preset, results[i]!) }]));
  if (interrupted) process.stderr.write(`gil-top: interrupted: ${done.length} of ${points.length} points done, shown below\n`);
  const seed = results.find((r) => r !== undefined)?.summary.seed ?? null;
  if (p.values.json) process.stdout.write(JSON.stringify({ preset: preset.name, seed, profile: preset.machine.name, params: params.map((x) => ({ name: x.param.name, values: x.values })), policies, interrupted, points: done.map(flat) }, null, 2) + '\n');
  else if (p.values.csv) process.stdout.write(csv(params, done));
  else process.stdout.write(text(preset, params, policies, done, p.values.log === true, seed));
  return interrupted ? 130 : 0;
}

/** A point as one flat object: parameter values, then the policy's figures. */
const flat = (d: DonePoint) => ({ ...d.values, ...d.row });

/** What the plot and the two-parameter table show: client latency if there is a client, else completion time. */
function metric(done: DonePoint[]): { name: string; of: (r: CompareRow) => number | null; format: (x: number) => string } {
  return done.some((d) => d.row.latency !== null)
    ? { name: 'client latency p50, ms', of: (r) => (r.latency === null ? null : r.latency.p50 * 1e3), format: (x) => x.toFixed(3) }
    : { name: 'completion, simulated s', of: (r) => r.completionSeconds, format: (x) => x.toFixed(3) };
}

/** A parameter value as typed (no float noise). */
const show = (v: number) => String(Number(v.toPrecision(6)));

function text(preset: Preset, params: ParamValues[], policies: string[], done: DonePoint[], log: boolean, seed: string | null): string {
  const m = metric(done);
  const out: string[] = [];
  const head = `${preset.name}: ${m.name}, against ${params.map((x) => x.param.name).join(' and ')}${log ? ' (log steps)' : ''}; ${policies.join(', ')}; seed ${seed ?? '-'}, profile ${preset.machine.name}`;
  out.push(head, '');
  if (params.length === 1) {
    const xs = params[0].values;
    const color = process.stdout.isTTY === true;
    const width = Math.min(process.stdout.columns ?? 100, 120);
    const series = policies.map((pol) => ({
      label: pol,
      values: xs.flatMap((x) => done.filter((d) => d.policy === pol && d.values[params[0].param.name] === x).map((d) => m.of(d.row) ?? NaN)),
    }));
    const complete = series.every((s) => s.values.length === xs.length);
    if (done.length > 0 && complete) {
      const scaled = logScaleIfWide(series, m.format);
      if (scaled.log) out.push(`y: ${m.name}, log scale`);
      out.push(...overlayPlot(scaled.series, { width, height: 12, format: scaled.format, color }));
      const left = show(xs[0]);
      const right = show(xs[xs.length - 1]);
      const mid = `${params[0].param.name}${log ? ' (log steps)' : ''}`;
      const span = Math.max(left.length + right.length + mid.length + 2, width - 12);
      const gap = span - left.length - right.length - mid.length;
      out.push(`${' '.repeat(11)}${left}${' '.repeat(Math.floor(gap / 2))}${mid}${' '.repeat(Math.ceil(gap / 2))}${right}`);
      if (policies.length > 1) out.push(`${' '.repeat(11)}${series.map((s, i) => `${color ? plotColors[i] : ''}──${color ? asciichart.reset : ''} ${s.label}`).join('   ')}`);
      out.push('');
    } else if (done.length > 0) out.push('(no plot: the sweep did not finish)', '');
    const rows = done.map((d) => [show(d.values[params[0].param.name]), ...compareCells(d.row)]);
    out.push(textTable([params[0].param.name, ...compareHeader], rows, ['l', 'l', ...compareHeader.slice(1).map((): Align => 'r')]).trimEnd());
  } else {
    const [a, b] = params;
    for (const pol of policies) {
      if (policies.length > 1) out.push(`${pol}:`);
      const rows = a.values.map((x) => [
        show(x),
        ...b.values.map((y) => {
          const d = done.find((q) => q.policy === pol && q.values[a.param.name] === x && q.values[b.param.name] === y);
          const v = d === undefined ? null : m.of(d.row);
          return v === null ? '-' : `${d!.row.finished ? '' : '>'}${m.format(v)}`;
        }),
      ]);
      out.push(textTable([`${a.param.name} \\ ${b.param.name}`, ...b.values.map(show)], rows, ['l', ...b.values.map((): Align => 'r')]).trimEnd(), '');
    }
  }
  if (done.some((d) => !d.row.finished)) out.push('>: stopped at the time cap before every non-daemon thread and client finished (starving).');
  return out.join('\n').trimEnd() + '\n';
}

function csv(params: ParamValues[], done: DonePoint[]): string {
  const names = params.map((x) => x.param.name.replace(/-/g, '_'));
  const head = [...names, 'policy', 'finished', 'completion_s', 'latency_p50_s', 'latency_p99_s', 'latency_max_s', 'cpu_thread_progress', 'wakeups', 'spurious_wakeups', 'syscalls', 'gil_switches'];
  const cell = (x: number | null) => (x === null ? '' : String(x));
  const lines = done.map((d) => {
    const r = d.row;
    return [...params.map((x) => show(d.values[x.param.name])), r.policy, String(r.finished), cell(r.completionSeconds), cell(r.latency?.p50 ?? null), cell(r.latency?.p99 ?? null), cell(r.latency?.max ?? null), cell(r.cpuThreadProgress), cell(r.wakeups), cell(r.spuriousWakeups), cell(r.syscalls), cell(r.gilSwitches)].join(',');
  });
  return [head.join(','), ...lines].join('\n') + '\n';
}
