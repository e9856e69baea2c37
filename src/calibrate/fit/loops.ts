import { z } from 'zod';
import { compareVersions } from '../interpreters.js';
import { fmt, leastSquares, median, min } from '../stats.js';
import { put, records, type FitContext } from './figures.js';

const loopsRecord = z.object({
  name: z.enum(['countdown', 'fib']),
  python: z.string(),
  cpu: z.number(),
  iterations: z.array(z.number().positive()).min(2),
  seconds: z.array(z.array(z.number().positive()).min(1)).min(2),
  cpu_seconds: z.array(z.array(z.number().nonnegative()).min(1)).min(2).optional(),
  ctypes_loaded: z.boolean().optional(),
});

/** The interpreter whose loop costs stand for a policy: the newest 2.x for py2, the oldest GIL 3.x for py3. */
export function roleVersions(ctx: FitContext): { py2?: string; py3?: string } {
  const usable = ctx.raw.interpreters.filter((i) => i.version !== null && i.problem === undefined);
  const v2 = usable.filter((i) => i.version!.startsWith('2.')).map((i) => i.version!).sort(compareVersions);
  const v3 = usable.filter((i) => i.version!.startsWith('3.') && !i.freeThreaded).map((i) => i.version!).sort(compareVersions);
  return { py2: v2.at(-1), py3: v3[0] };
}

/**
 * Nanoseconds per iteration of each loop kind, per interpreter: the least-squares slope of the
 * per-size times (the fixed cost of the call drops out). Of CPU times, the per-size medians: a
 * loop's typical cost, which other load hardly moves (the experiments the presets are held
 * against report medians too); of wall times, the minimums, since other load only adds to them.
 * `loops.KIND.VERSION`, and `loops.KIND.py2` / `.py3` for the interpreters that stand for the
 * policies.
 */
export function fitLoops(ctx: FitContext): void {
  for (const { run, rec } of records(ctx, 'loops', 'countdown', loopsRecord).concat(records(ctx, 'loops', 'fib', loopsRecord))) {
    // CPU time where the probe recorded it: on a loaded machine the wall clock also counts the
    // time other tasks held the CPU.
    const samples = rec.cpu_seconds ?? rec.seconds;
    const clockName = rec.cpu_seconds ? 'CPU time' : 'wall time';
    if (samples.length !== rec.iterations.length) {
      ctx.notes.push(`loops under ${run.python}: ${rec.name} has ${rec.iterations.length} sizes but ${samples.length} sample lists`);
      continue;
    }
    const mins = samples.map(min);
    const typical = rec.cpu_seconds ? samples.map(median) : mins;
    const perIter = samples.flatMap((s, i) => s.map((x) => x / rec.iterations[i]));
    const fit = leastSquares(rec.iterations, typical);
    const slopeNs = fit.slope * 1e9;
    const minNs = min(mins.map((s, i) => s / rec.iterations[i])) * 1e9;
    const value = slopeNs > 0 ? slopeNs : minNs;
    const unit = rec.name === 'fib' ? 'call' : 'iteration';
    const sizes = rec.iterations.map((n) => fmt(n)).join(', ');
    const why =
      `loops.py under ${run.python}, pinned to CPU ${rec.cpu}: ${rec.name} of ${sizes} ${unit}s, ${samples[0].length} runs each, ${clockName}: ` +
      (slopeNs > 0 ? `least-squares slope of the per-size ${rec.cpu_seconds ? 'medians' : 'minimums'} ${fmt(slopeNs)} ns per ${unit}` : `slope not positive (noise), minimum taken`) +
      ` (fastest ${fmt(minNs)}, median ${fmt(median(perIter) * 1e9)} ns per ${unit})` +
      (rec.cpu_seconds ? `; by the wall clock the fastest was ${fmt((min(rec.seconds.map((x, i) => min(x) / rec.iterations[i])) * 1e9))} ns` : '') +
      (rec.ctypes_loaded ? '; ctypes was loaded, so under Python 2 the GIL existed during the timing' : '');
    put(ctx, `loops.${rec.name}.${rec.python}`, round2(value), why);
  }
  const roles = roleVersions(ctx);
  for (const kind of ['countdown', 'fib'])
    for (const role of ['py2', 'py3'] as const) {
      const v = roles[role];
      const f = v === undefined ? undefined : ctx.m[`loops.${kind}.${v}`];
      if (f !== undefined)
        ctx.m[`loops.${kind}.${role}`] = {
          value: f.value,
          why: `${f.why}; ${v} stands for ${role} as the ${role === 'py2' ? 'newest Python 2' : 'oldest Python 3 with a GIL'} calibrated`,
        };
    }
}

const round2 = (x: number) => Math.round(x * 100) / 100;
