import { verify, type ClientFigures, type VerifyReport } from '../../calibrate/verify/verify.js';
import { InputError } from '../../config/input-error.js';
import type { Parsed } from '../options.js';

/**
 * `gil-top verify --preset NAME|FILE --python PATH [--profile NAME|FILE] [--json]`: the preset's
 * workload as a Python script on a real interpreter, and in the simulation, side by side.
 */
export async function verifyCommand(p: Parsed): Promise<number> {
  if (p.args.length > 0) throw new InputError(`verify takes no argument (got "${p.args[0]}"); use --preset and --python`);
  if (typeof p.values.preset !== 'string') throw new InputError('verify needs --preset NAME or --preset FILE (see gil-top presets)');
  const py = p.values.python;
  const pythons = Array.isArray(py) ? py : typeof py === 'string' ? [py] : [];
  if (pythons.length !== 1) throw new InputError(`verify needs exactly one --python PATH (got ${pythons.length})`);
  const report = await verify({
    preset: p.values.preset,
    python: pythons[0],
    profile: typeof p.values.profile === 'string' ? p.values.profile : undefined,
    log: (line) => process.stderr.write(line + '\n'),
  });
  process.stdout.write(p.values.json ? JSON.stringify(report, null, 2) + '\n' : formatVerify(report));
  return 0;
}

const num = (x: number | null, digits = 0) => (x === null ? '-' : digits === 0 ? Math.round(x).toLocaleString('en-US') : x.toFixed(digits));
const ms = (s: number | null) => (s === null ? '-' : `${(s * 1e3).toFixed(3)} ms`);
const ratio = (real: number | null, sim: number | null) => (real === null || sim === null || real === 0 ? '' : `${sim >= real ? '+' : ''}${((sim / real - 1) * 100).toFixed(0)}%`);

/** The side-by-side text. */
export function formatVerify(r: VerifyReport): string {
  const rows: [string, string, string, string][] = [['', `CPython ${r.python.version}`, `simulated (${r.profile})`, 'sim/real']];
  rows.push(['seconds', num(r.real.seconds, 3), num(r.simulated.seconds, 3), ratio(r.real.seconds, r.simulated.seconds)]);
  const names = [...new Set([...Object.keys(r.real.clients), ...Object.keys(r.simulated.clients)])];
  const c = (side: Record<string, ClientFigures>, n: string) => side[n] ?? { requests: 0, p50: null, p99: null };
  for (const n of names) {
    rows.push([`${n}: requests`, num(c(r.real.clients, n).requests), num(c(r.simulated.clients, n).requests), '']);
    rows.push([`${n}: latency p50`, ms(c(r.real.clients, n).p50), ms(c(r.simulated.clients, n).p50), ratio(c(r.real.clients, n).p50, c(r.simulated.clients, n).p50)]);
    rows.push([`${n}: latency p99`, ms(c(r.real.clients, n).p99), ms(c(r.simulated.clients, n).p99), ratio(c(r.real.clients, n).p99, c(r.simulated.clients, n).p99)]);
  }
  rows.push(['futex calls', num(r.real.futexCalls), num(r.simulated.futexCalls), ratio(r.real.futexCalls, r.simulated.futexCalls)]);
  rows.push(['context switches', num(r.real.contextSwitches), num(r.simulated.contextSwitches), ratio(r.real.contextSwitches, r.simulated.contextSwitches)]);
  rows.push(['  voluntary (/proc)', num(r.real.voluntary), num(r.simulated.voluntary), ratio(r.real.voluntary, r.simulated.voluntary)]);
  rows.push(['  involuntary (/proc)', num(r.real.involuntary), num(r.simulated.involuntary), ratio(r.real.involuntary, r.simulated.involuntary)]);
  rows.push(['GIL switches', '-', num(r.simulated.gilSwitches), '']);
  rows.push(['forced switches', '-', num(r.simulated.forcedSwitches), '']);
  rows.push(['checks', '-', num(r.simulated.checks), '']);
  const w = [Math.max(...rows.map((x) => x[0].length)) + 2, 16, 24, 9];
  const lines = [`verify ${r.preset}: CPython ${r.python.version} (${r.python.path}) on CPU${r.cpus.length > 1 ? 's' : ''} ${r.cpus.join(',')}; the simulation on profile ${r.profile}`, ''];
  for (const [a, b, cc, d] of rows) lines.push(`${a.padEnd(w[0])}${b.padStart(w[1])}  ${cc.padStart(w[2])}  ${d.padStart(w[3])}`);
  if (r.notes.length > 0) lines.push('', ...r.notes.map((n) => `note: ${n}`));
  return lines.join('\n') + '\n';
}
