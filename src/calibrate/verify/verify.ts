import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../config/input-error.js';
import { loadPreset, loadProfile, presetFromData, readJson, type Preset } from '../../config/load.js';
import { runHeadless } from '../../session/headless.js';
import type { RunSummary } from '../../session/summary.js';
import { identify } from '../interpreters.js';
import { allowedCpus } from '../paths.js';
import { parsePerfCsv } from '../perf-csv.js';
import { perfAvailability, runUnderPerf } from '../perf.js';
import type { InterpreterInfo } from '../raw.js';
import { lastLines, runCommand, type Finished } from '../spawn.js';
import { pythonScript } from './script.js';

/** Latency figures of one client, seconds. */
export interface ClientFigures {
  requests: number;
  p50: number | null;
  p99: number | null;
}

/** One side of the comparison. */
export interface SideFigures {
  seconds: number;
  clients: Record<string, ClientFigures>;
  /** perf's counts for the real run (null without perf); the model's counters for the simulation. */
  futexCalls: number | null;
  contextSwitches: number | null;
  voluntary: number | null;
  involuntary: number | null;
}

/** What `gil-top verify` found. */
export interface VerifyReport {
  preset: string;
  python: { path: string; version: string };
  cpus: number[];
  /** The machine profile's name, and its file when given with --profile. */
  profile: string;
  real: SideFigures & { perfSeconds: number | null };
  simulated: SideFigures & { finished: boolean; gilSwitches: number; forcedSwitches: number; checks: number };
  notes: string[];
}

/** Nearest-rank quantile of latencies (seconds), as the model reports them. */
export function nearestRank(xs: readonly number[], q: number): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

const resultLine = z.object({
  seconds: z.number(),
  threads: z.record(z.string(), z.object({ voluntary: z.number(), involuntary: z.number(), latencies: z.array(z.number()) })),
});

/** The generated script's result line, or null. */
function verifyLine(stdout: string): z.infer<typeof resultLine> | null {
  const line = stdout.split('\n').find((l) => l.startsWith('{') && l.includes('"gil_top_verify"'));
  if (line === undefined) return null;
  try {
    const r = resultLine.safeParse(JSON.parse(line));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

/** The real run's figures from the script's JSON line (and perf's counts). */
export function realFigures(stdout: string, perfCsv: string | null): SideFigures | null {
  const r = verifyLine(stdout);
  if (r === null) return null;
  const clients: Record<string, ClientFigures> = {};
  let vol = 0;
  let invol = 0;
  for (const [name, t] of Object.entries(r.threads)) {
    vol += t.voluntary;
    invol += t.involuntary;
    if (t.latencies.length > 0) clients[name] = { requests: t.latencies.length, p50: nearestRank(t.latencies, 0.5), p99: nearestRank(t.latencies, 0.99) };
  }
  const counts = perfCsv === null ? null : parsePerfCsv(perfCsv);
  return {
    seconds: r.seconds,
    clients,
    futexCalls: counts?.['syscalls:sys_enter_futex'] ?? null,
    contextSwitches: counts?.['context-switches'] ?? null,
    voluntary: vol,
    involuntary: invol,
  };
}

/** The simulation's side of the comparison. */
export function simulatedFigures(s: RunSummary): VerifyReport['simulated'] {
  const c = s.counters;
  const clients: Record<string, ClientFigures> = {};
  for (const cl of s.clients) clients[cl.name] = { requests: cl.requests, p50: cl.latency.p50, p99: cl.latency.p99 };
  return {
    seconds: s.simulatedSeconds,
    finished: s.finished,
    clients,
    futexCalls: c.syscalls.futex_wait + c.syscalls.futex_wait_timeout + c.syscalls.futex_wake,
    contextSwitches: c.contextSwitches.voluntary + c.contextSwitches.involuntary,
    voluntary: c.contextSwitches.voluntary,
    involuntary: c.contextSwitches.involuntary,
    gilSwitches: c.gilSwitches,
    forcedSwitches: c.forcedSwitches,
    checks: c.checks,
  };
}

function failure(what: string, r: Finished, timeoutS: number): string {
  if (r.spawnError) return `${what}: could not be started (${r.spawnError.code ?? r.spawnError.message})`;
  if (r.timedOut) return `${what}: timed out after ${timeoutS} s`;
  return `${what}: exit status ${r.exitCode ?? r.signal}${lastLines(r.stderr) ? ` (${lastLines(r.stderr).slice(0, 200)})` : ''}`;
}

/** Runs a preset on a real interpreter and in the simulation. Bad input throws one InputError line. */
export async function verify(o: { preset: string; python: string; profile?: string; log: (line: string) => void }): Promise<VerifyReport> {
  let preset: Preset = loadPreset(o.preset);
  if (o.profile !== undefined) preset = presetFromData(readJson(preset.file), preset.file, loadProfile(o.profile, process.cwd()));
  const py: InterpreterInfo = await identify(o.python);
  if (py.problem !== undefined || py.version === null || py.executable === null) throw new InputError(`--python: ${o.python}: ${py.problem ?? 'not usable'}`);
  const available = allowedCpus();
  const script = pythonScript(preset, { version: py.version, freeThreaded: py.freeThreaded, cpus: available.length });
  const cpus = available.slice(0, preset.cores);
  const notes: string[] = [];

  o.log(`simulating ${preset.name} on profile ${preset.machine.name} ...`);
  const { summary } = runHeadless(preset);
  const simulated = simulatedFigures(summary);
  if (!simulated.finished) notes.push(`the simulation stopped at its time limit: a thread or client never finished there`);

  const dir = mkdtempSync(join(tmpdir(), 'gil-top-verify-'));
  try {
    const file = join(dir, `${preset.name}.py`);
    writeFileSync(file, script);
    const cmd = ['taskset', '-c', cpus.join(','), py.executable, file];
    const timeoutS = Math.min(1800, Math.max(120, Math.ceil(30 * (simulated.finished ? simulated.seconds : 60))));
    o.log(`running ${preset.name} under CPython ${py.version} on CPU${cpus.length > 1 ? 's' : ''} ${cpus.join(',')} ...`);
    const r = await runCommand(cmd, timeoutS);
    if (r.exitCode !== 0 || r.timedOut || r.spawnError) throw new InputError(`${preset.name} under ${o.python}: ${failure('the generated script', r, timeoutS)}`);
    const real = realFigures(r.stdout, null);
    if (real === null) throw new InputError(`${preset.name} under ${o.python}: the generated script printed no result line`);
    let perfSeconds: number | null = null;
    const perf = await perfAvailability();
    if (!perf.available) notes.push(`perf: ${perf.reason}; no futex or context-switch counts for the real run`);
    else {
      o.log(`running it again under perf stat ...`);
      const p = await runUnderPerf(cmd, timeoutS);
      const counted = p.exitCode === 0 ? realFigures(p.stdout, p.perfCsv) : null;
      if (counted === null) notes.push(`perf: ${failure('the run under perf', p, timeoutS)}`);
      else {
        real.futexCalls = counted.futexCalls;
        real.contextSwitches = counted.contextSwitches;
        perfSeconds = counted.seconds;
        notes.push(`futex calls and context switches come from a second run under perf stat (whole process tree; ${counted.seconds.toFixed(3)} s: its futex tracepoint slows every futex call); seconds, latencies and /proc switches from the run without perf`);
      }
    }
    notes.push('/proc counts cover the threads that finished (daemon threads are abandoned uncounted); the simulation counts every task');
    return { preset: preset.name, python: { path: o.python, version: py.version }, cpus, profile: o.profile !== undefined && o.profile.includes('/') ? `${preset.machine.name} (${o.profile})` : preset.machine.name, real: { ...real, perfSeconds }, simulated, notes };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
