import type { z } from 'zod';
import { recordsOf, type ProbeRecord, type ProbeRun, type RawCalibration } from '../raw.js';

/** A measured figure: its value (ns, ticks, or a count per event) and where it came from. */
export interface Figure {
  value: number;
  /** The probe, the interpreter and the raw figures it came from, in one line. */
  why: string;
}

/** Every figure a calibration yields, by name (`loops.countdown.py2`, `syscalls.futexWakeEmpty` ...). */
export type Measurements = Record<string, Figure>;

/** What the fitting steps share: the raw output, the figures so far, and one-line notes. */
export interface FitContext {
  raw: RawCalibration;
  m: Measurements;
  /** Problems, one line each (a probe's record missing or malformed, a figure that is noise). */
  notes: string[];
}

/** A record and the run that printed it. */
export interface Found<T> {
  run: ProbeRun;
  rec: T;
}

/**
 * The records named `name` of the runs of `probe`, validated by `schema`; a malformed record
 * becomes a note and is left out.
 */
export function records<S extends z.ZodType>(ctx: FitContext, probe: string, name: string, schema: S, runs: ProbeRun[] = ctx.raw.runs): Found<z.infer<S>>[] {
  const out: Found<z.infer<S>>[] = [];
  for (const run of runs) {
    if (run.probe !== probe) continue;
    for (const rec of recordsOf(run)) {
      if (rec.name !== name) continue;
      const r = schema.safeParse(rec);
      if (r.success) out.push({ run, rec: r.data });
      else ctx.notes.push(`${probe} under ${run.python}: record "${name}" is malformed (${r.error.issues[0].path.join('.')}: ${r.error.issues[0].message})`);
    }
  }
  return out;
}

/** The skip records of a probe's runs, as notes. */
export function noteSkips(ctx: FitContext, probe: string): void {
  for (const run of ctx.raw.runs)
    if (run.probe === probe)
      for (const rec of recordsOf(run) as (ProbeRecord & { skip?: unknown })[])
        if (rec.name === 'skip') ctx.notes.push(`${probe} under ${run.python}: skipped (${String(rec.skip)})`);
}

/** Sets a figure, unless its value is not a finite number (then a note). */
export function put(ctx: FitContext, name: string, value: number, why: string): void {
  if (!Number.isFinite(value)) {
    ctx.notes.push(`${name}: no finite value (${why})`);
    return;
  }
  ctx.m[name] = { value, why };
}

/** Seconds to nanoseconds. */
export const ns = (s: number): number => s * 1e9;
