import type { RawCalibration } from '../raw.js';
import { fitCacheline } from './cacheline.js';
import { fitCheckCost } from './checkcost.js';
import type { FitContext, Measurements } from './figures.js';
import { fitGilBattle } from './gilbattle.js';
import { fitKernel } from './kernel.js';
import { fitLoopback } from './loopback.js';
import { fitLoops } from './loops.js';
import { fitPingpong } from './pingpong.js';
import { fitSyscalls } from './syscalls.js';
import { fitTicks } from './ticks.js';

export type { Figure, Measurements } from './figures.js';

/**
 * Every figure the raw output yields, with one-line notes on what it could not yield. Order
 * matters: the check costs use the ticks, the wake-ups subtract the syscall costs.
 */
export function fitAll(raw: RawCalibration): { measurements: Measurements; notes: string[] } {
  const ctx: FitContext = { raw, m: {}, notes: [] };
  for (const run of raw.runs) if (run.error !== undefined) ctx.notes.push(`${run.probe} under ${run.python}: ${run.error}`);
  for (const step of [fitKernel, fitLoops, fitTicks, fitCheckCost, fitSyscalls, fitPingpong, fitLoopback, fitCacheline, fitGilBattle]) step(ctx);
  return { measurements: ctx.m, notes: ctx.notes };
}
