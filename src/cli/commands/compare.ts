import { InputError } from '../../config/input-error.js';
import { loadPreset } from '../../config/load.js';
import { headlessLimitNs } from '../../session/headless.js';
import { compareJobs, compareRow, type CompareRow } from '../../session/parallel-compare.js';
import { runJobsWithProgress } from '../../session/parallel-progress.js';
import { policyNames, type PolicyName } from '../../model/index.js';
import { count, markdownTable, millis, textTable, type Align } from '../format-table.js';
import { overridesFrom, type Parsed } from '../options.js';

/**
 * `gil-top compare --preset NAME [--policies a,b,c]`: the same workload, overrides and seed
 * under each policy, run in parallel, in one table. Ctrl+C prints the policies done (exit 130).
 */
export async function compareCommand(p: Parsed): Promise<number> {
  if (p.args.length > 0) throw new InputError(`compare takes no argument (got "${p.args[0]}"); use --preset`);
  if (typeof p.values.preset !== 'string') throw new InputError('compare needs --preset NAME or --preset FILE (see gil-top presets)');
  if (p.values.json && p.values.markdown) throw new InputError('--json and --markdown: choose one');
  const policies = policiesOption(p.values.policies);
  const preset = loadPreset(p.values.preset);
  const overrides = overridesFrom(p.values);
  const { results, interrupted } = await runJobsWithProgress('compare', compareJobs(preset, policies, overrides));
  const rows = results.flatMap((r) => (r === undefined ? [] : [compareRow(preset, r)]));
  const first = results.find((r) => r !== undefined)?.summary;
  if (interrupted) process.stderr.write(`gil-top: interrupted: ${rows.length} of ${policies.length} policies done, shown below\n`);
  if (p.values.json) {
    process.stdout.write(JSON.stringify({ preset: preset.name, seed: first?.seed ?? null, cores: first?.cores ?? null, profile: preset.machine.name, interrupted, rows }, null, 2) + '\n');
  } else {
    const title = `${preset.name}: the same workload and seed${first === undefined ? '' : ` (${first.seed}), ${first.cores} core${first.cores > 1 ? 's' : ''}, profile ${first.profile}`}, under ${policies.join(', ')}`;
    const table = p.values.markdown ? markdownTable(compareHeader, rows.map(compareCells), align) : textTable(compareHeader, rows.map(compareCells), align);
    process.stdout.write(`${p.values.markdown ? '' : `${title}\n\n`}${table}${notes(rows)}`);
  }
  return interrupted ? 130 : 0;
}

/** `--policies a,b,c`, validated (default: every policy). */
export function policiesOption(v: unknown): PolicyName[] {
  if (v === undefined) return [...policyNames];
  const names = String(v)
    .split(',')
    .map((s) => s.trim());
  if (names.some((n) => n === '')) throw new InputError(`--policies: "${String(v)}" has an empty name (write e.g. py2,py3)`);
  for (const n of names) if (!policyNames.includes(n as PolicyName)) throw new InputError(`--policies: unknown policy "${n}" (known: ${policyNames.join(', ')})`);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new InputError(`--policies: "${twice}" is given twice`);
  return names as PolicyName[];
}

/** The columns of a comparison row (compare and sweep print the same). */
export const compareHeader = ['policy', 'completion s', 'p50 ms', 'p99 ms', 'max ms', 'cpu threads s/s', 'wake-ups', 'in vain', 'syscalls', 'GIL switches'];
const align: Align[] = ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'];

/** A comparison row's cells, in the order of `compareHeader`. */
export function compareCells(r: CompareRow): string[] {
  const done = r.finished ? r.completionSeconds.toFixed(3) : `>${r.completionSeconds.toFixed(3)} ${r.stopped === 'time-limit' ? '(cap)' : r.stopped === 'deadlock' ? '(deadlock)' : '(stopped)'}`;
  return [
    r.policy,
    done,
    millis(r.latency?.p50 ?? null),
    millis(r.latency?.p99 ?? null),
    millis(r.latency?.max ?? null),
    r.cpuThreadProgress === null ? '-' : r.cpuThreadProgress.toFixed(2),
    count(r.wakeups),
    count(r.spuriousWakeups),
    count(r.syscalls),
    count(r.gilSwitches),
  ];
}

function notes(rows: CompareRow[]): string {
  const lines = ['', 'p50/p99/max: the first client\'s request latency; cpu threads s/s: Python work the threads that run a loop got per simulated second (GIL held, or CPU time without a GIL).'];
  if (rows.some((r) => r.stopped === 'deadlock')) lines.push('>... (deadlock): every thread left was asleep with nobody to wake it; the time is when the run stopped moving.');
  if (rows.some((r) => r.stopped === 'time-limit')) lines.push(`>: stopped at the ${headlessLimitNs / 1e9} s cap before every non-daemon thread and client finished (starving).`);
  return lines.join('\n') + '\n';
}
