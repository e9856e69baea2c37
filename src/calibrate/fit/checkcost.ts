import { z } from 'zod';
import { fmt, leastSquares, median, min } from '../stats.js';
import { noteSkips, put, records, type FitContext } from './figures.js';

const runRecord = z.object({
  python: z.string(),
  cpu: z.number(),
  mode: z.enum(['gil', 'nogil']),
  check_interval: z.number().int().positive(),
  iterations: z.number().positive(),
  seconds: z.array(z.number().positive()).min(1),
  cpu_seconds: z.array(z.number().nonnegative()).min(1).optional(),
  ticks_per_iteration: z.number().positive(),
});

/**
 * Python 2's cost per check with the GIL existing but uncontended: `checkcost.CI` = (fastest run
 * with the GIL - fastest without) / checks, at each check interval CI; `checkcost.plainCheck` is
 * a check without a GIL (the ticker reset and the pending-calls test), the slope of the runs
 * without a GIL over their number of checks.
 */
export function fitCheckCost(ctx: FitContext): void {
  noteSkips(ctx, 'checkcost');
  const found = records(ctx, 'checkcost', 'run', runRecord);
  if (found.length === 0) return;
  const python = found[0].run.python;
  const offset = ctx.m['ticks.perCheck']?.value ?? 1;
  const offsetWhy = ctx.m['ticks.perCheck'] ? `a check every interval + ${offset} ticks (ticks probe)` : 'a check every interval + 1 ticks (ceval.c: the ticker is reset to the interval and the check fires below zero; not measured in this run)';
  const intervals = [...new Set(found.map((f) => f.rec.check_interval))].sort((a, b) => a - b);
  const plain: { checks: number; seconds: number }[] = [];
  for (const ci of intervals) {
    const at = found.filter((f) => f.rec.check_interval === ci);
    // The process's CPU time where recorded (the wall clock also counts other tasks' turns).
    const cpu = at.every((f) => f.rec.cpu_seconds !== undefined);
    const times = (mode: string) => at.filter((f) => f.rec.mode === mode).flatMap((f) => (cpu ? f.rec.cpu_seconds! : f.rec.seconds));
    const gil = times('gil');
    const nogil = times('nogil');
    if (gil.length === 0 || nogil.length === 0) {
      ctx.notes.push(`checkcost under ${python}: check interval ${ci} lacks runs ${gil.length === 0 ? 'with' : 'without'} a GIL`);
      continue;
    }
    const n = at[0].rec.iterations;
    const tpi = median(at.map((f) => f.rec.ticks_per_iteration));
    const checks = (n * tpi) / (ci + offset);
    const perCheck = ((min(gil) - min(nogil)) / checks) * 1e9;
    const scatter = ((median(gil) - min(gil) + (median(nogil) - min(nogil))) / checks) * 1e9;
    plain.push({ checks, seconds: min(nogil) });
    put(
      ctx,
      `checkcost.${ci}`,
      Math.round(perCheck * 10) / 10,
      `checkcost.py under ${python}, pinned to CPU ${at[0].rec.cpu}: countdown(${fmt(n)}) in fresh processes at check interval ${ci}, ${cpu ? 'CPU time' : 'wall time'} (${fmt(checks)} checks at ${fmt(tpi)} ticks per iteration, ${offsetWhy}): fastest ${fmt(min(gil))} s with the GIL (median ${fmt(median(gil))}, ${gil.length} runs), ${fmt(min(nogil))} s without (median ${fmt(median(nogil))}, ${nogil.length} runs): ${fmt(perCheck)} ns per check (the medians scatter by ${fmt(scatter)} ns per check)`,
    );
  }
  if (plain.length >= 2) {
    const fit = leastSquares(
      plain.map((p) => p.checks),
      plain.map((p) => p.seconds),
    );
    put(ctx, 'checkcost.plainCheck', Math.round(fit.slope * 1e10) / 10, `checkcost.py under ${python}: the fastest runs without a GIL at intervals ${intervals.join(', ')} against their number of checks: ${fmt(fit.slope * 1e9)} ns per check without a GIL (least-squares slope)`);
  }
}
