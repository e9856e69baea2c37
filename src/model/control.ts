import { z } from 'zod';
import { policyNames } from '../policies/policy.js';

/** Bounds a user can set, shared by presets, session files, the command line and the dashboard keys. */
export const limits = {
  cores: { min: 1, max: 256 },
  checkInterval: { min: 1, max: 1_000_000 },
  /** Seconds (sys.setswitchinterval takes seconds). */
  switchInterval: { min: 1e-6, max: 10 },
  /** Loop iterations and repeat counts. */
  count: { max: 1e12 },
  /** Durations of operations, microseconds: at least 1 ns, so that none rounds to 0 and freezes time. */
  micros: { min: 0.001, max: 3.6e9 },
  /** Simulated seconds per wall second in the dashboard. */
  speed: { min: 1e-6, max: 1e6 },
  /** Simulated time between two samples of a recording, ns. */
  sampleEveryNs: { min: 100_000, max: 100e9 },
} as const;

/** A number within bounds, with the message a user sees for each side. */
const between = (min: number, max: number, unit = '') => z.number().min(min, `must be at least ${min}${unit}`).max(max, `must be at most ${max}${unit}`);

/**
 * Something the user does while the simulation runs; it takes effect at the current instant.
 * Declared once: the type, the validation of recorded sessions and the list of kinds come from it.
 */
export const controlActionSchema = z.discriminatedUnion('type', [
  /** Swap every process's GIL for another policy. */
  z.strictObject({ type: z.literal('policy'), policy: z.enum(policyNames) }),
  /** Python 2 `sys.setcheckinterval`, ticks. */
  z.strictObject({ type: z.literal('checkInterval'), ticks: between(limits.checkInterval.min, limits.checkInterval.max).int('must be a whole number') }),
  /** Python 3 `sys.setswitchinterval`, ns. */
  z.strictObject({ type: z.literal('switchInterval'), ns: between(limits.switchInterval.min * 1e9, limits.switchInterval.max * 1e9, ' ns') }),
  /** Online cores. */
  z.strictObject({ type: z.literal('cores'), cores: between(limits.cores.min, limits.cores.max).int('must be a whole number') }),
  /** A signal (Ctrl+C) arrives: its Python handler becomes a pending call. */
  z.strictObject({ type: z.literal('signal') }),
]);
export type ControlAction = z.infer<typeof controlActionSchema>;

/** The kinds of control action, by their `type`. */
export const controlActionTypes: readonly ControlAction['type'][] = controlActionSchema.options.map((o) => o.shape.type.value);
