import { z } from 'zod';
import { policyNames } from '../policies/policy.js';

/** Bounds a user can set, shared by presets, session files, the command line and the dashboard keys. */
export const limits = {
  cores: { min: 1, max: 256 },
  checkInterval: { min: 1, max: 1_000_000 },
  /** Seconds (sys.setswitchinterval takes seconds). */
  switchInterval: { min: 1e-6, max: 10 },
} as const;

/**
 * Something the user does while the simulation runs; it takes effect at the current instant.
 * Declared once: the type, the validation of recorded sessions and the list of kinds come from it.
 */
export const controlActionSchema = z.discriminatedUnion('type', [
  /** Swap every process's GIL for another policy. */
  z.strictObject({ type: z.literal('policy'), policy: z.enum(policyNames) }),
  /** Python 2 `sys.setcheckinterval`, ticks. */
  z.strictObject({ type: z.literal('checkInterval'), ticks: z.number().int('must be a whole number').min(limits.checkInterval.min).max(limits.checkInterval.max) }),
  /** Python 3 `sys.setswitchinterval`, ns. */
  z.strictObject({ type: z.literal('switchInterval'), ns: z.number().min(Math.round(limits.switchInterval.min * 1e9)).max(Math.round(limits.switchInterval.max * 1e9)) }),
  /** Online cores. */
  z.strictObject({ type: z.literal('cores'), cores: z.number().int('must be a whole number').min(limits.cores.min).max(limits.cores.max) }),
  /** A signal (Ctrl+C) arrives: its Python handler becomes a pending call. */
  z.strictObject({ type: z.literal('signal') }),
]);
export type ControlAction = z.infer<typeof controlActionSchema>;

/** The kinds of control action, by their `type`. */
export const controlActionTypes: readonly ControlAction['type'][] = controlActionSchema.options.map((o) => o.shape.type.value);
