import { existsSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { z } from 'zod';
import { InputError } from '../config/input-error.js';
import { parseWith, profilesDir, readJson } from '../config/load.js';
import { profileFileSchema, type ProfileFile } from '../config/profile-schema.js';
import { packageVersion } from '../version.js';
import { fitAll, type Measurements } from './fit/index.js';
import { roleVersions } from './fit/loops.js';
import { candidatePaths, identifyAll } from './interpreters.js';
import { allowedCpus, loadavg, probeScript } from './paths.js';
import { perfAvailability, runUnderPerf } from './perf.js';
import { planRuns, type PlannedRun } from './plan.js';
import { buildProfile, decideWrite, existingKind, rawPathFor, writeAtomically } from './profile-writer.js';
import type { ProbeRun, RawCalibration } from './raw.js';
import { recordsOf } from './raw.js';
import { lastLines, runCommand } from './spawn.js';
import { summaryLines } from './summary.js';

/** What `gil-top calibrate` was asked to do. */
export interface CalibrateOptions {
  /** Interpreters given with --python (none: find them). */
  pythons: string[];
  out: string;
  force: boolean;
  quick: boolean;
  /** Base profile name or file, for the values no probe measures. */
  base: string;
  /**
   * The raw output (`*.raw.json`) of an earlier calibration to fit again instead of running the
   * probes: a profile regenerated from committed measurements after the map or a fit changed.
   */
  fromRaw?: string;
  /** Where progress and the summary go, a line at a time. */
  log: (line: string) => void;
}

/** Reads the base profile file with its reasons (not just the numbers the engine uses). */
export function readProfileFile(nameOrPath: string): { file: ProfileFile; name: string } {
  const path = nameOrPath.includes('/') || nameOrPath.endsWith('.json') ? resolve(nameOrPath) : join(profilesDir, `${nameOrPath}.json`);
  if (!existsSync(path)) throw new InputError(`--base: no machine profile "${nameOrPath}" (${path} does not exist)`);
  const file = parseWith(profileFileSchema, readJson(path), path);
  return { file, name: file.name };
}

/** Runs one planned probe, recording everything it printed. */
export async function runPlanned(p: PlannedRun): Promise<ProbeRun> {
  const cmd = [...(p.cpus !== null ? ['taskset', '-c', p.cpus.join(',')] : []), p.interpreter.executable, probeScript(p.probe), ...p.args];
  const startedAt = new Date().toISOString();
  const load = loadavg();
  const r = p.perf ? await runUnderPerf(cmd, p.timeoutS) : { ...(await runCommand(cmd, p.timeoutS)), command: cmd, perfCsv: undefined };
  const run: ProbeRun = {
    probe: p.probe,
    python: p.interpreter.version,
    command: r.command,
    params: p.params,
    startedAt,
    seconds: Math.round(r.seconds * 1000) / 1000,
    loadavg: load,
    exitCode: r.exitCode,
    timedOut: r.timedOut,
    stdout: r.stdout,
    stderr: r.stderr.split('\n').slice(-40).join('\n'),
    ...(r.perfCsv !== undefined ? { perfCsv: r.perfCsv } : {}),
  };
  if (r.spawnError) run.error = `could not be started (${r.spawnError.code ?? r.spawnError.message})`;
  else if (r.timedOut) run.error = `timed out after ${p.timeoutS} s (killed; the records it printed before count)`;
  else if (r.exitCode !== 0) run.error = `failed with exit status ${r.exitCode ?? r.signal}${lastLines(r.stderr) ? `: ${lastLines(r.stderr).slice(0, 200)}` : ''}`;
  return run;
}

const describeRun = (p: PlannedRun) =>
  `${p.probe}${p.probe === 'gilbattle' ? ` (${p.params.cpus} CPU${p.params.cpus === 1 ? '' : 's'}${p.params.checkInterval !== null ? `, check interval ${p.params.checkInterval}` : ''}${p.perf ? ', under perf' : ''})` : ''} under ${p.interpreter.version}`;

/** `gil-top calibrate`: finds interpreters, runs every probe, fits, writes a profile and the raw output. Returns the exit status. */
export async function calibrate(o: CalibrateOptions): Promise<number> {
  const base = readProfileFile(o.base);
  const outDir = dirname(resolve(o.out));
  if (!existsSync(outDir) || !statSync(outDir).isDirectory()) throw new InputError(`--out: ${o.out}: the folder ${outDir} does not exist`);
  if (!o.force && existingKind(o.out) === 'other') throw new InputError(`${o.out}: already exists and is not a profile gil-top calibrate wrote (use --force to overwrite it)`);

  if (o.fromRaw !== undefined) return refit(o, base);
  const started = new Date();
  const loadStart = loadavg();
  o.log(`gil-top calibrate ${packageVersion()}${o.quick ? ' (--quick: rough figures)' : ''}: load average ${loadStart?.join(' ') ?? 'unknown'}`);
  const interpreters = await identifyAll(o.pythons.length > 0 ? o.pythons : candidatePaths());
  for (const i of interpreters) o.log(i.problem === undefined ? `python ${i.path}: CPython ${i.version}${i.freeThreaded ? ' (free-threaded)' : ''}` : `python ${i.path}: skipped, ${i.problem}`);
  if (!interpreters.some((i) => i.problem === undefined)) {
    if (o.pythons.length > 0) throw new InputError(`--python: none of ${o.pythons.join(', ')} is a usable CPython 2.7 or 3.6+`);
    o.log('no Python interpreter found (pyenv versions, python2.7, python2, python3, python on PATH): give one with --python PATH');
    return 1;
  }
  const perf = await perfAvailability();
  o.log(perf.available ? `perf: ${perf.reason}` : `perf: ${perf.reason}; the calibration goes on without futex and context-switch counts`);
  const taskset = (await runCommand(['taskset', '--version'], 10)).exitCode === 0;
  if (!taskset) o.log('taskset: not found; the probes pin themselves (os.sched_setaffinity, or ctypes under Python 2)');
  const cpus = allowedCpus();
  if (cpus.length < 2) o.log(`only CPU ${cpus[0]} is available: no cross-core figures`);

  const plan = planRuns(interpreters, { quick: o.quick, cpus, perf: perf.available, taskset });
  const runs: ProbeRun[] = [];
  for (const [i, p] of plan.entries()) {
    const label = `[${String(i + 1).padStart(String(plan.length).length)}/${plan.length}] ${describeRun(p)}`;
    const run = await runPlanned(p);
    runs.push(run);
    const skip = recordsOf(run).find((r) => r.name === 'skip');
    o.log(`${label}: ${run.error ?? (skip ? `skipped (${String(skip.skip)})` : 'done')} in ${run.seconds.toFixed(1)} s (load ${run.loadavg?.[0] ?? '?'})`);
  }

  const raw: RawCalibration = {
    tool: `gil-top ${packageVersion()}`,
    date: started.toISOString(),
    options: { quick: o.quick, base: base.name, pythons: o.pythons },
    machine: { ...machineOf(runs), hostname: hostname(), cpus: cpus.length },
    loadavg: { start: loadStart, end: loadavg() },
    interpreters,
    perf,
    runs,
  };
  return fitAndWrite(o, base, raw);
}

/** Fits raw probe output and writes the profile and the raw output beside it; returns the exit status. */
function fitAndWrite(o: CalibrateOptions, base: { file: ProfileFile; name: string }, raw: RawCalibration): number {
  const { measurements, notes } = fitAll(raw);
  const built = buildProfile(base.file, base.name, measurements, { name: basename(o.out).replace(/\.json$/, '') || 'calibrated', description: 'calibrated' });
  const decision = decideWrite(o.out, built.complete, o.force);
  const rawOut = o.fromRaw ?? rawPathFor(decision.file);
  built.profile.description = describe(raw, measurements, rawOut, base.name);
  writeAtomically(decision.file, JSON.stringify(built.profile, null, 2) + '\n');
  // A refit leaves the raw output where it is: the profile names it.
  if (o.fromRaw === undefined) writeAtomically(rawPathFor(decision.file), JSON.stringify({ ...raw, figures: measurements, notes }, null, 1) + '\n');
  for (const line of summaryLines(built, measurements, notes)) o.log(line);
  o.log(`${decision.message}; raw probe output in ${rawOut}`);
  return decision.intoOut ? 0 : 1;
}

/** `--from-raw`: the probe runs of an earlier calibration, fitted again with today's fits and map. */
function refit(o: CalibrateOptions, base: { file: ProfileFile; name: string }): number {
  const file = o.fromRaw!;
  const data = parseWith(rawHeaderSchema, readJson(file, 'the raw output of gil-top calibrate'), file);
  const { figures: _figures, notes: _notes, ...raw } = data as unknown as RawCalibration & { figures?: unknown; notes?: unknown };
  o.log(`gil-top calibrate ${packageVersion()}: fitting ${raw.runs.length} recorded probe runs of ${raw.date} again (${file})`);
  return fitAndWrite(o, base, raw);
}

/** What a refit reads of a raw output (describe's facts, and what the fits read of each run), checked so that a wrong file is one line, not a crash. */
const rawHeaderSchema = z.looseObject({
  tool: z.string(),
  date: z.string(),
  machine: z.looseObject({ cpuModel: z.string().nullable(), cpus: z.number(), kernel: z.string() }),
  loadavg: z.looseObject({ start: z.array(z.number()).nullable() }),
  interpreters: z.array(z.looseObject({ path: z.string(), version: z.string().nullable(), freeThreaded: z.boolean(), problem: z.string().optional() })),
  runs: z.array(z.looseObject({ probe: z.string(), python: z.string(), params: z.record(z.string(), z.unknown()), stdout: z.string() })),
});

function machineOf(runs: ProbeRun[]): { cpuModel: string | null; kernel: string } {
  const k = runs.flatMap(recordsOf).find((r) => r.probe === 'kernel' && r.name === 'settings');
  return { cpuModel: typeof k?.cpu_model === 'string' ? k.cpu_model : null, kernel: typeof k?.release === 'string' ? k.release : 'unknown' };
}

function describe(raw: RawCalibration, m: Measurements, rawFile: string, baseName: string): string {
  const roles = roleVersions({ raw, m, notes: [] });
  const vm = raw.runs.flatMap(recordsOf).some((r) => r.probe === 'kernel' && r.hypervisor === true);
  return (
    `Measured by ${raw.tool} calibrate on ${raw.machine.cpuModel ?? 'an unknown CPU'}, ${raw.machine.cpus} CPUs${vm ? ' (a virtual machine)' : ''}, Linux ${raw.machine.kernel}, ` +
    `on ${raw.date.slice(0, 10)} at a load average of ${raw.loadavg.start?.join(' ') ?? 'unknown'}; ` +
    `py2 is CPython ${roles.py2 ?? '(none found)'}, py3 is CPython ${roles.py3 ?? '(none found)'}. Values no probe measures come from ${baseName}, each reason saying so. Raw probe output: ${relative(process.cwd(), resolve(rawFile))}.`
  );
}
