import { z } from 'zod';

const count = z.number().int('must be a whole number').nonnegative('must not be negative');

/** System calls the model counts, keyed as Linux names them. */
export const syscallCountersSchema = z.strictObject({
  futex_wait: count,
  futex_wait_timeout: count,
  futex_wake: count,
  recv: count,
  send: count,
  accept: count,
  connect: count,
  close: count,
  clock_nanosleep: count,
});

/**
 * The tallies the model keeps as things happen, declared once: the TypeScript type, the zero
 * value and the validation of recorded files all come from this schema. Plain numbers in one
 * object of fixed shape, so that counting costs an increment on the hot path; the JSON names are
 * the ones scripts rely on.
 */
export const countersSchema = z.strictObject({
  /** System calls by their Linux name. */
  syscalls: syscallCountersSchema,
  /** Times the kernel woke a blocked task. */
  wakeups: count,
  /** Wake-ups after which the task failed to get the GIL and went back to sleep. */
  spuriousWakeups: count,
  /** Context switches: voluntary when a task blocks, involuntary when it is preempted. */
  contextSwitches: z.strictObject({ voluntary: count, involuntary: count }),
  /** Times a thread took the GIL (including Python 2's release-and-retake at every check). */
  gilAcquisitions: count,
  /** Acquisitions by a thread other than the previous holder. */
  gilSwitches: count,
  /** Python 3: times a waiter set `gil_drop_request` after its timed wait ran out. */
  dropRequests: count,
  /** Python 3: times a holder dropped the GIL because of a drop request. */
  forcedSwitches: count,
  /** Python 2: ticks counted by `_Py_Ticker`. */
  ticks: count,
  /** Python 2: periodic checks (the ticker ran out); Python 3: eval-breaker checks that acted. */
  checks: count,
});

export type Counters = z.infer<typeof countersSchema>;
export type SyscallCounters = z.infer<typeof syscallCountersSchema>;

/** A zeroed set of counters, with every field the schema declares. */
export function createCounters(): Counters {
  const zero = (shape: Record<string, z.ZodType>): Record<string, unknown> =>
    Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, v instanceof z.ZodObject ? zero(v.shape) : 0]));
  return zero(countersSchema.shape) as Counters;
}

/** A deep copy, for snapshots and samples that must not change under the reader. */
export function copyCounters(c: Counters): Counters {
  return {
    ...c,
    syscalls: { ...c.syscalls },
    contextSwitches: { ...c.contextSwitches },
  };
}
