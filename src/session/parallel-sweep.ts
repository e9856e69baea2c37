import { InputError } from '../config/input-error.js';
import type { Overrides, Preset } from '../config/load.js';
import { limits } from '../config/preset-schema.js';
import type { PolicyName } from '../model/index.js';
import type { RunJob } from './parallel-job.js';
import { processCostsOf, withWorkers, workersUnusable } from '../config/workers.js';

/** A parameter a sweep can vary, with its bounds and how it changes a run. */
export interface SweepParam {
  name: string;
  /** What it is, for `--help` and errors. */
  what: string;
  min: number;
  max: number;
  integer: boolean;
  /** The overrides of a run with this value. */
  apply(o: Overrides, value: number): Overrides;
  /** The preset of a run with this value, for a parameter that changes the workload itself. */
  transform?(preset: Preset, value: number): Preset;
  /** Why this preset cannot vary it, or null. */
  unusable?(preset: Preset): string | null;
}

/** The most runs one sweep may ask for (points x policies). */
export const maxSweepRuns = 500;

/** The most workers a sweep may ask for (threads or processes). */
export const maxWorkers = 64;

/** Steps of a range when `--steps` is not given (an integer range with fewer values takes each). */
export const defaultSteps = 8;

/** Every parameter `--param` accepts. */
export const sweepParams: readonly SweepParam[] = [
  { name: 'switch-interval', what: 'Python 3 switch interval, seconds', ...limits.switchInterval, integer: false, apply: (o, v) => ({ ...o, switchInterval: v }) },
  { name: 'check-interval', what: 'Python 2 check interval, ticks', ...limits.checkInterval, integer: true, apply: (o, v) => ({ ...o, checkInterval: v }) },
  { name: 'cores', what: 'simulated cores', ...limits.cores, integer: true, apply: (o, v) => ({ ...o, cores: v }) },
  ...(['threads', 'processes'] as const).map(
    (as): SweepParam => ({
      name: as,
      what: `the preset's CPU-bound work split among this many ${as}`,
      min: 1,
      max: maxWorkers,
      integer: true,
      apply: (o) => o,
      transform: (p, v) => withWorkers(p, v, as),
      unusable: (p) => workersUnusable(p) ?? (as === 'processes' && processCostsOf(p) === null ? `profile ${p.machine.name} has no "processes" costs (forkNs, childStartNs, pickleNs)` : null),
    }),
  ),
];

/** One varied parameter and the values it takes. */
export interface ParamValues {
  param: SweepParam;
  values: number[];
}

/**
 * Parses `name=lo..hi` (spaced by `steps`, evenly or, with `log`, geometrically; integers are
 * rounded and kept once) or `name=a,b,c`. Bad input throws one line naming the spec and why.
 */
export function parseParam(spec: string, steps: number | undefined, log: boolean): ParamValues {
  const at = `--param ${spec}`;
  const eq = spec.indexOf('=');
  if (eq < 0) throw new InputError(`${at}: write NAME=LO..HI or NAME=A,B,C (e.g. switch-interval=0.0001..0.02)`);
  const name = spec.slice(0, eq).trim();
  const param = sweepParams.find((p) => p.name === name);
  if (param === undefined) throw new InputError(`${at}: unknown parameter "${name}" (known: ${sweepParams.map((p) => p.name).join(', ')})`);
  const body = spec.slice(eq + 1).trim();
  const num = (s: string) => {
    const v = Number(s.trim());
    if (s.trim() === '' || !Number.isFinite(v)) throw new InputError(`${at}: "${s.trim()}" is not a number`);
    if (param.integer && !Number.isInteger(v)) throw new InputError(`${at}: ${name} takes whole numbers (got ${s.trim()})`);
    if (v < param.min || v > param.max) throw new InputError(`${at}: ${v} is out of range for ${name} (${param.min} to ${param.max})`);
    return v;
  };
  if (!body.includes('..')) {
    const values = body.split(',').map(num);
    if (new Set(values).size !== values.length) throw new InputError(`${at}: a value is given twice`);
    return { param, values };
  }
  const [loText, hiText, ...rest] = body.split('..');
  if (rest.length > 0) throw new InputError(`${at}: one range only (LO..HI)`);
  const [lo, hi] = [num(loText), num(hiText)];
  if (lo >= hi) throw new InputError(`${at}: the range is empty (${lo} is not below ${hi})`);
  if (steps !== undefined && (!Number.isInteger(steps) || steps < 2)) throw new InputError(`--steps: ${steps} must be a whole number of at least 2`);
  const n = steps ?? (param.integer && hi - lo + 1 <= 16 ? hi - lo + 1 : defaultSteps);
  const raw = Array.from({ length: n }, (_, i) => (i === n - 1 ? hi : log ? lo * (hi / lo) ** (i / (n - 1)) : lo + ((hi - lo) * i) / (n - 1)));
  const values = param.integer ? [...new Set(raw.map((v) => Math.round(v)))] : raw.map((v) => Number(v.toPrecision(6)));
  return { param, values };
}

/** One point of a sweep: a value per parameter under one policy. */
export interface SweepPoint {
  /** Parameter name to its value. */
  values: Record<string, number>;
  policy: PolicyName;
}

/** The points of a sweep (the first parameter varies slowest) and their jobs. */
export function sweepJobs(preset: Preset, params: ParamValues[], policies: readonly PolicyName[], overrides: Overrides = {}): { points: SweepPoint[]; jobs: RunJob[] } {
  for (const { param } of params) {
    const why = param.unusable?.(preset) ?? null;
    if (why !== null) throw new InputError(`--param ${param.name}: ${why}`);
  }
  if (new Set(params.map((p) => p.param.name)).size !== params.length) throw new InputError(`--param: ${params[0].param.name} is given twice`);
  if (params.filter((p) => p.param.transform !== undefined).length > 1) throw new InputError('--param threads and --param processes: vary one (each says how the same work is run)');
  const runs = params.reduce((n, p) => n * p.values.length, policies.length);
  if (runs > maxSweepRuns)
    throw new InputError(`sweep: ${params.map((p) => p.values.length).join(' x ')} points x ${policies.length} polic${policies.length === 1 ? 'y' : 'ies'} = ${runs} runs, more than ${maxSweepRuns}; use fewer --steps`);
  let combos: Record<string, number>[] = [{}];
  for (const { param, values } of params) combos = combos.flatMap((c) => values.map((v) => ({ ...c, [param.name]: v })));
  const points = combos.flatMap((values) => policies.map((policy) => ({ values, policy })));
  // A parameter that changes the workload builds its preset once per value, shared by the points.
  const built = new Map<string, Preset>();
  const presetFor = (values: Record<string, number>) => {
    const key = JSON.stringify(values);
    let p = built.get(key);
    if (p === undefined) {
      p = preset;
      for (const { param } of params) if (param.transform !== undefined) p = param.transform(p, values[param.name]);
      built.set(key, p);
    }
    return p;
  };
  const jobs = points.map((pt) => {
    let o: Overrides = { ...overrides, policy: pt.policy };
    for (const { param } of params) o = param.apply(o, pt.values[param.name]);
    return { preset: presetFor(pt.values), overrides: o };
  });
  return { points, jobs };
}
